// `npm run verify` as a user meets it when something is wrong, and with the kubeconfigs users have:
// --help and bad flags (exit 0 / 2, nothing written), an unusable kubeconfig, a server URL with userinfo and
// an unreachable server (exit 2, one line, no stack trace, never the token or URL userinfo); then runs
// through the TLS mock demanding a client certificate (mutual TLS, as an apiserver with --client-ca-file):
// CCE's API-gateway route (the token in X-Auth-Token), an exec credential plugin with the CA from a file in a
// context that is not the current one, and insecure-skip-tls-verify (a warning) — the kubeconfig read by
// src/kubeconfig, as the client reads it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../../tools/apiserver/control-plane.js";
import { generateClientIdentity } from "../../tools/servers/tls.js";
import { base64, writeExecPlugin, writeKubeconfig } from "../support/kubeconfig-files.js";
import { type RunningMock, startMock } from "../support/mock-process.js";
import { runVerifyCli as verify } from "./run-verify.js";

const scratch = mkdtempSync(join(tmpdir(), "verify-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const mockPod = "web-7c9d8f6b5d-x2lqp";

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
    expect(missing.stderr).toMatch(/^verify: .*absent\.yaml: no such file\n$/);
    const path = writeKubeconfig(join(scratch, "ctx.yaml"), { server: "https://127.0.0.1:1", user: { token: "t" } });
    const noContext = await verify(["--kubeconfig", path, "--context", "nope"]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toContain('no context named "nope"');
  });

  it("refuses a server URL with userinfo without showing it", async () => {
    const token = "s3cret-token-value";
    const path = writeKubeconfig(join(scratch, "userinfo.yaml"), {
      server: "https://admin:hunter2@127.0.0.1:1",
      user: { token },
    });
    const run = await verify(["--kubeconfig", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^verify: context "ctx": the cluster's server must be http\(s\):\/\/host.*\(value not shown\)\n$/);
    for (const secret of [token, "hunter2", "admin:"]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it("reports an unreachable server with exit 2, without a stack trace or the token", async () => {
    const port = await freePort();
    const token = "s3cret-token-value";
    const path = writeKubeconfig(join(scratch, "unreachable.yaml"), { server: `https://127.0.0.1:${port}`, user: { token } });
    const run = await verify(["--kubeconfig", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^verify: no answer from https://127\\.0\\.0\\.1:${port}: ConnectionRefused \\(ECONNREFUSED\\)`),
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(token);
  });
});

interface Report {
  unexplained: { id: string }[];
  probes: { id: string; answer: { status: number } }[];
}

describe("npm run verify through the TLS mock demanding a client certificate", () => {
  let mock: RunningMock;
  /** The mock's own kubeconfig (server, CA, token) with the client certificate the mock demands. */
  let cluster: { server: string; ca: string };
  let identity: { cert: string; key: string };
  const mockKubeconfig = join(scratch, "mock-kubeconfig");
  beforeAll(async () => {
    const client = await generateClientIdentity("verify");
    identity = client;
    writeFileSync(join(scratch, "client-ca.pem"), client.caCert);
    mock = await startMock({ tls: true, kubeconfig: mockKubeconfig, clientCa: join(scratch, "client-ca.pem") });
    const written = parse(readFileSync(mockKubeconfig, "utf8")) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    };
    const { server, "certificate-authority-data": caData } = written.clusters[0]!.cluster;
    cluster = { server, ca: Buffer.from(caData, "base64").toString() };
  }, 90_000);
  afterAll(() => mock?.stop());

  const clientCertificate = (): Record<string, string> => ({
    "client-certificate-data": base64(identity.cert),
    "client-key-data": base64(identity.key),
  });

  it("--gateway: authenticates every request with X-Auth-Token and reports what the mock is not", async () => {
    const path = writeKubeconfig(join(scratch, "gateway.yaml"), {
      server: cluster.server,
      cluster: { "certificate-authority-data": base64(cluster.ca) },
      user: { token: "mock-token", ...clientCertificate() },
    });
    const json = join(scratch, "gateway-report.json");
    const run = await verify(["--kubeconfig", path, "--gateway", "--pod", mockPod, "--json", json]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // The mock is no apiserver: it publishes no OpenAPI document of its own and answers from examples.
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    expect(report.unexplained.map((difference) => difference.id)).toContain("schema:unavailable");
    const unauthorized = report.probes.filter((probe) => probe.answer.status === 401).map((probe) => probe.id);
    expect(unauthorized).toEqual(["no-credentials"]);
    expect(run.stdout + run.stderr).not.toContain("mock-token");
  });

  it("an exec credential plugin (token and client certificate), the CA from a file, a context not the current one", async () => {
    const plugin = writeExecPlugin(mkdtempSync(join(scratch, "plugin-")), identity);
    writeFileSync(join(scratch, "mock-ca.pem"), cluster.ca);
    const path = writeKubeconfig(join(scratch, "exec.yaml"), {
      server: "https://127.0.0.1:1",
      user: { token: "unused" },
      extra: {
        clusters: [
          { name: "c", cluster: { server: "https://127.0.0.1:1" } },
          { name: "mock", cluster: { server: cluster.server, "certificate-authority": "mock-ca.pem" } },
        ],
        users: [
          { name: "u", user: { token: "unused" } },
          { name: "plugin", user: { exec: plugin.exec("token-and-cert") } },
        ],
        contexts: [
          { name: "ctx", context: { cluster: "c", user: "u" } },
          { name: "mock", context: { cluster: "mock", user: "plugin", namespace: "default" } },
        ],
      },
    });
    const run = await verify(["--kubeconfig", path, "--context", "mock", "--pod", mockPod]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/probes: error answers/);
    // Run once, its credential cached until it expires (an hour), as the client does.
    expect(plugin.runs()).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain("exec-token");
  });

  it("insecure-skip-tls-verify: runs with a warning that verification is off", async () => {
    const path = writeKubeconfig(join(scratch, "insecure.yaml"), {
      server: cluster.server,
      cluster: { "insecure-skip-tls-verify": true },
      user: { token: "mock-token", ...clientCertificate() },
    });
    const run = await verify(["--kubeconfig", path, "--pod", mockPod]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("TLS certificate verification is disabled for https://127.0.0.1:");
  });

  it("without any token the mock refuses it: exit 2, the refusal named", async () => {
    const path = writeKubeconfig(join(scratch, "no-token.yaml"), {
      server: cluster.server,
      cluster: { "certificate-authority-data": base64(cluster.ca) },
      user: clientCertificate(),
    });
    const run = await verify(["--kubeconfig", path, "--pod", mockPod]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^verify: reading \/version: the server refused the credentials \(HTTP 401/);
  });
});
