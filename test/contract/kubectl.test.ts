/**
 * kubectl against the mock: the real kubectl binary (`KUBECTL`, else `kubectl` on PATH, else the one
 * `npm run apiserver -- --build-only` built; test/fixtures/engine/kubectl.ts) talks to
 * a real mock process started with `--tls --kubeconfig <temp file>` — the kubeconfig the mock writes
 * is all kubectl gets. Every patch type (`--type=json`, `--type=merge`, the default strategic type,
 * and `--dry-run=server`) must print `pod/<name> patched`; a bad patch must exit 1 with kubectl's own
 * error containing the mock's Status message.
 *
 * What kubectl needs from the server (found with `-v=8`): discovery (`GET /api`, `/apis`, `/api/v1`,
 * cached in `--cache-dir` afterwards), then `GET` of the Pod (the resource builder reads every named
 * object first, for every patch type; kubectl prints `patched (no change)` when the PATCH answer
 * equals it), then the PATCH with `?fieldManager=kubectl-patch` (plus `dryRun=All`). gcloud's
 * kubectl dispatcher also reads `GET /version` first. Strategic merge needs no OpenAPI document:
 * kubectl sends the patch as given. Those supporting endpoints are in the contract (tag
 * `Supporting`); the first describe block checks each of their declared codes over TLS.
 *
 * Without kubectl the kubectl tests are skipped with the reason in their name, and fail instead under
 * POD_PATCH_FORBID_SKIPS=1 (test/support/skips.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { startMock, type RunningMock } from "../support/mock-process.js";
import { readMockKubeconfig } from "../support/kubeconfig-files.js";
import { describeNeeding } from "../support/skips.js";
import { findKubectl } from "../fixtures/engine/kubectl.js";
import { compileComponent, formatErrors, type Json } from "../support/pod-schema.js";
import { statusTriggers, supportingCases, supportingEndpoints } from "./cases.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8")) as Json;
const validateStatus = compileComponent(spec, "Status");
/** The Pod the mock's examples are about: GET answers it as stored, PATCH as patched. */
const POD = spec.components.examples.PodWebRunning.value.metadata as { name: string; namespace: string };

const KUBECTL = findKubectl() ?? "kubectl";
const probe = spawnSync(KUBECTL, ["version", "--client"], { encoding: "utf8", timeout: 30_000 });
const kubectlMissing =
  probe.status === 0 ? undefined : `${KUBECTL} not runnable (${probe.error?.message ?? probe.stderr.trim()})`;

let dir: string;
let kubeconfig: string;
let caCert: string;
let mock: RunningMock;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kubectl-test-"));
  kubeconfig = join(dir, "kubeconfig");
  mock = await startMock({ tls: true, kubeconfig });
  caCert = readMockKubeconfig(kubeconfig).ca;
});

