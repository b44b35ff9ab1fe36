// `npm run apiserver` as a user runs it (the same launcher npm uses): the one ready line, a kubeconfig
// that kubectl accepts, written 0600 without following a symlink, and a SIGTERM that leaves no process,
// temporary directory or kubeconfig behind. Needs the built binaries; without them it skips (the reason is
// in its name), and fails instead under POD_PATCH_FORBID_SKIPS=1.
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { binariesFor } from "../../tools/apiserver/binaries.js";
import { describeNeeding } from "../support/skips.js";
import { missingApiserverBinaries } from "./support/mode.js";

const missing = missingApiserverBinaries();
const projectRoot = new URL("../../", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "apiserver-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const childPids = (pid: number): number[] => {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};
const alive = (pid: number): boolean => existsSync(`/proc/${pid}`);
// The runner gets a TMPDIR of its own, so what it leaves there is its alone (other runs share /tmp).
const runnerTmp = join(scratch, "tmp");
mkdirSync(runnerTmp);

describeNeeding("npm run apiserver", missing.length === 0 ? undefined : `binaries not built (${missing.join(", ")})`, () => {
  it("prints one ready line, writes a private kubeconfig in place of a symlink, and stops everything on SIGTERM", async () => {
    const victim = join(scratch, "victim");
    writeFileSync(victim, "unchanged\n", { mode: 0o644 });
    const kubeconfig = join(scratch, "kubeconfig");
    symlinkSync(victim, kubeconfig);

    const child = spawn(process.execPath, ["tools/pipeline/stage.mjs", "apiserver", "--kubeconfig", kubeconfig], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TMPDIR: runnerTmp },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
    try {
      await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toMatch(/\n$/);
      expect(stdout, stderr).toMatch(/^apiserver ready on https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.35\.\d+\)\n$/);

      expect(lstatSync(kubeconfig).isSymbolicLink()).toBe(false);
      expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
      expect(readFileSync(victim, "utf8")).toBe("unchanged\n");
      const version = execFileSync(binariesFor().kubectl, ["--kubeconfig", kubeconfig, "version", "-o", "json"], {
        encoding: "utf8",
      });
      expect((JSON.parse(version) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).toMatch(/^v1\.35\./);
      const processes = childPids(child.pid ?? -1);
      expect(processes).toHaveLength(2);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      for (const pid of processes) expect(alive(pid), `process ${pid} still running`).toBe(false);
      expect(existsSync(kubeconfig)).toBe(false);
      expect(readdirSync(runnerTmp)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("answers --help with usage and exit 0, an unknown flag with exit 2, starting nothing", () => {
    const run = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, ["tools/pipeline/stage.mjs", "apiserver", ...args], {
            cwd: projectRoot,
            encoding: "utf8",
            stdio: "pipe",
          }),
        };
      } catch (error) {
        const failed = error as { status: number; stderr: string };
        return { code: failed.status, out: failed.stderr };
      }
    };
    expect(run(["--help"])).toMatchObject({ code: 0, out: expect.stringContaining("usage: npm run apiserver") });
    expect(run(["--bogus"])).toMatchObject({ code: 2, out: expect.stringContaining("Unknown option '--bogus'") });
    expect(run(["--version", "0.1"])).toMatchObject({ code: 2, out: expect.stringContaining("--version must be one of") });
  });
});
