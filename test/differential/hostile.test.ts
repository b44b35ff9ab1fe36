// Differential suite: hostile input, asked of the real apiserver (recorded in
// test/fixtures/apiserver/hostile.json, replayed without Go; a live subset re-asked when the binaries are
// built), and the project's answer to the same input compared with it:
// - mock: the mock's answer (a mock process, and a TLS one for the raw TLS-port cases) — code, and where
//   the case says so, reason and message word for word;
// - yaml: the JSON src/yaml/apiserver-yaml.ts decodes from an apply body, against the Pod the server
//   made of it (dry run);
// - engine: applyPatch (+ checkPodUpdate) on the server's own Pod: accepted where the server accepted,
//   refused with the same code where it refused;
// - decoding (a JSON Patch that puts a value of the wrong type into the Pod): applyPatch on the server's own
//   Pod answers the server's Status word for word, the patched object it quotes included; the mock the same
//   code, reason and Go error, with the object it quotes masked (it patches its own copy of the Pod).
// Bodies are generated at test time (the 2 MB alias bomb, 10,000 levels of nesting); only answers are recorded.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPatch, checkPodUpdate, PatchError } from "../../src/engine/index.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { decodeApiserverYaml } from "../../src/yaml/apiserver-yaml.js";
import { type RunningMock, startMock, startTogether } from "../support/mock-process.js";
import { readMockKubeconfig } from "../support/kubeconfig-files.js";
import { denormalize, normalizeAnswer, statusMessageShape, withoutQuotedObject } from "./support/normalize.js";
import { recordedAnswers } from "./support/recording.js";
import {
  type ApiAnswer,
  type ApiRequest,
  ask,
  askRaw,
  createPod,
  type Endpoint,
  ensureNamespace,
  type Json,
} from "./support/server.js";

const NAMESPACE = "hostile";
const POD_NAME = "web";
const ENV_POD_NAME = "env1000";
const POD_PATH = `/api/v1/namespaces/${NAMESPACE}/pods/${POD_NAME}`;
const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const JSON_PATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";

const webPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: POD_NAME, labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
};
const envOf = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `VAR_${index}`, value: String(index) }));
const envPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: ENV_POD_NAME },
  spec: { containers: [{ name: "c", image: "nginx:1.27", env: envOf(1_000) }] },
};

/** `{"a": {"a": … "x"}}`, `levels` objects deep. */
const nestedText = (levels: number) => `${'{"a":'.repeat(levels)}"x"${"}".repeat(levels)}`;

