// Differential suite 4: the contract itself against the real apiserver, both ways, through the validating
// proxy (`npm run proxy`, tools/servers/proxy.ts), which reports each violation in `sl-violations`.
// 1. Every answer the server gives validates against the bundled contract: this suite's own requests
//    (contract-cases.ts, recorded in test/fixtures/apiserver/contract.json) go through a proxy in front of
//    the real server when they are asked live; every recorded answer — this suite's, suite 3's
//    (errors.json) and every other suite's recording — goes through a proxy in front of a small server
//    that replays it (its placeholders for identities and clocks filled with valid values).
// 2. Every request the server accepts (2xx), the contract accepts — except a deliberate restriction
//    (contract-cases.ts `restrictions`), which the proxy must then report.
// 3. The contract's enums against the server's own `/openapi/v3/api/v1` (the copy recorded by verify,
//    test/fixtures/verify/1.35.json): exactly the differences docs/decisions/0002 records.
// The last test checks the table of docs/ground-truth.md, "Contract".
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBundledContract, type OpenApiNode } from "../../src/contract/bundle.js";
import { startControlPlane } from "../../tools/apiserver/control-plane.js";
import { loadRecording as loadVerifyRecording } from "../../tools/verify/verify-matrix.js";
import { type RunningProxy, startProxy } from "../support/mock-process.js";
import { type ContractCase, contractCases, NAMESPACE, POD_PATH, restrictions } from "./contract-cases.js";
import { recordedEngineAnswers } from "./engine-doc.js";
import { type ErrorCase, errorCases, POD } from "./error-cases.js";
import type { ApiserverConnection } from "./support/live-apiserver.js";
import { normalizeAnswer } from "./support/normalize.js";
import { loadRecording, recordedAnswers } from "./support/recording.js";
import { type ApiAnswer, type ApiRequest, ask, askWithHeaders, createPod, ensureNamespace, type Json } from "./support/server.js";
import { agreementTable, sectionOf } from "./support/tables.js";

const REPLAY_HEADER = "x-pod-patch-replay";
type Body = { [key: string]: Json };

/** A violation entry of the proxy's `sl-violations` header. */
interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

function violationsOf(header: string | undefined): Violation[] {
  if (header === undefined || header === "") return [];
  const json = header.startsWith("Too many violations! ") ? `${header.slice(21)}]` : header;
  try {
    return (JSON.parse(json) as Violation[]).filter((violation) => violation.severity === "Error");
  } catch {
    return [
      { location: ["response"], severity: "Error", code: "header", message: `unreadable sl-violations: ${header.slice(0, 200)}` },
    ];
  }
}

/** What the proxy said about one exchange: the answer and its request and response violations. */
interface Checked {
  answer: ApiAnswer;
  request: Violation[];
  response: Violation[];
}

/** Sends a request through a proxy (plain http) and splits the proxy's report by side. */
async function throughProxy(proxy: RunningProxy, token: string, request: ApiRequest): Promise<Checked & { raw: ApiAnswer }> {
  const { answer: raw, headers } = await askWithHeaders({ url: proxy.url, token, caCert: "" }, request);
  const header = headers["sl-violations"];
  const violations = violationsOf(Array.isArray(header) ? header.join(", ") : header);
  return {
    raw,
    answer: normalizeAnswer(raw),
    request: violations.filter((violation) => violation.location[0] === "request"),
    response: violations.filter((violation) => violation.location[0] === "response"),
  };
}

// --- live: the suite's own cases, through a proxy in front of the real server --------------------------

const liveChecks = new Map<string, Checked>();
let liveProxy: RunningProxy | undefined;
let scratch: string | undefined;

async function liveProxyFor(server: ApiserverConnection): Promise<RunningProxy> {
  if (liveProxy !== undefined) return liveProxy;
  scratch = mkdtempSync(join(tmpdir(), "contract-test-"));
  const ca = join(scratch, "ca.crt");
  writeFileSync(ca, server.caCert);
  liveProxy = await startProxy({ upstream: server.url, args: ["--upstream-ca", ca] });
  return liveProxy;
}

