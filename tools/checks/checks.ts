/**
 * The npm scripts that only run the project's checkers — `npm test`, `typecheck`, `lint:code`, `prepare`,
 * `record:apiserver` — as `node tools/pipeline/stage.mjs checks <script> [args]`, so that they answer like
 * every other script (tools/cli-args.ts): `--help` prints what they run and exits 0 having run nothing, an
 * argument is a usage error (exit 2, nothing run). Without this, `npm test -- --help` type-checked and
 * linted the whole tree before vitest printed its own help, and an unknown flag reached vitest only then.
 * To run part of the suite, call vitest itself: `npx vitest run test/engine`.
 * Output: the checkers' own, on the terminal. Exit codes: that of the first checker that fails, else 0;
 * 2 for a usage error.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CliUsageError, parseCli, runCli } from "../cli-args.js";
import { projectRoot } from "../pipeline/common.js";

interface Task {
  what: string;
  /** Each a binary of node_modules/.bin and its arguments, run in order until one fails. */
  commands: string[][];
  env?: Record<string, string>;
}

const tasks: Record<string, Task> = {
  test: {
    what: "every test: the type-check (tsc, with the compile-time tests of test/types), the code lint (Biome), then vitest. For part of it: npx vitest run <files or folders>.",
    commands: [
      ["tsc", "--noEmit"],
      ["biome", "check", "."],
      ["vitest", "run"],
    ],
  },
  typecheck: { what: "tsc --noEmit over the project (tsconfig.json).", commands: [["tsc", "--noEmit"]] },
  "lint:code": { what: "Biome's formatter and linter over the TypeScript (biome.jsonc).", commands: [["biome", "check", "."]] },
  prepare: {
    what: "compiles the package into dist/ (tsconfig.build.json); npm runs it for npm install in the project, npm pack, and an install from a git URL or a path.",
    commands: [["tsc", "-p", "tsconfig.build.json"]],
  },
  "record:apiserver": {
    what: "asks the real apiserver every differential case and rewrites test/fixtures/apiserver/*.json (APISERVER_LIVE=record).",
    commands: [["vitest", "run", "--project", "differential"]],
    env: { APISERVER_LIVE: "record" },
  },
};

const [script, ...args] = process.argv.slice(2);
const task = script === undefined ? undefined : tasks[script];

async function main(): Promise<number> {
  if (script === undefined || task === undefined) {
    throw new CliUsageError(`no such check ${JSON.stringify(script ?? "")}`, `usage: checks <${Object.keys(tasks).join("|")}>`);
  }
  const usage = `usage: npm ${script === "test" ? "test" : `run ${script}`}\n  Runs ${task.what}\n  Takes no arguments.`;
  if (parseCli(args, usage, {}) === "help") return 0;
  for (const [binary, ...binaryArgs] of task.commands) {
    const result = spawnSync(join(projectRoot, "node_modules", ".bin", binary as string), binaryArgs, {
      cwd: projectRoot,
      stdio: "inherit",
      env: { ...process.env, ...task.env },
    });
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

runCli(script === undefined ? "checks" : script, main);