afterAll(async () => {
  expect(await mock?.stop(), "mock exit code after SIGTERM").toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

/** A request over TLS, trusting only the CA from the mock's kubeconfig. */
function send(method: string, path: string, headers: Record<string, string>, body = ""): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(`${mock.url}${path}`, { method, headers, ca: caCert }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) as Json }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("supporting endpoints over TLS (the kubeconfig's CA, every declared code)", () => {
  it.each(supportingCases.map((c) => [`${c.operationId} → ${c.status}`, c] as const))(
    "%s",
    async (_name, { operationId, status }) => {
      const endpoint = supportingEndpoints[operationId];
      const { trigger, reason } = statusTriggers[status]!;
      const headers: Record<string, string> = { Accept: "application/json" };
      if (trigger.kind !== "no-token") headers.Authorization = "Bearer mock-token";
      if (trigger.kind === "prefer") headers.Prefer = `code=${status}`;
      const reply = await send("GET", endpoint.path, headers);
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      const validate = status < 300 ? compileComponent(spec, endpoint.schema) : validateStatus;
      expect(validate(reply.body), formatErrors(validate.errors)).toBe(true);
      if (status >= 300) expect(reply.body).toMatchObject({ kind: "Status", code: status, reason });
      if (trigger.kind !== "no-token") expect(reply.headers["sl-violations"]).toBeUndefined();
    },
  );
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with the mock's kubeconfig, a private HOME and discovery cache, and a time limit. */
function kubectl(args: string[]): Promise<Run> {
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const child = spawn(KUBECTL, ["--cache-dir", join(dir, "cache"), "--request-timeout=20s", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** kubectl's log line (`-v=8`) for the request header `name` of the PATCH. */
function loggedHeader(stderr: string, name: string): string | undefined {
  const patchAt = stderr.search(/round_trippers\.go:\d+\] PATCH /);
  return new RegExp(`\\] +${name}: (.+)$`, "m").exec(stderr.slice(patchAt))?.[1]?.trim();
}

describeNeeding(
  "kubectl patch against the mock",
  kubectlMissing === undefined ? undefined : `${kubectlMissing}: install kubectl or set KUBECTL`,
  () => {
    it.each<[label: string, args: string[], contentType: string, dryRun: boolean]>([
      [
        "--type=json",
        ["--type=json", "-p", '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27"}]'],
        "application/json-patch+json",
        false,
      ],
      ["--type=merge", ["--type=merge", "-p", '{"metadata":{"labels":{"tier":"web"}}}'], "application/merge-patch+json", false],
      [
        "the default (strategic) type",
        // Another image than the JSON Patch's: the mock keeps state, and an unchanged Pod prints "(no change)".
        ["-p", '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}'],
        "application/strategic-merge-patch+json",
        false,
      ],
      [
        "--dry-run=server",
        ["--dry-run=server", "-p", '{"metadata":{"labels":{"tier":"dry-run"}}}'],
        "application/strategic-merge-patch+json",
        true,
      ],
    ])("%s prints pod/<name> patched", async (_label, args, contentType, dryRun) => {
      const run = await kubectl(["patch", "pod", POD.name, "-n", POD.namespace, "-v=8", ...args]);
      expect(run, run.stderr).toMatchObject({ code: 0, stdout: `pod/${POD.name} patched\n` });
      expect(loggedHeader(run.stderr, "Content-Type")).toBe(contentType);
      const patchLine = /PATCH (https:\/\/\S+)/.exec(run.stderr)?.[1] ?? "";
      expect(new URL(patchLine).origin).toBe(mock.url);
      expect(new URL(patchLine).searchParams.get("dryRun")).toBe(dryRun ? "All" : null);
    });

    it.each<[label: string, args: string[], contentType: string, body: string]>([
      [
        "a merge patch whose spec is a list",
        ["--type=merge", "-p", '{"spec":[]}'],
        "application/merge-patch+json",
        '{"spec":[]}',
      ],
      [
        "a JSON Patch path without a leading slash",
        ["--type=json", "-p", '[{"op":"add","path":"metadata/labels/tier","value":"web"}]'],
        "application/json-patch+json",
        '[{"op":"add","path":"metadata/labels/tier","value":"web"}]',
      ],
    ])("%s fails with the mock's Status message", async (_label, args, contentType, body) => {
      const headers = { Authorization: "Bearer mock-token", "Content-Type": contentType };
      const { body: status } = await send("PATCH", `/api/v1/namespaces/${POD.namespace}/pods/${POD.name}`, headers, body);
      expect(status).toMatchObject({ kind: "Status", code: 422, reason: "Invalid" });
      const run = await kubectl(["patch", "pod", POD.name, "-n", POD.namespace, ...args]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      // kubectl words an Invalid Status without a kind (the apiserver's decoding failure) as "The request is invalid: <causes>".
      const cause = status.details?.causes?.[0];
      const shown =
        status.details?.kind === undefined && cause !== undefined
          ? `The request is invalid: ${cause.field}: ${cause.message}`
          : status.message;
      expect(run.stderr).toContain(shown);
    });
  },
);