const THROTTLED_USER = "pod-patch-throttled";
const json = { "content-type": "application/json" };

/** An object the suite needs (created once; 409 when it exists is fine). */
async function ensure(server: ApiserverConnection, path: string, object: Json): Promise<void> {
  const answer = await ask(server, { method: "POST", path, headers: json, body: JSON.stringify(object) });
  if (answer.status !== 201 && answer.status !== 409)
    throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/**
 * API Priority and Fairness set up to throttle one user: a priority level with no seats of its own that
 * rejects instead of queueing, a flow schema sending the user there, and cluster-admin for the user (so
 * that a held request gets past authorization and keeps the seat APF lets one request have).
 */
async function throttleUser(server: ApiserverConnection): Promise<void> {
  await ensure(server, "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1",
    kind: "PriorityLevelConfiguration",
    metadata: { name: THROTTLED_USER },
    spec: {
      type: "Limited",
      limited: { nominalConcurrencyShares: 0, lendablePercent: 0, borrowingLimitPercent: 0, limitResponse: { type: "Reject" } },
    },
  });
  await ensure(server, "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas", {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1",
    kind: "FlowSchema",
    metadata: { name: THROTTLED_USER },
    spec: {
      priorityLevelConfiguration: { name: THROTTLED_USER },
      matchingPrecedence: 500,
      rules: [
        {
          subjects: [{ kind: "User", user: { name: THROTTLED_USER } }],
          resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"] }],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        },
      ],
    },
  });
  await ensure(server, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: THROTTLED_USER },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "User", name: THROTTLED_USER, apiGroup: "rbac.authorization.k8s.io" }],
  });
}

/**
 * The apiserver's own 429: while one request of the throttled user holds its only seat (its body half
 * sent), a second one is rejected. APF takes a moment to apply new flow schemas, so this is retried.
 */
