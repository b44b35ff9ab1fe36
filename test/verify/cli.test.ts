// `npm run verify` as a user meets it when something is wrong, and through CCE's API-gateway route:
// --help and bad flags (exit 0 / 2, nothing written), an unusable kubeconfig and an unreachable server
// (exit 2, one line, no stack trace, never the token or URL userinfo), and a run through the TLS mock
// with the token in X-Auth-Token (--gateway): every request authenticated, the report written.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { freePort } from "../../tools/apiserver/control-plane.js";
import { projectRoot } from "../../tools/pipeline/common.js";
import { type RunningMock, startMock } from "../support/mock-process.js";

const scratch = mkdtempSync(join(tmpdir(), "verify-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function verify(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      ["tools/pipeline/stage.mjs", "verify", ...args],
      { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolveRun({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

function kubeconfig(file: string, server: string, user: Record<string, unknown>, ca?: string): string {
  const path = join(scratch, file);
  writeFileSync(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "c",
          cluster: { server, ...(ca === undefined ? {} : { "certificate-authority-data": Buffer.from(ca).toString("base64") }) },
        },
      ],
      users: [{ name: "u", user }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u", namespace: "default" } }],
      "current-context": "x",
    }),
  );
  return path;
}

describe("npm run verify: usage and failures", () => {
  it("answers --help with the usage and exit 0, an unknown flag with exit 2, writing nothing", async () => {
    const json = join(scratch, "never.json");
    const help = await verify(["--help", "--json", json]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: npm run verify");
    const bogus = await verify(["--bogus", "--json", json]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain("Unknown option '--bogus'");
    expect(existsSync(json)).toBe(false);
  });

  it("refuses a kubeconfig it cannot use with exit 2 and one clear line", async () => {
    const missing = await verify(["--kubeconfig", join(scratch, "absent.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^verify: cannot read the kubeconfig .*absent\.yaml: ENOENT\n$/);
    const noContext = await verify([
      "--kubeconfig",
      kubeconfig("ctx.yaml", "https://127.0.0.1:1", { token: "t" }),
      "--context",
      "nope",
    ]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toContain('no context named "nope"');
  });

  it("reports an unreachable server with exit 2, without a stack trace, the token or URL userinfo", async () => {
    const port = await freePort();
    const token = "s3cret-token-value";
    const path = kubeconfig("unreachable.yaml", `https://admin:hunter2@127.0.0.1:${port}`, { token });
    const run = await verify(["--kubeconfig", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^verify: cannot reach https://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    for (const secret of [token, "hunter2", "admin:"]) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});

describe("npm run verify through CCE's API-gateway route (the TLS mock, token in X-Auth-Token)", () => {
  let mock: RunningMock;
  const mockKubeconfig = join(scratch, "mock-kubeconfig");
  beforeAll(async () => {
    mock = await startMock({ tls: true, kubeconfig: mockKubeconfig });
  }, 60_000);
  afterAll(() => mock?.stop());

  it("authenticates every request with X-Auth-Token and reports what the mock is not", async () => {
    const json = join(scratch, "gateway-report.json");
    const run = await verify(["--kubeconfig", mockKubeconfig, "--gateway", "--pod", "web-7c9d8f6b5d-x2lqp", "--json", json]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // The mock is no apiserver: it publishes no OpenAPI document of its own and answers from examples.
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      unexplained: { id: string }[];
      probes: { id: string; answer: { status: number } }[];
    };
    expect(report.unexplained.map((difference) => difference.id)).toContain("schema:unavailable");
    const unauthorized = report.probes.filter((probe) => probe.answer.status === 401).map((probe) => probe.id);
    expect(unauthorized).toEqual(["no-credentials"]);
    expect(run.stdout + run.stderr).not.toContain("mock-token");
  });

  it("without --gateway or any token the mock refuses it: exit 2, the refusal named", async () => {
    const kubeconfigText = readFileSync(mockKubeconfig, "utf8").replace(/token: mock-token/, "username: nobody");
    const path = join(scratch, "no-token.yaml");
    writeFileSync(path, kubeconfigText);
    const run = await verify(["--kubeconfig", path, "--pod", "web-7c9d8f6b5d-x2lqp"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^verify: reading \/version: the server refused the credentials \(HTTP 401/);
  });
});
