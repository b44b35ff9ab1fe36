/**
 * `npm run patch` (src/cli/patch.ts): the patched Pod on stdout, violations and the Status on stderr,
 * exit 0 / 1 / 2 for accepted / refused / usage errors. Table rows run the CLI function in process;
 * two runs go through a real process for the exit codes and the stdout/stderr split.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Pod } from "../../src/operation/patch-pod.js";
import { projectRoot } from "../../tools/pipeline/common.js";
import { runPatchCli } from "../../src/cli/patch.js";
import { ccePod } from "../fixtures/engine/parity-cases.js";

const dir = mkdtempSync(join(tmpdir(), "patch-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const pod = file("pod.json", JSON.stringify(ccePod));
const imagePatch = file("image.json", JSON.stringify({ spec: { containers: [{ name: "hello-world", image: "busybox:1.36" }] } }));
const applyYaml = file("apply.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    stage: test\n");
const notJson = file("broken.json", "{ not json");

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runPatchCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("accepted updates exit 0 with the patched Pod on stdout", () => {
  it.each([
    [
      "strategic patch from a file",
      ["--type", "strategic", "--patch", imagePatch],
      (out: Pod) => out.spec?.containers[0]?.image,
      "busybox:1.36",
    ],
    [
      "inline JSON Patch (CCE's example)",
      ["--type", "json", "--patch", '[{"op":"add","path":"/spec/containers/0/image","value":"busybox:1.37"}]'],
      (out: Pod) => out.spec?.containers[0]?.image,
      "busybox:1.37",
    ],
    [
      "inline merge patch on labels",
      ["--type", "merge", "--patch", '{"metadata":{"labels":{"name":null,"x":"1"}}}'],
      (out: Pod) => out.metadata?.labels,
      { x: "1" },
    ],
    [
      "apply configuration in YAML",
      ["--type", "apply", "--patch", applyYaml],
      (out: Pod) => out.metadata?.labels,
      { name: "brace", stage: "test" },
    ],
  ] as [string, string[], (out: Pod) => unknown, unknown][])("%s", (_name, args, read, expected) => {
    const { code, stdout, stderr } = run(["--pod", pod, ...args]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(read(JSON.parse(stdout) as Pod)).toEqual(expected);
  });
});

describe("refused updates exit 1 with the Status on stderr", () => {
  it("prints the patched Pod, the violation and the 422 Status for a forbidden spec change", () => {
    const { code, stdout, stderr } = run([
      "--pod",
      pod,
      "--type",
      "merge",
      "--patch",
      '{"spec":{"containers":[{"name":"hello-world","image":"x"}]}}',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).spec.containers).toEqual([{ name: "hello-world", image: "x" }]);
    expect(stderr).toContain(
      "the apiserver would refuse this update (1 violation):\n  spec: Forbidden: pod updates may not change fields other than",
    );
    expect(stderr).toMatch(/changed: spec\.containers\[0\]\.env.*spec\.containers\[0\]\.imagePullPolicy/);
    expect(stderr).toContain('"message": "Pod \\"hello-world\\" is invalid: spec: Forbidden:');
  });

  it("explains where a patch cannot apply, then prints the apiserver's Status", () => {
    const { code, stdout, stderr } = run([
      "--pod",
      pod,
      "--type",
      "json",
      "--patch",
      '[{"op":"test","path":"/spec/restartPolicy","value":"Never"}]',
    ]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
    expect(stderr).toMatch(
      /^the apiserver would refuse this patch \(422 Invalid\): jsonpatch test operation 0 .* \(at spec\.restartPolicy\)\n/,
    );
    const status = JSON.parse(stderr.slice(stderr.indexOf("{")));
    expect(status).toMatchObject({
      code: 422,
      reason: "Invalid",
      message: "the server rejected our request due to an error in our request",
      details: {},
    });
  });

  it("reports a body of the wrong shape as 400", () => {
    const { code, stderr } = run(["--pod", pod, "--type", "strategic", "--patch", "[1]"]);
    expect(code).toBe(1);
    expect(stderr).toContain("(400 BadRequest)");
  });
});

it("--help prints the usage on stdout and exits 0 without reading anything", () => {
  const { code, stdout, stderr } = run(["--help", "--pod", join(dir, "none.json")]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  expect(stdout).toMatch(/^usage: npm run patch -- --pod/);
});

describe("usage errors exit 2 and print nothing on stdout", () => {
  it.each([
    ["no arguments", [], "--pod, --type and --patch are required"],
    [
      "an unknown type",
      ["--pod", pod, "--type", "put", "--patch", "{}"],
      '--type must be one of json, merge, strategic, apply; got "put"',
    ],
    ["an unknown option", ["--pod", pod, "--type", "merge", "--patch", "{}", "--forced"], "Unknown option '--forced'"],
    ["--force without apply", ["--pod", pod, "--type", "merge", "--patch", "{}", "--force"], "--force is only for --type apply"],
    ["a missing pod file", ["--pod", join(dir, "none.json"), "--type", "merge", "--patch", "{}"], "--pod file not found"],
    ["a pod file that is not JSON", ["--pod", notJson, "--type", "merge", "--patch", "{}"], "is not valid JSON"],
    [
      "a pod file that is not an object",
      ["--pod", file("list.json", "[]"), "--type", "merge", "--patch", "{}"],
      "must hold a JSON object",
    ],
    [
      "a missing patch file",
      ["--pod", pod, "--type", "merge", "--patch", "none.json"],
      '--patch "none.json" is neither an inline patch (JSON starting with { or [) nor a file that exists',
    ],
    ["inline patch that is not JSON", ["--pod", pod, "--type", "merge", "--patch", "{oops"], "--patch is not valid JSON"],
  ])("%s", (_name, args, message) => {
    const { code, stdout, stderr } = run(args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(/^patch: /);
    expect(stderr).toContain(message);
    expect(stderr).toContain("usage: npm run patch --");
  });
});

describe("hostile files and patches", () => {
  it.each([
    ["--pod", ["--pod", dir, "--type", "merge", "--patch", "{}"], `--pod ${dir} is a directory, not a file`],
    ["--patch", ["--pod", pod, "--type", "merge", "--patch", dir], `--patch ${dir} is a directory, not a file`],
  ])("a directory as %s is a usage error, not a stack trace", (_name, args, message) => {
    const { code, stdout, stderr } = run(args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("reads at most 3 MiB of a file that never ends (/dev/zero), then refuses it", { timeout: 10_000 }, () => {
    const { code, stdout, stderr } = run(["--pod", pod, "--type", "merge", "--patch", "/dev/zero"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toContain("--patch /dev/zero is larger than 3145728 bytes");
  });

  it("refuses a file over 3 MiB by its size, without reading it", () => {
    const big = file("big.json", `{"metadata":{"labels":{"x":"${"y".repeat(3 * 1024 * 1024)}"}}}`);
    const { code, stderr } = run(["--pod", pod, "--type", "merge", "--patch", big]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--patch ${big} is larger than 3145728 bytes`);
  });

  it("says what --patch null is: neither inline JSON nor a file", () => {
    const { code, stderr } = run(["--pod", pod, "--type", "merge", "--patch", "null"]);
    expect(code).toBe(2);
    expect(stderr).toContain('--patch "null" is neither an inline patch (JSON starting with { or [) nor a file that exists');
  });

  it("applies a JSON Patch through __proto__ like any key, without a stack trace", () => {
    const { code, stdout, stderr } = run([
      "--pod",
      pod,
      "--type",
      "json",
      "--patch",
      '[{"op":"add","path":"/metadata/labels/__proto__","value":"x"}]',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(Object.getOwnPropertyDescriptor(JSON.parse(stdout).metadata.labels, "__proto__")?.value).toBe("x");
  });

  it("prints a Pod nested 10,000 levels deep", () => {
    const deep = `${'{"a":'.repeat(9_998)}1${"}".repeat(9_998)}`;
    const { code, stdout } = run(["--pod", pod, "--type", "merge", "--patch", `{"metadata":{"bogus":${deep}}}`]);
    expect(code).toBe(0);
    // The innermost member sits 10,000 levels in (the Pod, metadata, 9,998 objects), two spaces a level.
    expect(stdout).toContain(`\n${" ".repeat(2 * 10_000)}"a": 1\n`);
    let node = JSON.parse(stdout).metadata.bogus;
    for (let level = 1; level < 9_998; level++) node = node.a;
    expect(node).toEqual({ a: 1 });
  });
});

describe("as a process", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["tools/pipeline/stage.mjs", "patch", ...args], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 30_000,
    });

  it("exits 1 for a refused update, Pod on stdout and Status on stderr", () => {
    const result = cli(["--pod", pod, "--type", "strategic", "--patch", '{"spec":{"hostNetwork":true}}']);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).spec.hostNetwork).toBe(true);
    expect(result.stderr).toContain('"code": 422');
  });

  it("exits 2 for a usage error", () => {
    expect(cli(["--type", "merge"]).status).toBe(2);
  });

  it("answers --help with the usage on stdout and exit 0, reading nothing", () => {
    const result = cli(["--pod", join(dir, "none.json"), "--help"]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(result.stdout).toMatch(/^usage: npm run patch -- --pod <pod.json>/);
  });
});