async function askThrottled(server: ApiserverConnection, proxy: RunningProxy, testCase: ContractCase): Promise<Checked> {
  await throttleUser(server);
  const impersonate = { "impersonate-user": THROTTLED_USER };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const body = testCase.request.body ?? "{}";
    const held = httpsRequest(`${server.url}${POD_PATH}`, {
      method: "PATCH",
      ca: server.caCert,
      headers: {
        authorization: `Bearer ${server.token}`,
        ...impersonate,
        "content-type": "application/merge-patch+json",
        "content-length": Buffer.byteLength(body),
      },
    });
    const heldDone = new Promise<void>((resolve) => {
      held.on("response", (response) => response.resume().on("end", () => resolve()));
      held.on("error", () => resolve());
    });
    held.write(body.slice(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const checked = await throughProxy(proxy, server.token, {
      ...testCase.request,
      headers: { ...testCase.request.headers, ...impersonate },
    });
    held.end(body.slice(1));
    await heldDone;
    if (checked.answer.status === 429) return checked;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the throttled user was never throttled: API Priority and Fairness did not apply the flow schema");
}

/** A v1.35 alpha value that only a server with its feature gate accepts: the Pod keeps it, a PATCH returns it. */
async function askWithRestartAllContainers(testCase: ContractCase): Promise<ApiAnswer> {
  const plane = await startControlPlane({
    featureGates: { RestartAllContainersOnContainerExits: true, ContainerRestartRules: true, NodeDeclaredFeatures: true },
  });
  try {
    const gated: ApiserverConnection = { ...plane, kubectl: plane.binaries.kubectl, mode: "record" };
    await ensureNamespace(gated, NAMESPACE);
    const container = {
      ...POD.spec.containers[0],
      restartPolicy: "Never",
      restartPolicyRules: [{ action: "RestartAllContainers", exitCodes: { operator: "In", values: [42] } }],
    };
    await createPod(gated, NAMESPACE, { ...POD, spec: { restartPolicy: "Never", containers: [container] } } as unknown as Body);
    return await ask(gated, testCase.request);
  } finally {
    await plane.stop();
  }
}

const { serverVersion, answer } = recordedAnswers(
  "contract",
  contractCases,
  async (server, testCase) => {
    if (testCase.special === "restart-all-containers")
      return normalizeAnswer(await askWithRestartAllContainers(testCase)) as unknown as Json;
    const proxy = await liveProxyFor(server);
    await ensureNamespace(server, NAMESPACE);
    await createPod(server, NAMESPACE, POD);
    if (testCase.id === "apply-creates")
      await ask(server, { method: "DELETE", path: `/api/v1/namespaces/${NAMESPACE}/pods/made-by-apply?gracePeriodSeconds=0` });
    const checked =
      testCase.special === "throttled"
        ? await askThrottled(server, proxy, testCase)
        : await throughProxy(proxy, server.token, testCase.request);
    liveChecks.set(testCase.id, checked);
    return checked.answer as unknown as Json;
  },
  // The gated server is a second control plane: asked again only under APISERVER_LIVE=all or record.
  { liveSubset: (testCase, index) => testCase.special !== "restart-all-containers" && index % 10 === 0 },
);

// --- replay: any recorded answer, through a proxy in front of a server that answers with it ------------

const filled: Record<string, string> = {
  "<time>": "2026-01-01T00:00:00Z",
  "<uid>": "6f1b9c7e-2a4d-4c1e-9a0b-3d5e7f9a1b2c",
  "<resourceVersion>": "1",
};

/** A recorded answer with its placeholders (normalize.ts) filled with valid values, ready to be served. */
function rehydrate(value: Json): Json {
  if (typeof value === "string")
    return value.replace(/<time>|<uid>|<resourceVersion>/g, (placeholder) => filled[placeholder] ?? placeholder);
  if (Array.isArray(value)) return value.map(rehydrate);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, rehydrate(child)]));
}

const replayed = new Map<string, ApiAnswer>();
let replayServer: Server;
let replayProxy: RunningProxy;

beforeAll(async () => {
  replayServer = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const recorded = replayed.get(String(request.headers[REPLAY_HEADER]));
      if (recorded === undefined) {
        response.writeHead(599).end();
        return;
      }
      const body = typeof recorded.body === "string" ? recorded.body : JSON.stringify(rehydrate(recorded.body));
      const contentType =
        recorded.contentType ?? (typeof recorded.body === "string" ? "text/plain; charset=utf-8" : "application/json");
      response.setHeader("content-type", contentType);
      if (recorded.retryAfter !== undefined) response.setHeader("retry-after", recorded.retryAfter);
      if (recorded.warnings !== undefined)
        response.setHeader(
          "warning",
          recorded.warnings.map((text) => Buffer.from(text, "utf8").toString("latin1")),
        );
      response.writeHead(recorded.status).end(body);
    });
  });
  await new Promise<void>((resolve) => replayServer.listen(0, "127.0.0.1", resolve));
  replayProxy = await startProxy({ upstream: `http://127.0.0.1:${(replayServer.address() as AddressInfo).port}` });
});

afterAll(async () => {
  const codes = await Promise.all([replayProxy?.stop(), liveProxy?.stop()]);
  replayServer?.closeAllConnections();
  replayServer?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  expect(
    codes.filter((code) => code !== undefined),
    "proxy exit codes after SIGTERM",
  ).toEqual(codes.filter((code) => code !== undefined).map(() => 0));
});

