/**
 * `npm run mock -- --tls --client-ca <pem>`: the mock demands mutual TLS as an apiserver with
 * --client-ca-file does — a client certificate signed by that CA completes the handshake, none or another
 * CA's does not reach the mock at all — and the option's usage errors exit 2 with the usage, starting
 * nothing. (The client's side of mutual TLS against this mock: test/contract/kubeconfig.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { generateClientIdentity } from "../../tools/servers/tls.js";
import { type RunningMock, startMock } from "../support/mock-process.js";

const dir = mkdtempSync(join(tmpdir(), "mock-client-ca-"));
let mock: RunningMock;
let allowed: { caCert: string; cert: string; key: string };
let stranger: { caCert: string; cert: string; key: string };

beforeAll(async () => {
  [allowed, stranger] = await Promise.all([generateClientIdentity("allowed"), generateClientIdentity("stranger")]);
  writeFileSync(join(dir, "client-ca.pem"), allowed.caCert);
  mock = await startMock({ tls: true, clientCa: join(dir, "client-ca.pem") });
}, 90_000);

afterAll(async () => {
  if (mock !== undefined) {
    expect(await mock.stop()).toBe(0);
    expect(mock.stderr()).toBe("");
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The status of GET /version with the given client identity, or the error code of a failed handshake. */
function version(identity?: { cert: string; key: string }): Promise<number | string> {
  return new Promise((resolve) => {
    const outgoing = request(
      `${mock.url}/version`,
      { rejectUnauthorized: false, headers: { authorization: "Bearer mock-token" }, ...identity },
      (answer) => {
        answer.resume();
        answer.on("end", () => resolve(answer.statusCode ?? 0));
      },
    );
    outgoing.on("error", (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    outgoing.end();
  });
}

describe("the mock with --client-ca", () => {
  it("answers a client with a certificate of that CA", async () => {
    expect(await version(allowed)).toBe(200);
  });

  it.each([
    ["no client certificate", undefined],
    ["a certificate of another CA", () => stranger],
  ])("refuses the connection of %s", async (_name, identity) => {
    const outcome = await version(identity?.());
    expect(outcome).not.toBe(200);
    expect(typeof outcome).toBe("string");
  });
});

describe("usage errors", () => {
  it.each([
    ["--client-ca without --tls", ["--client-ca", join(dir, "client-ca.pem")], /--client-ca needs --tls/],
    ["--client-ca without a value", ["--tls", "--client-ca"], /--client-ca/],
  ])("%s: exit 2 with the usage", (_name, args, message) => {
    const result = spawnSync(process.execPath, ["tools/pipeline/stage.mjs", "mock", "--port", "0", ...args], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("usage: npm run mock --");
  });
});