const aliasBomb = (() => {
  const items = Array(1_000_000).fill("0").join(",");
  const aliases = Array.from({ length: 99 }, (_, index) => `  a${index}: *x`).join("\n");
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n  annotations:\n    big: &x [${items}]\nx:\n${aliases}\n`;
})();

type Compare =
  /**
   * The mock answers with the same code (and, with `words`, the same reason and message; with `shape`, the
   * same reason and message by shape: normalize.ts statusMessageShape).
   */
  | { with: "mock"; words?: boolean; shape?: boolean }
  /**
   * The mock answers with the same code and reason, and the same message up to the object it quotes. For
   * answers too large to record whole: the server quotes a 3 MiB patch in its message (the mock cuts its
   * Status to 256 KiB), so only that much is recorded.
   */
  | { with: "mock-head" }
  /** The TLS mock writes back the same bytes at the TCP level. */
  | { with: "mock-raw" }
  /** The YAML decoder gives what the server applied: `labels`/`annotations`/`deadline` of the dry-run Pod. */
  | { with: "yaml"; fields: ("labels" | "annotations" | "activeDeadlineSeconds")[] }
  /**
   * applyPatch and checkPodUpdate on the server's Pod accept, or refuse with the same code; `patchOnly`:
   * applyPatch alone (where the server's answer turns on what the engine does not model: unknown fields
   * dropped, label syntax).
   */
  | { with: "engine"; pod: "web" | "env1000"; mediaType: PatchMediaType; patch: () => unknown; patchOnly?: true }
  /** A JSON Patch of the web Pod: the engine word for word, the mock up to the object quoted (see the header). */
  | { with: "decoding"; patch: unknown[] };

interface HostileCase {
  id: string;
  /** An HTTP request, or bytes on a bare (`tls: false`) or TLS connection. */
  request: ApiRequest | { raw: string; tls: boolean };
  compare: Compare;
  /** Costly for the server (seconds): re-asked live only under APISERVER_LIVE=all or record. */
  heavy?: true;
}

const patch = (contentType: string, body: string, query = "?dryRun=All"): ApiRequest => ({
  method: "PATCH",
  path: `${POD_PATH}${query}`,
  headers: { "content-type": contentType },
  body,
});
const applyQuery = "?fieldManager=hostile&dryRun=All";
const applyHead = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n`;
/** As many numbers as fit in a 3 MiB body, for a list whose elements must be objects or strings. */
const wrongTypeItems = (): string => Array(1_500_000).fill("1").join(",");

/** A Status message up to the object it quotes (`Invalid value: "…`), where a cut message may end. */
const messageHead = (message: string): string => message.replace(/Invalid value: "[\s\S]*$/, 'Invalid value: "…');

const get = (headers: Record<string, string>): ApiRequest => ({ method: "GET", path: POD_PATH, headers });

/** A decoding case: the JSON Patch `operations` asked as a dry run of the web Pod. */
const decodingCase = (id: string, operations: unknown[]): HostileCase => ({
  id,
  request: patch(JSON_PATCH, JSON.stringify(operations)),
  compare: { with: "decoding", patch: operations },
});

const cases: HostileCase[] = [
  {
    id: "apply: a million-item list aliased 99 times (2 MB)",
    request: patch(APPLY, aliasBomb, applyQuery),
    compare: { with: "mock", words: true },
  },
  { id: "merge: byte order mark", request: patch(MERGE, '\ufeff{"metadata":{}}'), compare: { with: "mock", words: true } },
  { id: "json patch: byte order mark", request: patch(JSON_PATCH, "\ufeff[]"), compare: { with: "mock", words: true } },
  {
    id: "strategic: byte order mark",
    request: patch(STRATEGIC, '\ufeff{"metadata":{}}'),
    compare: { with: "mock", words: true },
  },
  {
    id: "apply: byte order mark",
    request: patch(APPLY, `\ufeffapiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n`, applyQuery),
    compare: { with: "mock" },
  },
  ...["bearer", "BEARER", "bEaReR"].map(
    (scheme): HostileCase => ({
      id: `Authorization scheme ${scheme}`,
      request: get({ authorization: `${scheme} TOKEN` }),
      compare: { with: "mock" },
    }),
  ),
  { id: "Authorization with two spaces", request: get({ authorization: "Bearer  TOKEN" }), compare: { with: "mock" } },
  { id: "Authorization with a third part", request: get({ authorization: "Bearer TOKEN extra" }), compare: { with: "mock" } },
  { id: "Authorization scheme alone", request: get({ authorization: "Bearer" }), compare: { with: "mock" } },
  ...[
    "*",
    ",",
    "application/*",
    "*/*",
    "application/json;q=",
    "application/json;q=0",
    "*/*;q=1",
    "text/html, */*",
    "json",
    "a/b/c, application/json",
  ].map((accept): HostileCase => ({ id: `Accept: ${accept}`, request: get({ accept }), compare: { with: "mock", words: true } })),
  {
    id: "name %ff",
    request: {
      method: "PATCH",
      path: `/api/v1/namespaces/${NAMESPACE}/pods/%ff`,
      headers: { "content-type": MERGE },
      body: "{}",
    },
    compare: { with: "mock" },
  },
  {
    id: "a % without hex digits in the path",
    request: {
      raw: `PATCH /api/v1/namespaces/${NAMESPACE}/pods/% HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      tls: true,
    },
    compare: { with: "mock-raw" },
  },
  {
    id: "plain HTTP GET to the TLS port",
    request: { raw: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", tls: false },
    compare: { with: "mock-raw" },
  },
  {
    id: "plain HTTP PATCH to the TLS port",
    request: { raw: "PATCH /api HTTP/1.1\r\nHost: x\r\n\r\n", tls: false },
    compare: { with: "mock-raw" },
  },
  {
    id: "apply: YAML 1.1 keys and an octal number",
    request: patch(
      APPLY,
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n  labels:\n    on: a\n    n: b\n    Y: c\nspec:\n  activeDeadlineSeconds: 0777\n`,
      applyQuery,
    ),
    compare: { with: "yaml", fields: ["labels", "activeDeadlineSeconds"] },
  },
  {
    id: "apply: merge keys, a merged key overriding an earlier one",
    request: patch(
      APPLY,
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n  labels: &l\n    a: "1"\n    b: "2"\n  annotations:\n    a: explicit\n    <<: *l\n    b: later\n`,
      applyQuery,
    ),
    compare: { with: "yaml", fields: ["labels", "annotations"] },
  },
  {
    id: "merge: 10,000 levels of nesting",
    request: patch(MERGE, `{"spec":{"bogus":${nestedText(9_998)}}}`),
    compare: {
      with: "engine",
      pod: "web",
      mediaType: MERGE,
      patch: () => JSON.parse(`{"spec":{"bogus":${nestedText(9_998)}}}`),
      patchOnly: true,
    },
    heavy: true,
  },
  {
    id: "merge: 10,001 levels of nesting",
    request: patch(MERGE, `{"spec":{"bogus":${nestedText(9_999)}}}`),
    compare: {
      with: "engine",
      pod: "web",
      mediaType: MERGE,
      patch: () => JSON.parse(`{"spec":{"bogus":${nestedText(9_999)}}}`),
      patchOnly: true,
    },
  },
  {
    id: "json patch: op _get",
    request: patch(JSON_PATCH, '[{"op":"_get","path":"/spec"}]'),
    compare: { with: "engine", pod: "web", mediaType: JSON_PATCH, patch: () => [{ op: "_get", path: "/spec" }] },
  },
  {
    id: "json patch: add /spec/__proto__",
    request: patch(JSON_PATCH, '[{"op":"add","path":"/spec/__proto__","value":{"x":1}}]'),
    compare: {
      with: "engine",
      pod: "web",
      mediaType: JSON_PATCH,
      patch: () => [{ op: "add", path: "/spec/__proto__", value: { x: 1 } }],
      patchOnly: true,
    },
  },
  {
    id: "json patch: copies adding more than 3 MiB",
    request: patch(JSON_PATCH, JSON.stringify(copyBomb())),
    compare: { with: "engine", pod: "web", mediaType: JSON_PATCH, patch: copyBomb },
  },
  {
    id: "strategic: 1,000 env vars in reverse order",
    request: {
      method: "PATCH",
      path: `/api/v1/namespaces/${NAMESPACE}/pods/${ENV_POD_NAME}?dryRun=All`,
      headers: { "content-type": STRATEGIC },
      body: JSON.stringify({ spec: { containers: [{ name: "c", env: envOf(1_000).reverse() }] } }),
    },
    compare: {
      with: "engine",
      pod: "env1000",
      mediaType: STRATEGIC,
      patch: () => ({ spec: { containers: [{ name: "c", env: envOf(1_000).reverse() }] } }),
    },
  },
  {
    id: "strategic: 1.5 million ports of the wrong type (the first refused)",
    request: patch(STRATEGIC, `{"spec":{"containers":[{"name":"c","ports":[${wrongTypeItems()}]}]}}`),
    compare: { with: "mock-head" },
    heavy: true,
  },
  {
    id: "merge: 1.5 million args of the wrong type (the first refused)",
    request: patch(MERGE, `{"spec":{"containers":[{"name":"c","image":"nginx:1.27","args":[${wrongTypeItems()}]}]}}`),
    compare: { with: "mock-head" },
    heavy: true,
  },
  {
    id: "apply: args of the wrong type (each refused)",
    request: patch(
      APPLY,
      `${applyHead}spec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    args: [1, [], 3]\n`,
      applyQuery,
    ),
    compare: { with: "mock", shape: true },
  },
  {
    id: "apply: ports that are not maps (the list refused at the first)",
    request: patch(
      APPLY,
      `${applyHead}spec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    ports: [{containerPort: 80}, 1, 2]\n`,
      applyQuery,
    ),
    compare: { with: "mock", shape: true },
  },
  decodingCase("json patch: a number among a container's args", [
    { op: "add", path: "/spec/containers/0/args", value: ["run", 1] },
  ]),
  decodingCase("json patch: a string as a port's containerPort", [
    { op: "add", path: "/spec/containers/0/ports", value: [{ containerPort: "80" }] },
  ]),
  decodingCase("json patch: 1.5 as activeDeadlineSeconds (int64)", [
    { op: "add", path: "/spec/activeDeadlineSeconds", value: 1.5 },
  ]),
  decodingCase("json patch: a containerPort beyond int32", [
    { op: "add", path: "/spec/containers/0/ports", value: [{ containerPort: 2_147_483_648 }] },
  ]),
  decodingCase("json patch: a list where nodeSelector's map is", [{ op: "add", path: "/spec/nodeSelector", value: ["ssd"] }]),
  decodingCase("json patch: a creationTimestamp that is not RFC 3339", [
    { op: "replace", path: "/metadata/creationTimestamp", value: "2026-12-05" },
  ]),
  decodingCase("json patch: a time out of range", [
    { op: "replace", path: "/metadata/creationTimestamp", value: "2026-02-30T10:00:00Z" },
  ]),
  // Both in metadata, which the patch decodes (sorted): the annotation comes first, the time stops decoding.
  decodingCase("json patch: a bad time after a wrong type stops decoding and wins", [
    { op: "add", path: "/metadata/annotations", value: { note: 1 } },
    { op: "replace", path: "/metadata/creationTimestamp", value: "soon" },
  ]),
  decodingCase("json patch: the first wrong type in the patched text's order (sorted where decoded)", [
    { op: "add", path: "/spec/containers/0/args", value: [1] },
    { op: "add", path: "/spec/activeDeadlineSeconds", value: "600" },
  ]),
  decodingCase("json patch: an int-or-string port of 1.5, through an embedded struct", [
    { op: "add", path: "/spec/containers/0/livenessProbe", value: { tcpSocket: { port: 1.5 } } },
  ]),
  decodingCase("json patch: a quantity of the wrong type", [
    { op: "add", path: "/spec/containers/0/resources/limits", value: { cpu: true } },
  ]),
  decodingCase("json patch: an apiVersion that is not a string, before a wrong type in the spec", [
    { op: "add", path: "/spec/containers/0/args", value: [1] },
    { op: "replace", path: "/apiVersion", value: 1 },
  ]),
  decodingCase("json patch: null args and an unknown field decode", [
    { op: "add", path: "/spec/containers/0/args", value: null },
    { op: "add", path: "/spec/containers/0/bogus", value: 5 },
  ]),
  {
    id: "json patch: 1.5 million args of the wrong type (the first refused)",
    request: patch(JSON_PATCH, `[{"op":"add","path":"/spec/containers/0/args","value":[${wrongTypeItems()}]}]`),
    compare: { with: "mock-head" },
    heavy: true,
  },
];

/** A JSON Patch that doubles the annotations forty times by copying them into themselves. */
function copyBomb(): unknown[] {
  return [
    { op: "add", path: "/metadata/annotations", value: { seed: "x".repeat(1024) } },
    ...Array.from({ length: 40 }, (_, index) => ({
      op: "copy",
      from: "/metadata/annotations",
      path: `/metadata/annotations/c${index}`,
    })),
  ];
}

/** The request with the live server's token wherever the case wrote TOKEN. */
function withToken(request: ApiRequest, token: string): ApiRequest {
  const authorization = request.headers?.authorization;
  return authorization === undefined
    ? request
    : { ...request, headers: { ...request.headers, authorization: authorization.replace("TOKEN", token) } };
}

const { serverVersion, answer } = recordedAnswers(
  "hostile",
  cases,
  async (live, testCase) => {
    await ensureNamespace(live, NAMESPACE);
    if (testCase.compare.with === "engine" || testCase.compare.with === "yaml" || testCase.compare.with === "decoding") {
      const created = await createPod(
        live,
        NAMESPACE,
        testCase.compare.with === "engine" && testCase.compare.pod === "env1000" ? envPod : webPod,
      );
      if (!("raw" in testCase.request)) {
        const answered = normalizeAnswer(await ask(live, testCase.request));
        // What the engine is compared on: the code (a 422 for 1,000 env vars repeats each in its causes).
        const kept =
          testCase.compare.with === "engine"
            ? {
                status: answered.status,
                body: { reason: bodyOf(answered).reason ?? null, message: String(bodyOf(answered).message ?? "").slice(0, 300) },
              }
            : answered;
        return { pod: created, answer: kept } as unknown as Json;
      }
    }
    if (!("raw" in testCase.request)) {
      await createPod(live, NAMESPACE, webPod);
      const answered = normalizeAnswer(await ask(live, withToken(testCase.request, live.token)));
      if (testCase.compare.with === "mock-head") return headOf(answered) as unknown as Json;
      return answered as unknown as Json;
    }
    return { raw: await askRaw(live, testCase.request.raw, { tls: testCase.request.tls }) };
  },
  { liveSubset: (testCase, index) => testCase.heavy !== true && index % 4 === 0 },
);

let mock: RunningMock;
let tlsMock: RunningMock;
let tlsMockCa = "";
beforeAll(async () => {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), "hostile-differential-")), "kubeconfig");
  [mock, tlsMock] = await startTogether(startMock(), startMock({ tls: true, kubeconfig }));
  // The stateful mock answers for the Pods it holds: give it the one the cases patch and read.
  const seeded = await fetch(`${mock.url}/mock/pods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...webPod, metadata: { ...webPod.metadata, namespace: NAMESPACE } }),
  });
  expect(seeded.status).toBe(200);
  tlsMockCa = readMockKubeconfig(kubeconfig).ca;
});
afterAll(async () => {
  const codes = await Promise.all([mock.stop(), tlsMock.stop()]);
  expect(mock.stderr(), "the mock logged an internal failure").toBe("");
  expect(codes).toEqual([0, 0]);
});

