/**
 * The stateful mock against the real apiserver: every session of test/differential/support/mock-sessions.ts
 * (raw HTTP — all server-side apply sequences of suite 2 and a patch matrix —, kubectl commands, the
 * official JavaScript and Python clients) is sent to both, and the answers are compared after the one
 * normalization of test/differential/support/normalize.ts (uid, resourceVersion, timestamps, the order of
 * managedFields entries and of conflict causes).
 *
 * The apiserver's answers are recorded in test/fixtures/apiserver/mock-vs-apiserver.json and replayed
 * without Go (a live subset re-asks it when the binaries are built); the mock is this project's own, so
 * it answers live every run: one TLS mock process for the file, reset through `DELETE /mock/pods` before
 * each session. A Pod the apiserver creates by POST (which the contract lacks) is loaded into the mock
 * through `POST /mock/pods` from the apiserver's answer.
 *
 * Proven: at least 300 compared answers, at least 99% identical, and every answer that differs is listed
 * in `knownDifferences` below with its reason (the same list as docs/mock.md); a listed difference that no
 * longer differs fails too, so the list stays true.
 * Sessions need their tool: kubectl (the Go-built one), the Python client in its venv (see
 * pythonForClient), and @kubernetes/client-node, which needs Node ≥ 22.19 (its undici 8).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { binariesFor, cacheRoot } from "../../tools/apiserver/binaries.js";
import { kubeconfigYaml } from "../../tools/support/kubeconfig.js";
import { type RunningMock, startMock } from "../support/mock-process.js";
import { skipsForbidden } from "../support/skips.js";
import type { ApiserverConnection } from "./support/live-apiserver.js";
import { type ClientCall, type KubectlCommand, MOCK_NAMESPACE, type MockSession, mockSessions } from "./support/mock-sessions.js";
import { denormalize, normalizeJson } from "./support/normalize.js";
import { recordedAnswers } from "./support/recording.js";
import { ask, ensureNamespace, type Json, removePod } from "./support/server.js";

/**
 * Where the answers of the mock and the apiserver differ, and why (docs/mock.md, "Differences from the
 * apiserver"): none today. The last ones were the diff of the internal Go PodSpec the apiserver appends to
 * `spec: Forbidden: pod updates may not change fields other than …`, which the engine now writes too
 * (src/engine/go-spec-diff.ts; test/differential/spec-diff.test.ts proves it on its own case set).
 */
const knownDifferences: ReadonlyArray<{ session: string; step: number; reason: string }> = [];

/**
 * The share of identical answers this file guards against regressions: the goal of 99%, now met (every
 * answer is identical); a difference found later must be listed above with its reason and stay below 1%.
 */
const IDENTICAL_FLOOR = 0.99;

const pythonScript = new URL("./support/python-client-session.py", import.meta.url).pathname;

/** The venv with the `kubernetes` package: $POD_PATCH_PYTHON, or <cache>/python/venv (see docs/mock.md). */
function pythonForClient(): string {
  return process.env.POD_PATCH_PYTHON ?? join(cacheRoot(), "python", "venv", "bin", "python");
}

