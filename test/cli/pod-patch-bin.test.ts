/**
 * The package's `pod-patch` bin (src/cli/pod-patch.ts) dispatching to its subcommands: the list of
 * subcommands for --help / help (exit 0), exit 2 with that list for no or an unknown subcommand, `patch`
 * and the older flags-only form both reaching the patch CLI. `verify` through the installed bin, against
 * the mock: test/package/consumer.test.ts.
 */
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { podPatchUsage, runPodPatch } from "../../src/cli/pod-patch.js";

const scratch = mkdtempSync(join(tmpdir(), "pod-patch-bin-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const pod = join(scratch, "pod.json");
writeFileSync(
  pod,
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web" },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
  }),
);

function bin(args: string[]): { code: number | undefined; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runPodPatch(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("pod-patch", () => {
  it.each([["--help"], ["-h"], ["help"]])("%s lists the subcommands, exit 0", (flag) => {
    expect(bin([flag])).toEqual({ code: 0, stdout: `${podPatchUsage}\n`, stderr: "" });
    expect(podPatchUsage).toMatch(/^ {2}patch /m);
    expect(podPatchUsage).toMatch(/^ {2}verify /m);
  });

  it.each([
    [[], "no command given"],
    [["bogus", "--pod", pod], 'unknown command "bogus"'],
  ])("%j: exit 2 with the list of subcommands on stderr", (args, message) => {
    expect(bin(args)).toEqual({ code: 2, stdout: "", stderr: `pod-patch: ${message}\n${podPatchUsage}\n` });
  });

  it("runs the patch CLI as `pod-patch patch …` and, as before subcommands, as `pod-patch --pod …`", () => {
    const args = ["--pod", pod, "--type", "merge", "--patch", '{"metadata":{"labels":{"app":"web"}}}'];
    for (const run of [bin(["patch", ...args]), bin(args)]) {
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).metadata.labels).toEqual({ app: "web" });
    }
    const help = bin(["patch", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pod-patch patch --pod /);
    const bad = bin(["patch", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pod-patch patch: Unknown option '--bogus'/);
  });
});