const mockEndpoint = (): Endpoint => ({ url: mock.url, token: "mock-token", caCert: "" });

type Body = { [key: string]: Json };
/** What a `mock-head` comparison looks at: the code, the reason, the message up to the object it quotes. */
const headOf = (answered: ApiAnswer) => ({
  status: answered.status,
  reason: bodyOf(answered).reason ?? null,
  head: messageHead(String(bodyOf(answered).message ?? "")),
});

const bodyOf = (answered: ApiAnswer): Body =>
  (typeof answered.body === "object" && answered.body !== null && !Array.isArray(answered.body) ? answered.body : {}) as Body;

/** The HTTP status code at the start of a raw answer, or 0 when the connection was closed with nothing. */
const rawCode = (raw: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);

/** The engine's verdict on a patch of `pod`: the HTTP code the apiserver would answer (200 when accepted). */
function engineCode(pod: Pod, mediaType: PatchMediaType, body: unknown, patchOnly: boolean): number {
  try {
    const patched = applyPatch(pod, body, mediaType, { fieldManager: "hostile" });
    return patchOnly || checkPodUpdate(pod, patched).length === 0 ? 200 : 422;
  } catch (error) {
    if (error instanceof PatchError) return error.status.code ?? 0;
    throw error;
  }
}

describe(`hostile input: the project against ${serverVersion}`, () => {
  // Nesting 10,000 levels takes the real apiserver 8 to 17 s on these two cores.
  it.each(cases.map((testCase) => [testCase.id, testCase] as const))("%s", { timeout: 120_000 }, async (_id, testCase) => {
    const recorded = (await answer(testCase)) as Body;
    const { compare } = testCase;
    if (compare.with === "mock-raw") {
      if (!("raw" in testCase.request)) throw new Error(`${testCase.id}: a raw comparison needs raw bytes`);
      const real = String(recorded.raw);
      const mocked = await askRaw({ url: tlsMock.url, token: "", caCert: tlsMockCa }, testCase.request.raw, {
        tls: testCase.request.tls,
        waitMs: 12_000,
      });
      // Below HTTP the answers are compared as bytes, except Go's server-level 400 (text/plain, before any
      // handler), which the mock answers as a Status: there the code is compared.
      if (rawCode(real) === 0 || real.startsWith("HTTP/1.0 400 Bad Request\r\n\r\nClient sent")) expect(mocked).toBe(real);
      else expect(rawCode(mocked), `${real}\n---\n${mocked}`).toBe(rawCode(real));
      return;
    }
    if (compare.with === "mock") {
      if ("raw" in testCase.request) throw new Error(`${testCase.id}: an HTTP comparison needs a request`);
      const real = recorded as unknown as ApiAnswer;
      const mocked = normalizeAnswer(await ask(mockEndpoint(), withToken(testCase.request, "mock-token")));
      expect(mocked.status, JSON.stringify(mocked.body).slice(0, 300)).toBe(real.status);
      if (compare.words === true && real.status >= 400) {
        expect({ reason: bodyOf(mocked).reason, message: bodyOf(mocked).message }).toEqual({
          reason: bodyOf(real).reason,
          message: bodyOf(real).message,
        });
      }
      if (compare.shape === true) {
        const shape = (answered: ApiAnswer) => ({
          reason: bodyOf(answered).reason,
          message: statusMessageShape(String(bodyOf(answered).message ?? "")),
        });
        expect(shape(mocked)).toEqual(shape(real));
      }
      return;
    }
    if (compare.with === "mock-head") {
      if ("raw" in testCase.request) throw new Error(`${testCase.id}: an HTTP comparison needs a request`);
      const mocked = normalizeAnswer(await ask(mockEndpoint(), withToken(testCase.request, "mock-token")));
      expect(headOf(mocked)).toEqual(recorded);
      return;
    }
    const { pod, answer: real } = recorded as unknown as { pod: Pod; answer: ApiAnswer };
    if (compare.with === "decoding") {
      if ("raw" in testCase.request) throw new Error(`${testCase.id}: needs a request`);
      // The engine, on the server's Pod (valid values in place of the recording's placeholders, normalized
      // back in its answer): the server's Status, word for word.
      let predicted: ApiAnswer = { status: 200, body: null };
      try {
        applyPatch(denormalize(pod as unknown as Json) as unknown as Pod, compare.patch, JSON_PATCH);
      } catch (error) {
        if (!(error instanceof PatchError)) throw error;
        predicted = normalizeAnswer({
          status: error.status.code ?? 0,
          contentType: "application/json",
          body: error.status as unknown as Json,
        });
      }
      if (real.status >= 400) expect(predicted).toEqual(real);
      else expect(predicted.status).toBe(200);
      // The mock, on its own copy of the Pod: the same code, reason and Go error.
      const mocked = normalizeAnswer(await ask(mockEndpoint(), withToken(testCase.request, "mock-token")));
      expect(mocked.status, JSON.stringify(mocked.body).slice(0, 300)).toBe(real.status);
      if (real.status >= 400) {
        const masked = (answered: ApiAnswer) => ({
          reason: bodyOf(answered).reason,
          message: withoutQuotedObject(String(bodyOf(answered).message ?? "")),
        });
        expect(masked(mocked)).toEqual(masked(real));
      }
      return;
    }
    if (compare.with === "yaml") {
      if ("raw" in testCase.request) throw new Error(`${testCase.id}: needs a request`);
      expect(real.status, JSON.stringify(real.body).slice(0, 300)).toBe(200);
      const decoded = decodeApiserverYaml(testCase.request.body ?? "");
      if (!decoded.ok) throw new Error(decoded.message);
      const config = decoded.value as { metadata: Body; spec?: Body };
      const applied = real.body as unknown as { metadata: Body; spec: Body };
      for (const field of compare.fields) {
        if (field === "activeDeadlineSeconds")
          expect(config.spec?.activeDeadlineSeconds).toBe(applied.spec.activeDeadlineSeconds);
        // Applied over the live Pod: each key the configuration sets is there with its value.
        else expect(applied.metadata[field]).toMatchObject(config.metadata[field] as Body);
      }
      return;
    }
    const verdict = engineCode(
      denormalize(pod as unknown as Json) as unknown as Pod,
      compare.mediaType,
      compare.patch(),
      compare.patchOnly === true,
    );
    const accepted = (code: number) => code >= 200 && code < 300;
    if (accepted(real.status)) expect(verdict, JSON.stringify(real.body).slice(0, 200)).toBe(200);
    else expect(verdict, JSON.stringify(real.body).slice(0, 300)).toBe(real.status);
  });
});
