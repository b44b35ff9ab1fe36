/**
 * Shared plumbing for the pipeline stages: project paths, stage timing, spec-error formatting and
 * all-or-nothing writes. Not a stage itself; every stage imports it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Config } from "@redocly/openapi-core";
import { fileURLToPath } from "node:url";
import { CliUsageError, parseCli } from "../cli-args.js";

/**
 * The folder of package.json above this module: tools/pipeline/ in the sources, .stages/tools/pipeline/
 * when tools/pipeline/stage.mjs runs the transpiled copy.
 */
/** An untyped node of an OpenAPI document; its one home is src/contract/bundle.ts. */
export type { OpenApiNode } from "../../src/contract/bundle.js";

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json above ${from}`);
  }
}
export const specRoot = join(projectRoot, "openapi", "openapi.yaml");
export const redoclyConfigPath = join(projectRoot, "redocly.yaml");
export const generatedDir = join(projectRoot, "generated");
export const docsOutput = join(projectRoot, "build", "docs", "index.html");

/** The pinned Redocly CLI, for the commands that have no in-process API (build-docs, diff). */
export const redoclyCli = join(projectRoot, "node_modules", "@redocly", "cli", "bin", "cli.js");
/** Environment for Redocly CLI runs: no usage data sent, no update notice. */
export const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

let redoclyConfig: Promise<Config> | undefined;

/**
 * redocly.yaml, loaded once per process and shared by the lint and bundle stages. Redocly is imported
 * here, not at the top, so that the many modules (tests among them) that only need this file's paths
 * and helpers do not load it.
 */
export function loadRedoclyConfig(): Promise<Config> {
  redoclyConfig ??= import("@redocly/openapi-core").then(({ loadConfig }) => loadConfig({ configPath: redoclyConfigPath }));
  return redoclyConfig;
}

/** A problem found in the spec, located in a source file (path relative to the project root). */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  severity: "error" | "warn";
  rule: string;
  message: string;
}

/**
 * Raised when the spec cannot be turned into outputs; carries every problem with its location, root
 * causes first: a file that does not parse (`yaml-syntax`) makes every `$ref` to it fail too, and those
 * knock-on problems must not bury the line that says what to fix. Repeated problems are listed once.
 */
export class SpecError extends Error {
  readonly problems: SpecProblem[];
  constructor(
    readonly stage: string,
    problems: SpecProblem[],
  ) {
    const unique = [...new Map(problems.map((problem) => [formatProblem(problem), problem])).values()];
    const ordered = [...unique.filter(isRootCause), ...unique.filter((problem) => !isRootCause(problem))];
    super(`${stage}: ${ordered.length} problem(s) in the spec\n${ordered.map(formatProblem).join("\n")}`);
    this.problems = ordered;
  }

  /** The last line of a failed run: what failed, how many problems, where the first (the root cause) is. */
  failureLine(command: string): string {
    const [first] = this.problems;
    const where = first === undefined ? "" : `, the first at ${first.file}:${first.line}:${first.column}`;
    return `${command}: failed — ${this.stage} found ${this.problems.length} problem(s) in the spec${where}; no file was written`;
  }
}

const isRootCause = (problem: SpecProblem): boolean => problem.rule === "yaml-syntax";

export function formatProblem(problem: SpecProblem): string {
  return `${problem.file}:${problem.line}:${problem.column} ${problem.severity} ${problem.rule}: ${problem.message}`;
}

export function relativeToProject(path: string): string {
  return relative(projectRoot, path.startsWith("file://") ? fileURLToPath(path) : path);
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Files a stage wants to write, keyed by absolute path; nothing touches the disk until commitFiles. */
export type FileSet = Map<string, string>;

/**
 * Writes every file of the set or none: each is written to a temporary sibling first, and only when
 * all temporaries exist are they renamed over their targets (rename is atomic on one filesystem).
 * A file whose content is already what it would be is not written at all (its mtime is kept, so tools
 * that watch generated/ — a TypeScript watcher, make, an editor — see no change where there is none).
 */
export function commitFiles(files: FileSet, log: (line: string) => void = console.log): void {
  const staged: Array<[string, string]> = [];
  const unchanged: string[] = [];
  try {
    for (const [target, content] of files) {
      if (existsSync(target) && readFileSync(target).equals(Buffer.from(content))) {
        unchanged.push(target);
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, content);
      staged.push([temporary, target]);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw error;
  }
  for (const [temporary, target] of staged) {
    renameSync(temporary, target);
    log(`  wrote ${relativeToProject(target)}`);
  }
  for (const target of unchanged) log(`  unchanged ${relativeToProject(target)}`);
}

/**
 * Runs one stage, printing `stage … ok (123 ms)` or `stage … failed (123 ms)`; `started` is when the
 * stage's work began, for a stage that was started earlier and is only awaited here.
 */
export async function timed<T>(stage: string, work: () => Promise<T>, started = performance.now()): Promise<T> {
  try {
    const result = await work();
    console.log(`${stage.padEnd(9)} ok     ${Math.round(performance.now() - started)} ms`);
    return result;
  } catch (error) {
    console.log(`${stage.padEnd(9)} failed ${Math.round(performance.now() - started)} ms`);
    throw error;
  }
}

/**
 * Entry point of a stage CLI (tools/cli-args.ts conventions): `--help` prints `usage` and exits 0 having
 * done nothing; any argument is a usage error (exit 2, message and usage). Otherwise runs `main`, whose
 * number (default 0) is the exit code. A SpecError exits 1 with its problems, root cause first, and one
 * final `<name>: failed — …` line; anything else is a crash: `<name>: <stack>`, exit 2.
 */
export async function runStage(name: string, usage: string, main: () => Promise<unknown>): Promise<void> {
  try {
    if (parseCli(process.argv.slice(2), usage, {}) === "help") return;
    const code = await main();
    process.exitCode = typeof code === "number" ? code : 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(`${name}: ${error.message}\n${error.usage}`);
      process.exitCode = 2;
    } else if (error instanceof SpecError) {
      console.error(error.problems.map(formatProblem).join("\n"));
      console.error(error.failureLine(name));
      process.exitCode = 1;
    } else {
      console.error(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 2;
    }
  }
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** True when this module is the script node was started with (so a stage can be imported or run). */
export { isEntryPoint } from "../cli-args.js";
