/**
 * Stage: watch — the edit loop. Runs lint → bundle → generate → docs once, then again on every change
 * under openapi/ or to redocly.yaml, printing one line per stage with its time and one per file written.
 * Input: openapi/, redocly.yaml (re-read on every run).
 * Output: generated/openapi.ts as soon as the types are made (the bundle parses only the files whose text
 * changed, tools/pipeline/bundle.ts ParsedFiles); the rest of generated/ (bundle, client module, merge
 * metadata, manifest) once lint — in a worker thread on the other core (tools/pipeline/lint-worker.ts),
 * started once the types are out — and the rest of generate succeeded; then build/docs/index.html. When
 * lint or generate fails, the types written early are put back (tools/pipeline/build.ts buildAll). After the
 * first good build, while idle, it runs the save path a few times without writing (warmPasses) and prints
 * `warm ok`: from then on saves take the warm path.
 * A spec with problems prints them as file:line:col, ends the run "build failed" and leaves the last good
 * outputs in place; the next good edit recovers. Changes that arrive during a run are collected into one
 * follow-up run, and the run under way skips or stops its docs render (`docs skipped`), so that they wait
 * for its lint and generate only; when the follow-up run fails, it renders the docs of the last good outputs.
 * redocly.yaml is loaded again only when it changed.
 * Everything, problems included, is printed on stdout, in order.
 * Exit codes: 0 after SIGINT or SIGTERM (the current run is finished first), 2 when watching cannot start.
 */
import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import { type Config, loadConfig } from "@redocly/openapi-core";
import { buildAll, watchDocs } from "./build.js";
import { bundleDocument, bundleJsonPath, ParsedFiles } from "./bundle.js";
import { buildDocs } from "./docs.js";
import { transformTypes } from "./generate.js";
import { type LintWorker, startLintWorker } from "./lint-worker.js";
import { projectRoot, redoclyConfigPath, relativeToProject, runStage, SpecError } from "./common.js";

/**
 * An editor's save is often a burst of writes and renames, a few milliseconds apart; wait this long after
 * the last one. A burst that lasts longer costs a follow-up run, never a lost change.
 */
const debounceMs = 15;
/**
 * Passes of the save path (bundle, then the types; nothing written) run after the first good build, while
 * the watcher is idle: V8 optimises Redocly's bundler, openapi-typescript and TypeScript's printer only
 * after several calls, and their first calls in a process take several times their warm time
 * (docs/benchmarks.md#watch), so without these passes the first saves after `npm run watch` starts would
 * be the slow ones. A change stops them after the current pass; the rest follow when the watcher is idle
 * again. `warm ok` says that saves now take the warm path.
 */
const warmPasses = 8;
const specDir = join(projectRoot, "openapi");
const rulesDir = join(specDir, "rules");
/** Files that can change the outputs; editor swap and backup files are ignored. */
const specFile = /\.(ya?ml|json|m?js)$/;

/**
 * One pass over the current files; every failure is printed, none is thrown. Resolves true when it built.
 * `superseded` is aborted when a newer change comes in (its docs render is then dropped: build.ts watchDocs).
 */