function pythonMissing(): string | undefined {
  const python = pythonForClient();
  if (!existsSync(python)) return `no Python with the kubernetes client at ${python}`;
  const probe = spawnSync(python, ["-c", "import kubernetes"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : `${python} cannot import kubernetes: ${probe.stderr.trim().split("\n").pop() ?? ""}`;
}

function nodeMissing(): string | undefined {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 19)
    ? undefined
    : `@kubernetes/client-node 2.0.1 needs Node >= 22.19 (undici 8), this is ${process.version}`;
}

const kubectlPath = binariesFor().kubectl;
/** What a session needs and this machine lacks: a skip, which POD_PATCH_FORBID_SKIPS=1 turns into a failure. */
const missingTool: Record<MockSession["kind"], string | undefined> = {
  http: undefined,
  kubectl: existsSync(kubectlPath) ? undefined : `kubectl not built at ${kubectlPath}`,
  python: pythonMissing(),
  "client-node": undefined,
};
/** What this runtime cannot run at all (no install fixes it): skipped with the reason, also under POD_PATCH_FORBID_SKIPS=1. */
const inapplicable: Record<MockSession["kind"], string | undefined> = {
  http: undefined,
  kubectl: undefined,
  python: undefined,
  "client-node": nodeMissing(),
};

interface Target {
  connection: ApiserverConnection;
  kubeconfig: string;
}

const scratch = mkdtempSync(join(tmpdir(), "mock-vs-apiserver-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeKubeconfig(name: string, connection: ApiserverConnection): string {
  const path = join(scratch, `${name}.kubeconfig`);
  writeFileSync(
    path,
    kubeconfigYaml({
      name,
      server: connection.url,
      caCert: connection.caCert,
      token: connection.token,
      namespace: MOCK_NAMESPACE,
    }),
    { mode: 0o600 },
  );
  return path;
}

/** Placeholders for what differs from server to server in kubectl's text output. */
function normalizeText(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uid>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "<time>")
    .replace(/resourceVersion: "\d+"/g, 'resourceVersion: "<resourceVersion>"')
    .replace(/127\.0\.0\.1:\d+/g, "<server>");
}

/** kubectl's output as compared: JSON and YAML documents parsed and normalized, other text with placeholders. */
function normalizeOutput(text: string): Json {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return normalizeJson(JSON.parse(trimmed) as Json);
  if (trimmed.startsWith("apiVersion:")) return normalizeJson(parseYaml(trimmed) as Json);
  return normalizeText(text);
}

function runKubectl(target: Target, command: KubectlCommand): Json {
  const result = spawnSync(kubectlPath, ["--kubeconfig", target.kubeconfig, "-n", MOCK_NAMESPACE, ...command.args], {
    input: command.stdin ?? "",
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: normalizeOutput(result.stdout), stderr: normalizeText(result.stderr) };
}

function runPython(target: Target, calls: ClientCall[]): Json[] {
  const input = JSON.stringify({
    host: target.connection.url,
    token: target.connection.token,
    ca: target.connection.caCert,
    namespace: MOCK_NAMESPACE,
    calls,
  });
  const result = spawnSync(pythonForClient(), [pythonScript], { input, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`the Python client session failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as Json[]).map((answer) => normalizeJson(answer));
}

async function runClientNode(target: Target, calls: ClientCall[]): Promise<Json[]> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: "target",
        server: target.connection.url,
        caData: Buffer.from(target.connection.caCert).toString("base64"),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: "user", token: target.connection.token }],
    contexts: [{ name: "target", cluster: "target", user: "user" }],
    currentContext: "target",
  });
  const api = config.makeApiClient(k8s.CoreV1Api);
  const strategies = {
    json: k8s.PatchStrategy.JsonPatch,
    merge: k8s.PatchStrategy.MergePatch,
    strategic: k8s.PatchStrategy.StrategicMergePatch,
    apply: k8s.PatchStrategy.ServerSideApply,
  } as const;
  const answers: Json[] = [];
  for (const call of calls) {
    try {
      const info =
        call.operation === "read"
          ? await api.readNamespacedPodWithHttpInfo({ name: call.name, namespace: MOCK_NAMESPACE })
          : await api.patchNamespacedPodWithHttpInfo(
              {
                name: call.name,
                namespace: MOCK_NAMESPACE,
                body: call.body,
                ...(call.dryRun === true ? { dryRun: "All" } : {}),
                ...(call.fieldManager === undefined ? {} : { fieldManager: call.fieldManager }),
                ...(call.force === true ? { force: true } : {}),
              },
              k8s.setHeaderOptions("Content-Type", strategies[call.contentType ?? "merge"]),
            );
      answers.push(normalizeJson({ status: info.httpStatusCode, body: JSON.parse(JSON.stringify(info.data)) as Json }));
    } catch (error) {
      const failed = error as { code?: number; body?: unknown };
      if (failed.code === undefined) throw error;
      answers.push(
        normalizeJson({
          status: failed.code,
          body: (typeof failed.body === "string" ? JSON.parse(failed.body) : failed.body) as Json,
        }),
      );
    }
  }
  return answers;
}

/**
 * Runs a session against `target`; one compared outcome per step, command or call. `loadPod` stands for
 * a POST step: the apiserver gets the request, the mock the apiserver's Pod (`recorded`).
 */
async function runSession(
  session: MockSession,
  target: Target,
  loadPod: ((pod: Json) => Promise<void>) | undefined,
  recorded: Json[] | undefined,
): Promise<Json[]> {
  switch (session.kind) {
    case "http": {
      const outcomes: Json[] = [];
      for (const [index, step] of session.steps.entries()) {
        if (step.loadsPod === true && loadPod !== undefined) {
          const pod = (recorded?.[index] as { body: Json } | undefined)?.body ?? null;
          await loadPod(pod);
          outcomes.push(recorded?.[index] ?? null);
          continue;
        }
        const { status, contentType, warnings, body } = await ask(target.connection, step.request);
        outcomes.push(
          normalizeJson({
            status,
            ...(contentType === undefined ? {} : { contentType }),
            ...(warnings === undefined ? {} : { warnings }),
            body,
          }),
        );
      }
      return outcomes;
    }
    case "kubectl":
      return session.commands.map((command) => runKubectl(target, command));
    case "python":
      return runPython(target, session.calls);
    case "client-node":
      return runClientNode(target, session.calls);
  }
}

async function askLive(server: ApiserverConnection, session: MockSession): Promise<Json> {
  await ensureNamespace(server, MOCK_NAMESPACE);
  for (const pod of session.pods) await removePod(server, MOCK_NAMESPACE, pod);
  try {
    return await runSession(
      session,
      { connection: server, kubeconfig: writeKubeconfig("apiserver", server) },
      undefined,
      undefined,
    );
  } finally {
    for (const pod of session.pods) await removePod(server, MOCK_NAMESPACE, pod);
  }
}

let mock: RunningMock;
let mockTarget: Target;
const tally = { compared: 0, identical: 0, differences: [] as Array<{ session: string; step: number }> };

beforeAll(async () => {
  const kubeconfig = join(scratch, "mock.kubeconfig");
  mock = await startMock({ tls: true, kubeconfig });
  const caData = /certificate-authority-data: (\S+)/.exec(readFileSync(kubeconfig, "utf8"))?.[1] ?? "";
  const connection: ApiserverConnection = {
    url: mock.url,
    token: "mock-token",
    caCert: Buffer.from(caData, "base64").toString(),
    version: "mock",
    kubectl: kubectlPath,
    mode: "subset",
  };
  mockTarget = { connection, kubeconfig: writeKubeconfig("mock", connection) };
});

afterAll(async () => {
  const code = await mock.stop();
  expect(mock.stderr(), "the mock logged internal failures").toBe("");
  expect(code).toBe(0);
});

// After the hooks above, so that its own afterAll (which writes a new recording) runs first.
const { serverVersion, answer } = recordedAnswers("mock-vs-apiserver", mockSessions, askLive, {
  liveSubset: (_, index) => index % 15 === 0,
});

async function sendToMock(path: string, method: "POST" | "DELETE", body?: Json): Promise<void> {
  const answered = await ask(mockTarget.connection, {
    method,
    path,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (answered.status !== 200) throw new Error(`${method} ${path}: ${answered.status} ${JSON.stringify(answered.body)}`);
}

describe(`the stateful mock answers like ${serverVersion}`, () => {
  for (const session of mockSessions) {
    const missing = missingTool[session.kind];
    const title = `${session.id}: ${session.title}`;
    const notHere = inapplicable[session.kind];
    if (notHere !== undefined) {
      it.skip(`${title} — not applicable here: ${notHere}`, () => {});
      continue;
    }
    if (missing !== undefined && !skipsForbidden()) {
      it.skip(`${title} — skipped: ${missing}`, () => {});
      continue;
    }
    it(title, async () => {
      if (missing !== undefined)
        throw new Error(`${title}: ${missing} (POD_PATCH_FORBID_SKIPS=1 turns this skip into a failure)`);
      const expected = (await answer(session)) as Json[];
      await sendToMock("/mock/pods", "DELETE");
      const actual = await runSession(session, mockTarget, (pod) => sendToMock("/mock/pods", "POST", denormalize(pod)), expected);
      expect(actual).toHaveLength(expected.length);
      const unexplained: string[] = [];
      actual.forEach((outcome, step) => {
        if (session.kind === "http" && session.steps[step]?.loadsPod === true) return;
        tally.compared += 1;
        const same = JSON.stringify(outcome) === JSON.stringify(expected[step]) || isEqual(outcome, expected[step]);
        const known = knownDifferences.find((entry) => entry.session === session.id && entry.step === step);
        if (same) tally.identical += 1;
        else tally.differences.push({ session: session.id, step });
        if (!same && known === undefined) {
          unexplained.push(
            `step ${step}: mock ${JSON.stringify(outcome, null, 1)}\napiserver ${JSON.stringify(expected[step], null, 1)}`,
          );
        }
        if (same && known !== undefined)
          unexplained.push(`step ${step} is listed as a known difference (${known.reason}) but the answers are now identical`);
      });
      expect(unexplained, `${session.id}`).toEqual([]);
    });
  }

  it(`compares at least 300 answers, at least ${IDENTICAL_FLOOR * 100}% of them identical (the goal), every difference listed`, () => {
    const ratio = tally.identical / Math.max(tally.compared, 1);
    const byReason = new Map<string, number>();
    for (const { session, step } of tally.differences) {
      const reason =
        knownDifferences.find((entry) => entry.session === session && entry.step === step)?.reason.split(":")[0] ?? "unlisted";
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
    console.log(
      `mock vs ${serverVersion}: ${tally.identical}/${tally.compared} answers identical (${(ratio * 100).toFixed(1)}%); ` +
        `differences: ${[...byReason].map(([reason, count]) => `${reason} ${count}`).join(", ") || "none"}`,
    );
    expect(tally.compared).toBeGreaterThanOrEqual(300);
    expect(ratio).toBeGreaterThanOrEqual(IDENTICAL_FLOOR);
    const documented = readFileSync(new URL("../../docs/mock.md", import.meta.url), "utf8");
    for (const reason of new Set(knownDifferences.map((entry) => entry.reason.split(":")[0] ?? ""))) {
      expect(documented, `docs/mock.md lists the difference "${reason}"`).toContain(`\`${reason}\``);
    }
  });
});

function isEqual(a: Json | undefined, b: Json | undefined): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