/** Serves `recorded` as the upstream's answer to `request` and sends the request through the replay proxy. */
async function replay(key: string, recorded: ApiAnswer, request: ApiRequest): Promise<Checked> {
  replayed.set(key, recorded);
  const checked = await throughProxy(replayProxy, "replay-token", {
    ...request,
    headers: { ...request.headers, [REPLAY_HEADER]: key },
  });
  expect(checked.raw.status, `the replay server answered ${key}`).toBe(recorded.status);
  return checked;
}

const describeViolations = (violations: Violation[]) =>
  violations.map((violation) => `${violation.location.join(".")} [${violation.code}] ${violation.message}`).join("\n");

// --- 1 and 2: this suite's cases ---------------------------------------------------------------------------

/** Per source of answers: how many answers, how many valid. */
const answerTally = new Map<string, { valid: number; total: number }>();
const requestTally = { acceptedAgree: 0, accepted: 0, refusedAgree: 0, refused: 0 };
const usedRestrictions = new Set<string>();
/** Requests the server refuses but the contract accepts: what only the server can tell (listed in the docs). */
const refusedButAccepted: string[] = [];

function tallyAnswer(source: string, valid: boolean): void {
  const entry = answerTally.get(source) ?? { valid: 0, total: 0 };
  entry.total += 1;
  if (valid) entry.valid += 1;
  answerTally.set(source, entry);
}

/** The request side: accepted by the server ⇒ accepted by the contract, unless a restriction says otherwise. */
function checkRequest(id: string, checked: Checked, restriction: string | undefined): void {
  if (checked.answer.status < 300) {
    requestTally.accepted += 1;
    if (restriction === undefined) {
      expect(
        checked.request,
        `${serverVersion} accepted ${id}; the contract must too:\n${describeViolations(checked.request)}`,
      ).toEqual([]);
      requestTally.acceptedAgree += 1;
    } else {
      usedRestrictions.add(restriction);
      expect(
        checked.request.length,
        `${id} is listed as a deliberate restriction ("${restriction}") but the contract accepts it: drop the restriction`,
      ).toBeGreaterThan(0);
    }
  } else {
    requestTally.refused += 1;
    if (checked.request.length > 0) requestTally.refusedAgree += 1;
    else refusedButAccepted.push(`${id} (${checked.answer.status})`);
  }
}

describe("suite 4's requests: what the server accepts, the contract accepts; every answer validates", () => {
  it.each(contractCases.map((testCase) => [testCase.id, testCase] as const))("%s", async (id, testCase) => {
    const recorded = (await answer(testCase)) as unknown as ApiAnswer;
    const checked = liveChecks.get(id) ?? (await replay(`contract/${id}`, recorded, testCase.request));
    expect(
      checked.response,
      `the ${checked.answer.status} answer breaks the contract:\n${describeViolations(checked.response)}`,
    ).toEqual([]);
    tallyAnswer("contract.json", true);
    if (testCase.special === "throttled") {
      expect(checked.answer).toMatchObject({
        status: 429,
        contentType: "text/plain; charset=utf-8",
        body: "Too many requests, please try again later.\n",
      });
      expect(Number(checked.answer.retryAfter)).toBeGreaterThan(0);
    } else {
      checkRequest(id, checked, testCase.restriction);
    }
  });
});

/** Suite 3's requests that the proxy cannot judge: why. */
const unjudged: Record<string, string> = {
  "put-on-pod": "no PUT in the contract: the proxy forwards it unchecked",
  "post-on-pod": "no POST in the contract: the proxy forwards it unchecked",
  "unknown-resource": "a path the contract does not have: the proxy forwards it unchecked",
  "accept-yaml": "the contract describes JSON answers only (docs/verify.md: JSON answers only)",
  "body-over-3-mib": "the proxy refuses it itself: it buffers bodies to validate them (docs/decisions/0004)",
};