async function rebuild(changed: string[], lint: LintWorker, state: WatchState, superseded: AbortSignal): Promise<boolean> {
  console.log(`\nrun       ${changed.map(relativeToProject).join(", ")}`);
  if (changed.some((path) => path.startsWith(rulesDir))) {
    console.log(
      "note      lint plugins are loaded once per process (Node 20 cannot re-import an ES module); restart `npm run watch` to use the edited rules",
    );
  }
  const started = performance.now();
  try {
    // redocly.yaml is read again when it changed (its plugins cannot be, see above); the spec files are
    // read every run and parsed again when their text changed.
    if (state.config === undefined || changed.includes(redoclyConfigPath))
      state.config = await loadConfig({ configPath: redoclyConfigPath });
    state.docsOwed = !(await buildAll(
      { config: state.config },
      { lint: () => lint.lint(changed), parsed: state.parsed, superseded },
    ));
    return true;
  } catch (error) {
    // stdout like every other line of the run, so that the problems stay next to it when piped.
    console.log(
      error instanceof SpecError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
    if (state.docsOwed) await renderOwedDocs(state, superseded);
    console.log(
      `build     failed ${Math.round(performance.now() - started)} ms — kept the last good outputs; waiting for the next edit`,
    );
    return false;
  }
}

/**
 * The docs of the last good outputs, when the good run that wrote generated/ skipped them (a newer change came
 * in) and that change's run failed: rendered from generated/openapi.json, so that generated/ and the page
 * describe the same spec once the run is over.
 */
async function renderOwedDocs(state: WatchState, superseded: AbortSignal): Promise<void> {
  try {
    const start = () => ({ page: buildDocs(bundleJsonPath, superseded), started: performance.now() });
    state.docsOwed = !(await watchDocs(start, superseded));
  } catch (error) {
    console.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/**
 * Resolves once the event loop has polled for I/O, so that the file change events queued meanwhile have
 * been delivered. An immediate set during the poll phase runs right after it, before the next poll; one set
 * from an immediate runs after the next poll.
 */
async function changeEventsDelivered(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** One warm-up pass (see warmPasses): what a save runs up to the types, on the current files, writing nothing. */
async function warmPass(state: WatchState): Promise<void> {
  const config = state.config ?? (await loadConfig({ configPath: redoclyConfigPath }));
  await transformTypes(await bundleDocument({ config, resolver: state.parsed.resolver(config) }));
}

/**
 * Calls onChange for every spec file created, changed or removed under `root`. Each folder gets its own
 * non-recursive fs.watch: on Linux, Node 20's `recursive: true` watches every file by its inode and goes
 * silent for a file once an editor saves it by renaming a new copy over it (vim, JetBrains, `sed -i`).
 * Folders created later are watched as they appear. Returns a function that stops every watcher.
 */
function watchTree(root: string, onChange: (path: string) => void): () => void {
  const watchers = new Map<string, FSWatcher>();
  function watchFolder(folder: string): void {
    if (watchers.has(folder)) return;
    watchers.set(
      folder,
      watch(folder, (_event, name) => {
        const path = join(folder, name ?? "");
        const wasFolder = watchers.has(path);
        const isFolder = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
        if (wasFolder && !isFolder) {
          watchers.get(path)?.close();
          watchers.delete(path);
        }
        if (isFolder) watchFolder(path);
        if (name === null || wasFolder || isFolder || specFile.test(name)) onChange(path);
      }),
    );
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) watchFolder(join(folder, entry.name));
    }
  }
  watchFolder(root);
  return () => {
    for (const watcher of watchers.values()) watcher.close();
  };
}

/** What runs of one watcher keep: the loaded redocly.yaml, the parsed spec files and the warm-up's progress. */
interface WatchState {
  config: Config | undefined;
  parsed: ParsedFiles;
  /** Whether the last run built (warm-up passes only follow a good build). */
  built: boolean;
  /** Whether build/docs/index.html lags behind generated/ (a good run skipped its docs: renderOwedDocs). */
  docsOwed: boolean;
  warm: { passes: number; ms: number };
}

/** Watches, debounces and serialises runs until SIGINT/SIGTERM. */
function startWatching(): Promise<void> {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** The current run's (see rebuild). */
  let superseded: AbortController | undefined;
  let stopped = false;
  const lint = startLintWorker();
  const state: WatchState = {
    config: undefined,
    parsed: new ParsedFiles(),
    built: false,
    docsOwed: false,
    warm: { passes: 0, ms: 0 },
  };

  /** Warm-up passes until they are all done, a change is pending, the watcher stops or a pass fails. */
  async function warmUp(): Promise<void> {
    const started = performance.now();
    let why = "a change came in";
    try {
      while (state.warm.passes < warmPasses && pending.size === 0 && !stopped) {
        await warmPass(state);
        state.warm.passes += 1;
        // A pass does no I/O that waits (the spec files are read synchronously), so without this the
        // change events of the files would be delivered only after the last pass.
        await changeEventsDelivered();
      }
    } catch (error) {
      // Most likely the files changed under the pass (an editor's save half written): then their change
      // event is queued, and its run reports any problem. Otherwise no more passes until a good build.
      await changeEventsDelivered();
      if (pending.size === 0) {
        state.built = false;
        why = `a pass failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
      }
    }
    state.warm.ms += performance.now() - started;
    if (state.warm.passes === warmPasses) {
      console.log(`warm      ok     ${Math.round(state.warm.ms)} ms, ${warmPasses} passes: saves now take the warm path`);
    } else if (!stopped) {
      console.log(`warm      paused after ${state.warm.passes} of ${warmPasses} passes: ${why}`);
    }
  }

  /** Starts the next run of the pending changes, or else the rest of the warm-up, unless one is going on. */
  function runPending(): void {
    if (running || stopped || timer !== undefined) return;
    if (pending.size === 0) {
      if (state.built && state.warm.passes < warmPasses) running = warmUp().finally(next);
      return;
    }
    const changed = [...pending].sort();
    pending.clear();
    superseded = new AbortController();
    running = rebuild(changed, lint, state, superseded.signal)
      .then((built) => {
        state.built = built;
      })
      .finally(next);
  }

  function next(): void {
    running = undefined;
    superseded = undefined;
    runPending();
  }

  function changedFile(path: string): void {
    pending.add(path);
    superseded?.abort();
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      runPending();
    }, debounceMs);
  }

  const stopSpecWatch = watchTree(specDir, changedFile);
  // The project folder rather than the file itself, for the same reason as in watchTree.
  const configWatcher = watch(projectRoot, (_event, name) => {
    if (name === "redocly.yaml") changedFile(redoclyConfigPath);
  });

  return new Promise((resolve) => {
    const stop = (signal: string) => {
      stopped = true;
      clearTimeout(timer);
      stopSpecWatch();
      configWatcher.close();
      console.log(`\n${signal}: stopping${running ? " after the current run" : ""}`);
      void (running ?? Promise.resolve())
        .then(() => lint.stop())
        .then(() => {
          console.log("watch     stopped");
          resolve();
        });
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    console.log(`watching  openapi/ and redocly.yaml (pid ${process.pid}); Ctrl-C to stop`);
    changedFile(specDir);
    changedFile(redoclyConfigPath);
  });
}

const usage = `usage: npm run watch
  Runs lint -> bundle -> generate -> docs on openapi/, then again on every save under openapi/ or to
  redocly.yaml; a bad edit prints file:line:col and keeps the last good outputs. Stops on Ctrl-C (exit 0).
  Takes no arguments.`;

await runStage("watch", usage, startWatching);
