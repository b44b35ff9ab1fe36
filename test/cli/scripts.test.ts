/**
 * CLI manners of every npm script in package.json — the table is package.json itself, so a script added
 * without them fails here: `--help` prints the script's usage on stdout and exits 0 having written
 * nothing; an unknown flag exits 2 with `<script>: Unknown option …` and the usage on stderr, nothing on
 * stdout and nothing written (tools/cli-args.ts). Each script runs as npm runs it (`sh -c '<script text>
 * <args>'` with node_modules/.bin on PATH, minus npm's own start-up) in a throw-away copy of the project,
 * whose every file is compared (mtime and size) before and after; `.stages/`, the launcher's transpile
 * cache, is not an output.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

const scripts = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;

let copy: ProjectCopy;

/** Every file of the copy (node_modules and the launcher's cache left out) → `mtime size`. */
function snapshot(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (folder === copy.dir && (entry.name === "node_modules" || entry.name === ".stages")) continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        files[relative(copy.dir, path)] = `${stat.mtimeMs} ${stat.size}`;
      }
    }
  };
  walk(copy.dir);
  return files;
}

function runScript(script: string, arg: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `${scripts[script]} "$@"`, script, arg], {
      cwd: copy.dir,
      env: { ...process.env, PATH: `${join(copy.dir, "node_modules", ".bin")}:${process.env.PATH ?? ""}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  copy = copyProject(["bench", "test", "biome.jsonc", "tsconfig.build.json", "vitest.config.ts"]);
  // One launcher run first fills the copy's transpile cache (.stages/); otherwise the concurrent runs
  // below would each transpile the whole project.
  const warm = await runScript("build", "--help");
  expect(warm.code, warm.stderr).toBe(0);
}, 120_000);
afterAll(() => copy?.remove());

describe.concurrent.each(Object.keys(scripts))("npm run %s", (script) => {
  const usageLine = script === "test" ? "usage: npm test" : `usage: npm run ${script}`;

  // Generous: each run is a fresh node (tsx for bench and record:kubectl), several at once on two cores.
  it("--help prints its usage, exits 0 and writes nothing", { timeout: 120_000 }, async () => {
    const before = snapshot();
    const run = await runScript(script, "--help");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith(usageLine), run.stdout).toBe(true);
    expect(run.stderr).toBe("");
    expect(snapshot()).toEqual(before);
  });

  it("refuses an unknown flag: exit 2, the usage on stderr, nothing written", { timeout: 120_000 }, async () => {
    const before = snapshot();
    const run = await runScript(script, "--no-such-flag");
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${script}: Unknown option '--no-such-flag'`);
    expect(run.stderr).toContain(usageLine);
    expect(snapshot()).toEqual(before);
  });
});