describe("suite 3's recorded answers (errors.json), with their requests", () => {
  const recording = loadRecording("errors");
  it.each(
    errorCases.filter((testCase) => unjudged[testCase.id] === undefined).map((testCase) => [testCase.id, testCase] as const),
  )("%s", async (id, testCase: ErrorCase) => {
    const recorded = recording?.cases[id] as unknown as ApiAnswer | undefined;
    expect(recorded, `errors.json has no answer to ${id}; run: npm run record:apiserver`).toBeDefined();
    const checked = await replay(`errors/${id}`, recorded as ApiAnswer, testCase.request);
    expect(
      checked.response,
      `the ${checked.answer.status} answer breaks the contract:\n${describeViolations(checked.response)}`,
    ).toEqual([]);
    tallyAnswer("errors.json", true);
    const restriction = testCase.divergence === "contract restriction" ? restrictionOf(id) : undefined;
    checkRequest(id, checked, restriction);
  });
});

/** The deliberate restriction a suite-3 case marked "contract restriction" falls under. */
function restrictionOf(id: string): string {
  if (id.startsWith("pretty-")) return "pretty spellings";
  if (id.startsWith("force-")) return "force spellings";
  if (id.startsWith("null-")) return "null bodies";
  if (id === "add-without-value") return "JSON Patch value";
  throw new Error(`${id}: which deliberate restriction? (contract-cases.ts restrictions)`);
}

const fixturesDir = new URL("../fixtures/apiserver/", import.meta.url);
const ownRecordings = new Set(["contract.json", "errors.json"]);

/** Every answer object inside another suite's recording: `{ status, body }`, alone or in a list of steps. */
function answersIn(value: Json): ApiAnswer[] {
  if (Array.isArray(value)) return value.flatMap(answersIn);
  if (value !== null && typeof value === "object" && typeof value.status === "number" && "body" in value)
    return [value as unknown as ApiAnswer];
  return [];
}

describe("every other suite's recorded answers", () => {
  const others = readdirSync(fixturesDir).filter((file) => file.endsWith(".json") && !ownRecordings.has(file));
  it.each(others)("%s: every answer validates against the contract", async (file) => {
    const recording = JSON.parse(readFileSync(new URL(file, fixturesDir), "utf8")) as { cases: Record<string, Json> };
    const failures: string[] = [];
    let index = 0;
    // The patch-engine suite records its Pods as changes from a reference Pod; engine-doc.ts rebuilds them.
    const answers: [string, ApiAnswer][] =
      file === "engine.json"
        ? recordedEngineAnswers()
        : Object.entries(recording.cases).flatMap(([id, value]) =>
            answersIn(value).map((answer): [string, ApiAnswer] => [id, answer]),
          );
    for (const [id, recorded] of answers) {
      index += 1;
      const checked = await replay(`${file}/${index}`, recorded, {
        method: "PATCH",
        path: POD_PATH,
        headers: { "content-type": "application/merge-patch+json" },
        body: "{}",
      });
      tallyAnswer(file, checked.response.length === 0);
      if (checked.response.length > 0) failures.push(`${id} (${recorded.status}): ${describeViolations(checked.response)}`);
    }
    expect(failures, `answers of ${file} that break the contract`).toEqual([]);
  });
});

// --- 3: enums against the server's own OpenAPI ----------------------------------------------------------

/** The fields whose enum differs on purpose (docs/decisions/0002-closed-value-sets.md, "Compared with the live server"). */
const enumDivergences: Record<string, string> = {
  "Container.imagePullPolicy": '""',
  "Container.terminationMessagePolicy": '""',
  "EphemeralContainer.imagePullPolicy": '""',
  "EphemeralContainer.terminationMessagePolicy": '""',
  "ContainerPort.protocol": '""',
  "HTTPGetAction.scheme": '""',
  "ImageVolumeSource.pullPolicy": '""',
  "PodSpec.dnsPolicy": '""',
  "PodSpec.restartPolicy": '""',
  "Toleration.effect": '""',
  "Toleration.operator": '""',
  "ContainerStatus.stopSignal": '""',
};

