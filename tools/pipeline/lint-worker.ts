/**
 * The lint stage in a worker thread, for `npm run watch`: lints the spec on the machine's other core while
 * the watcher's own thread makes the rest of generated/ (the types are written before lint starts:
 * tools/pipeline/build.ts buildAll), so that the run waits for the longer of the two instead of their sum.
 * Protocol: each message asks for one run and lists the files that changed since the last; redocly.yaml is
 * loaded again when a change is not a spec file (an edited config applies, as in the watcher). The worker keeps its document
 * resolver between runs and forgets only the changed files, so an edit re-reads and re-parses one file, not
 * the ~220 of the spec (lint only reads the documents; bundling, which rewrites them, runs elsewhere on its
 * own copies, tools/pipeline/bundle.ts ParsedFiles). A change that is not a spec file (redocly.yaml, a folder) starts a fresh resolver.
 * The answer is `{ problems: [] }` when the spec is clean, `{ problems }` (the SpecProblems,
 * file:line:col) when it is not, or `{ crash }` with the error's stack.
 * `startLintWorker()` gives the watcher a `lint()` that resolves or rejects like lintSpec, and `stop()`.
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { BaseResolver, type Config, loadConfig } from "@redocly/openapi-core";
import { redoclyConfigPath, SpecError, type SpecProblem } from "./common.js";
import { lintSpec } from "./lint.js";

type Answer = { problems: SpecProblem[] } | { crash: string };

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  let resolver: BaseResolver | undefined;
  let loaded: Promise<Config> | undefined;
  port.on("message", (changed: string[]) => {
    const specFiles = changed.every((path) => /\.(ya?ml|json)$/.test(path) && !path.endsWith("redocly.yaml"));
    if (!specFiles) {
      resolver = undefined;
      loaded = undefined;
    }
    for (const path of changed) resolver?.cache.delete(path);
    loaded ??= loadConfig({ configPath: redoclyConfigPath });
    loaded
      .then((config) => {
        resolver ??= new BaseResolver(config.resolve);
        return lintSpec({ config, resolver });
      })
      .then(
        () => port.postMessage({ problems: [] } satisfies Answer),
        (error: unknown) =>
          port.postMessage(
            (error instanceof SpecError
              ? { problems: error.problems }
              : { crash: error instanceof Error ? (error.stack ?? error.message) : String(error) }) satisfies Answer,
          ),
      );
  });
}

export interface LintWorker {
  /**
   * One lint run of the current files (`changed`: absolute paths changed since the last run): resolves
   * when clean, rejects with a SpecError listing the problems.
   */
  lint(changed: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the worker (it imports Redocly once, then waits for runs); runs are asked one at a time. */
export function startLintWorker(): LintWorker {
  const worker = new Worker(new URL(import.meta.url));
  let pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  worker.on("message", (answer: Answer) => {
    const run = pending;
    pending = undefined;
    if ("crash" in answer) run?.reject(new Error(`lint worker: ${answer.crash}`));
    else if (answer.problems.length > 0) run?.reject(new SpecError("lint", answer.problems));
    else run?.resolve();
  });
  worker.on("error", (error) => {
    pending?.reject(error);
    pending = undefined;
  });
  return {
    lint: (changed) =>
      new Promise<void>((resolve, reject) => {
        if (pending !== undefined) throw new Error("lint worker: a run is already in progress");
        pending = { resolve, reject };
        worker.postMessage(changed);
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