describe("the contract's enums against the server's /openapi/v3/api/v1", () => {
  it("differ exactly where docs/decisions/0002 says, by the value it says", () => {
    const exchange = loadVerifyRecording("1.35")?.exchanges.find((candidate) => candidate.request.path === "/openapi/v3/api/v1");
    expect(exchange, "verify's 1.35 recording has the server's document").toBeDefined();
    const served = JSON.parse(exchange?.answer.body ?? "{}") as OpenApiNode;
    const contract = loadBundledContract();
    const ours: Record<string, OpenApiNode> = contract.components.schemas;
    const differing: Record<string, string> = {};
    let total = 0;
    for (const [fullName, schema] of Object.entries<OpenApiNode>(served.components.schemas)) {
      const name = fullName.slice(fullName.lastIndexOf(".") + 1);
      if (ours[name] === undefined) continue;
      for (const [property, node] of Object.entries<OpenApiNode>(schema.properties ?? {})) {
        const theirs: unknown[] | undefined = node.enum ?? node.items?.enum;
        if (theirs === undefined) continue;
        total += 1;
        const mine: unknown[] = ours[name].properties?.[property]?.enum ?? ours[name].properties?.[property]?.items?.enum ?? [];
        const extra = mine.filter((value) => !theirs.includes(value));
        const missing = theirs.filter((value) => !mine.includes(value));
        if (extra.length > 0 || missing.length > 0) {
          differing[`${name}.${property}`] = [
            ...extra.map((value) => JSON.stringify(value)),
            ...missing.map((value) => `-${JSON.stringify(value)}`),
          ].join(" ");
        }
      }
    }
    expect(differing).toEqual(enumDivergences);
    const record = readFileSync(new URL("../../docs/decisions/0002-closed-value-sets.md", import.meta.url), "utf8").replace(
      /\s+/g,
      " ",
    );
    expect(record).toContain(`${total} fields of the Pod closure have one`);
    expect(record).toContain(
      `agrees with ${total - Object.keys(differing).length} of them exactly; the ${Object.keys(differing).length} others`,
    );
    for (const field of Object.keys(enumDivergences)) expect(record).toContain(`\`${field}\``);
  });
});

// --- docs ---------------------------------------------------------------------------------------------

describe("docs/ground-truth.md", () => {
  it("states what was measured here, and every deliberate restriction with its reason", () => {
    // The other suites' recordings are validated above but not counted here: their numbers are theirs to state.
    const rows = [...ownRecordings].map((file) => {
      const { valid, total } = answerTally.get(file) ?? { valid: 0, total: 0 };
      return {
        category: `answers recorded in ${file} valid against the contract`,
        agree: valid,
        total,
        divergences: [] as string[],
      };
    });
    rows.push(
      {
        category: "requests the server accepts (2xx) that the contract accepts",
        agree: requestTally.acceptedAgree,
        total: requestTally.accepted,
        divergences: [...usedRestrictions].sort(),
      },
      {
        category: "requests the server refuses that the contract refuses too",
        agree: requestTally.refusedAgree,
        total: requestTally.refused,
        divergences: [],
      },
    );
    const table = agreementTable(rows);
    const section = sectionOf(readFileSync(new URL("../../docs/ground-truth.md", import.meta.url), "utf8"), "Contract");
    expect(
      section,
      `paste this table into docs/ground-truth.md, "Contract":\n${table}\n(requests only the server refuses: ${refusedButAccepted.join(", ")})`,
    ).toContain(table);
    for (const id of refusedButAccepted)
      expect(section, `the request ${id}, which only the server refuses`).toContain(`\`${id.split(" ")[0]}\``);
    expect([...usedRestrictions].sort()).toEqual(Object.keys(restrictions).sort());
    for (const [name, reason] of Object.entries(restrictions))
      expect(section, `the restriction "${name}" and its reason`).toContain(`**${name}**: ${reason}`);
  });
});
