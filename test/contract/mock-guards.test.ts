/**
 * Contract tests of the mock's guards (tools/servers/mock-server.ts): raw `fetch` against the real mock
 * process shared by the contract files (test/support/shared-mock.ts, which also checks its clean exit). Every error body must be a Kubernetes Status
 * valid against the spec's Status schema, every success a Pod valid against the Pod schema.
 * The valid merge and strategic patches fail on unpatched Prism (it validates every `+json` body
 * against the JSON Patch schema, stoplightio/prism #1936).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { unescapeSegment } from "../../src/json-pointer/pointer.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { compileComponent, formatErrors, type Json } from "../support/pod-schema.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8")) as Json;
const validateStatus = compileComponent(spec, "Status");
const validatePod = compileComponent(spec, "Pod");
const operation = spec.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch as Json;

/** Follows a local `$ref` (`#/components/...`) of the bundle; other nodes are returned as they are. */
function deref(node: Json): Json {
  if (typeof node.$ref !== "string") return node;
  return (node.$ref as string)
    .slice(2)
    .split("/")
    .reduce<Json>((target, segment) => target[unescapeSegment(segment)] as Json, spec);
}

/** The first named example of a declared response (key and value), as Prism serves it by default. */
function responseExample(code: number): { key: string; value: Json } {
  const content = deref(operation.responses[String(code)] as Json).content["application/json"] as Json;
  const [key, example] = Object.entries(content.examples as Json)[0] as [string, Json];
  return { key, value: deref(example).value as Json };
}

const POD_PATH = "/api/v1/namespaces/default/pods/hello-world";
const TOKEN = { "X-Auth-Token": "test-token" };
const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";
const DECLARED_MEDIA_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY];
const MIB = 1024 * 1024;

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
  elapsedMs: number;
}

interface PatchRequest {
  /** Raw body text (sent as bytes, so fetch adds no Content-Type of its own). */
  body?: string;
  contentType?: string;
  query?: string;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
}

const mockUrl = inject("mockUrl");

async function send(request: PatchRequest): Promise<Reply> {
  const headers: Record<string, string> = { ...TOKEN, ...request.headers };
  if (request.contentType !== undefined) headers["Content-Type"] = request.contentType;
  const started = performance.now();
  const response = await fetch(`${mockUrl}${request.path ?? POD_PATH}${request.query ?? ""}`, {
    method: request.method ?? "PATCH",
    headers,
    ...(request.body === undefined ? {} : { body: new TextEncoder().encode(request.body) }),
  });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Json, elapsedMs };
}

/** Asserts a Status error reply and returns its causes. */
function expectStatus(reply: Reply, code: number, reason: string): Json[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(code);
  expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  expect(validateStatus(reply.body), formatErrors(validateStatus.errors)).toBe(true);
  expect(reply.body).toMatchObject({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason });
  expect(reply.body.message).toEqual(expect.any(String));
  return (reply.body.details?.causes ?? []) as Json[];
}

function expectPod(reply: Reply, code = 200): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(code);
  expect(reply.headers.get("sl-violations"), "sl-violations on a valid request").toBeNull();
  expect(validatePod(reply.body), formatErrors(validatePod.errors)).toBe(true);
  expect(reply.body.kind).toBe("Pod");
}

const validBodies: Array<[contentType: string, body: string, query: string]> = [
  [JSON_PATCH, JSON.stringify([{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }]), ""],
  [MERGE_PATCH, JSON.stringify({ metadata: { labels: { tier: "web", release: null } } }), ""],
  [STRATEGIC, JSON.stringify({ spec: { containers: [{ name: "hello-world", image: "nginx:1.27" }] } }), ""],
  [APPLY, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n  labels:\n    tier: web\n", "?fieldManager=tests"],
  [APPLY, JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } }), "?fieldManager=tests"],
];

describe("valid patches get the mocked Pod", () => {
  it.each(validBodies)("%s %s", async (contentType, body, query) => {
    expectPod(await send({ contentType, body, query }));
  });

  it("ignores a charset parameter on the Content-Type", async () => {
    expectPod(await send({ contentType: `${MERGE_PATCH}; charset=utf-8`, body: "{}" }));
  });

  const specExamples = Object.entries(deref(operation.requestBody).content as Json).flatMap(([mediaType, content]) =>
    Object.entries((content as Json).examples as Json).map(([key, example]) => [mediaType, key, example as Json] as const),
  );
  it.each(specExamples)("accepts the spec's %s example %s", async (contentType, _key, example) => {
    const value = deref(example).value as unknown;
    const body = contentType === APPLY ? toYaml(value) : JSON.stringify(value);
    expectPod(await send({ contentType, body, query: "?fieldManager=tests" }));
  });
});

describe("Content-Type not declared by the operation → 415, worded as the apiserver's router words it", () => {
  it.each<[label: string, contentType: string | undefined]>([
    ["application/json", "application/json"],
    ["text/plain", "text/plain"],
    ["no Content-Type", undefined],
    ["application/*", "application/*"],
    ["application/apply-patch+cbor", "application/apply-patch+cbor"],
    ["application/json-patch", "application/json-patch"],
    ["upper case", "APPLICATION/MERGE-PATCH+JSON"],
  ])("%s", async (_label, contentType) => {
    const reply = await send({ contentType, body: JSON.stringify([]) });
    expectStatus(reply, 415, "UnsupportedMediaType");
    expect(reply.body).toMatchObject({ message: "415: Unsupported Media Type", details: {} });
    expect(reply.headers.get("sl-violations")).not.toBeNull();
  });

  it("a media type the router matches but the handler does not (a space before `;`) → 415 listing the patch types", async () => {
    const reply = await send({ contentType: `${MERGE_PATCH} ;charset=utf-8`, body: "{}" });
    expectStatus(reply, 415, "UnsupportedMediaType");
    expect(reply.body.message).toBe(
      `the body of the request was in an unknown format - accepted media types include: ${DECLARED_MEDIA_TYPES.join(", ")}`,
    );
  });
});

describe("body that does not decode → 400 BadRequest in the apiserver's words, fast", () => {
  it.each<[contentType: string, body: string, query: string, message: string | RegExp]>([
    [JSON_PATCH, '[{"op": "add", "path": ', "", "error decoding patch: unexpected end of JSON input"],
    [MERGE_PATCH, '{"metadata": {', "", "error decoding patch: unexpected end of JSON input"],
    [STRATEGIC, "{spec: }", "", "invalid character 's' looking for beginning of object key string"],
    [
      APPLY,
      "apiVersion: v1\nkind: Pod\nmetadata: {name: hello-world\n",
      "?fieldManager=tests",
      /^error decoding YAML: error converting YAML to JSON: yaml: /,
    ],
    [
      APPLY,
      "metadata:\n  name: a\n   labels: x\n",
      "?fieldManager=tests",
      /^error decoding YAML: error converting YAML to JSON: yaml: /,
    ],
    [
      JSON_PATCH,
      JSON.stringify({ op: "add", path: "/a", value: 1 }),
      "",
      "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
    ],
    [
      MERGE_PATCH,
      JSON.stringify([{ op: "add", path: "/a", value: 1 }]),
      "",
      "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}",
    ],
    [
      APPLY,
      "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n",
      "?fieldManager=tests",
      "invalid object type: /v1, Kind=Deployment",
    ],
  ])("%s %j", async (contentType, body, query, message) => {
    const reply = await send({ contentType, body, query });
    expectStatus(reply, 400, "BadRequest");
    expect(reply.body.message).toMatch(message);
    expect(reply.elapsedMs).toBeLessThan(1000);
  });
});

describe("body that violates the media type's schema → the apiserver's 422, the contract's reasons in sl-violations", () => {
  it("a JSON Patch operation that cannot be applied: generic message, empty details", async () => {
    const body = JSON.stringify([
      { op: "add", path: "metadata/labels/a", value: "b" },
      { op: "frob", path: "/b" },
    ]);
    const reply = await send({ contentType: JSON_PATCH, body });
    expectStatus(reply, 422, "Invalid");
    expect(reply.body).toMatchObject({ message: "the server rejected our request due to an error in our request", details: {} });
    const violations = JSON.parse(reply.headers.get("sl-violations") ?? "[]") as Json[];
    expect(violations.map((violation) => violation.location.join("."))).toContain("request.body.0.path");
  });

  it.each<[label: string, contentType: string, body: unknown, detail: RegExp]>([
    ["merge patch spec as a list", MERGE_PATCH, { spec: [] }, /^json: cannot unmarshal array into Go struct field spec/],
    ["strategic label value not a string", STRATEGIC, { metadata: { labels: { a: 1 } } }, /^json: cannot unmarshal number /],
    [
      "strategic container image not a string",
      STRATEGIC,
      { spec: { containers: [{ name: "c", image: 5 }] } },
      /^json: cannot unmarshal number /,
    ],
    [
      "merge patch time that Go cannot parse",
      MERGE_PATCH,
      { status: { startTime: "2024-05-01 12:00:00Z" } },
      /status\.startTime/,
    ],
  ])("%s: the patched object does not decode (422 on the field `patch`)", async (_label, contentType, value, detail) => {
    const reply = await send({ contentType, body: JSON.stringify(value) });
    const causes = expectStatus(reply, 422, "Invalid");
    expect(reply.body.message).toMatch(/^ "" is invalid: patch: Invalid value: "/);
    expect(causes).toEqual([expect.objectContaining({ reason: "FieldValueInvalid", field: "patch" })]);
    expect(String(causes[0]?.message).split('": ').pop()).toMatch(detail);
  });

  it("apply with a value of the wrong type: 500 from the typed patch, no reason", async () => {
    const body = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\nspec:\n  containers:\n  - name: web\n    image: 5\n";
    const reply = await send({ contentType: APPLY, body, query: "?fieldManager=tests" });
    expect(reply.status).toBe(500);
    expect(validateStatus(reply.body), formatErrors(validateStatus.errors)).toBe(true);
    expect(reply.body.reason).toBeUndefined();
    expect(reply.body.message).toMatch(
      /^failed to create typed patch object \(\/hello-world; \/v1, Kind=Pod\): \.spec\.containers\[name="web"\]\.image: expected string, got 5$/,
    );
  });

  it("reports every validation failure of the Pod as its own cause", async () => {
    const body = JSON.stringify({
      spec: { activeDeadlineSeconds: 0, containers: [{ name: "web", imagePullPolicy: "Sometimes" }] },
    });
    const causes = expectStatus(await send({ contentType: STRATEGIC, body }), 422, "Invalid");
    expect(causes.map((cause) => cause.field).sort()).toEqual([
      "spec.activeDeadlineSeconds",
      "spec.containers[0].imagePullPolicy",
    ]);
  });

  it("keeps the sl-violations header valid JSON for a non-ASCII field name", async () => {
    const reply = await send({ contentType: STRATEGIC, body: JSON.stringify({ metadata: { labels: { 日本: 1 } } }) });
    expect(expectStatus(reply, 422, "Invalid").map((cause) => cause.field)).toEqual(["patch"]);
    const violations = JSON.parse(reply.headers.get("sl-violations") ?? "") as Json[];
    expect(violations[0]?.location).toEqual(["request", "body", "metadata", "labels", "日本"]);
  });

  it("names a bad query parameter by its declared name (PatchOptions)", async () => {
    const reply = await send({ contentType: MERGE_PATCH, body: "{}", query: "?pretty=yes" });
    const causes = expectStatus(reply, 422, "Invalid");
    expect(reply.body.details).toMatchObject({ kind: "PatchOptions", group: "meta.k8s.io" });
    expect(causes.map((cause) => cause.field)).toEqual(["pretty"]);
  });

  it("answers a namespace that breaks the DNS rules as the apiserver does: no such Pod (404)", async () => {
    const reply = await send({ contentType: MERGE_PATCH, body: "{}", path: "/api/v1/namespaces/Not_A_Label/pods/hello-world" });
    expectStatus(reply, 404, "NotFound");
    expect(reply.body).toMatchObject({ message: 'pods "hello-world" not found', details: { name: "hello-world", kind: "pods" } });
    const violations = JSON.parse(reply.headers.get("sl-violations") ?? "[]") as Json[];
    expect(violations).toEqual([expect.objectContaining({ code: 404 })]);
  });
});

describe("patch options (ValidatePatchOptions) → 422 PatchOptions", () => {
  it("words each problem as ValidatePatchOptions does, in its order", async () => {
    const reply = await send({
      contentType: MERGE_PATCH,
      body: "{}",
      query: "?force=true&dryRun=X&fieldValidation=Bogus&fieldManager=a%09b",
    });
    const causes = expectStatus(reply, 422, "Invalid");
    expect(reply.body.details).toEqual({ group: "meta.k8s.io", kind: "PatchOptions", causes });
    expect(causes.map((cause) => `${cause.field}: ${cause.message}`)).toEqual([
      "force: Forbidden: may not be specified for non-apply patch",
      'fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)',
      'dryRun: Unsupported value: ["X"]: supported values: "All"',
      'fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"',
    ]);
  });

  it.each<[label: string, contentType: string, body: string, query: string, field: string]>([
    ["apply without fieldManager", APPLY, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n", "", "fieldManager"],
    [
      "apply with an empty fieldManager",
      APPLY,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n",
      "?fieldManager=",
      "fieldManager",
    ],
    ["force=true on a merge patch", MERGE_PATCH, "{}", "?force=true", "force"],
    ["force=false on a strategic patch", STRATEGIC, "{}", "?force=false", "force"],
    ["force=true on a JSON Patch", JSON_PATCH, "[]", "?force=true", "force"],
  ])("%s", async (_label, contentType, body, query, field) => {
    const reply = await send({ contentType, body, query });
    const causes = expectStatus(reply, 422, "Invalid");
    expect(reply.body.details).toMatchObject({ kind: "PatchOptions", group: "meta.k8s.io" });
    expect(causes).toEqual([expect.objectContaining({ field })]);
  });

  it("accepts force on apply", async () => {
    const body = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n";
    expectPod(await send({ contentType: APPLY, body, query: "?fieldManager=tests&force=true" }));
  });
});

describe("size limits → 413 RequestEntityTooLarge", () => {
  const oversized = JSON.stringify({ metadata: { annotations: { blob: "x".repeat(3 * MIB) } } });

  it("refuses a body over 3 MiB", async () => {
    const reply = await send({ contentType: MERGE_PATCH, body: oversized });
    expectStatus(reply, 413, "RequestEntityTooLarge");
  });

  it("refuses a streamed body over 3 MiB (no Content-Length)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * MIB) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${mockUrl}${POD_PATH}`, {
      method: "PATCH",
      headers: { ...TOKEN, "Content-Type": MERGE_PATCH },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const reply: Reply = {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Json,
      elapsedMs: 0,
    };
    expectStatus(reply, 413, "RequestEntityTooLarge");
  });

  it("accepts a body just under 3 MiB", async () => {
    // The bulk in `status`, which a PATCH of the Pod ignores: 3 MiB of annotations would pass the body limit
    // and then be refused as the apiserver refuses more than 256 KiB of them.
    const padding = 3 * MIB - JSON.stringify({ status: { message: "" } }).length;
    const body = JSON.stringify({ status: { message: "x".repeat(padding) } });
    expect(body.length).toBe(3 * MIB);
    expectPod(await send({ contentType: MERGE_PATCH, body }));
  });

  it("refuses a JSON Patch of 10001 operations and accepts 10000", async () => {
    const op = { op: "add", path: "/metadata/labels/a", value: "b" };
    const tooMany = await send({ contentType: JSON_PATCH, body: JSON.stringify(Array.from({ length: 10_001 }, () => op)) });
    expectStatus(tooMany, 413, "RequestEntityTooLarge");
    expect(tooMany.body.message).toContain("10000");
    expectPod(await send({ contentType: JSON_PATCH, body: JSON.stringify(Array.from({ length: 10_000 }, () => op)) }));
  });
});

describe("credentials", () => {
  it.each<[label: string, headers: Record<string, string>, expected: number]>([
    ["no token", { "X-Auth-Token": "" }, 401],
    ["basic credentials only", { "X-Auth-Token": "", Authorization: "Basic dXNlcjpwdw==" }, 401],
    ["bearer without a token", { "X-Auth-Token": "", Authorization: "Bearer" }, 401],
    ["bearer token", { "X-Auth-Token": "", Authorization: "Bearer abc" }, 200],
    ["X-Auth-Token", {}, 200],
  ])("%s → %s", async (_label, headers, expected) => {
    const cleaned = Object.fromEntries(Object.entries({ ...TOKEN, ...headers }).filter(([, value]) => value !== ""));
    const response = await fetch(`${mockUrl}${POD_PATH}`, {
      method: "PATCH",
      headers: { ...cleaned, "Content-Type": MERGE_PATCH },
      body: new TextEncoder().encode("{}"),
    });
    const reply: Reply = {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Json,
      elapsedMs: 0,
    };
    if (expected === 200) expectPod(reply);
    else expect(reply.body).toEqual(responseExample(401).value);
  });

  it("checks credentials before anything else (no token and a broken body → 401)", async () => {
    const response = await fetch(`${mockUrl}${POD_PATH}`, {
      method: "PATCH",
      headers: { "Content-Type": "text/plain" },
      body: new TextEncoder().encode("{"),
    });
    expect(response.status).toBe(401);
  });
});

describe("routing", () => {
  it("answers an unknown path with a 404 Status", async () => {
    const reply = await send({ path: "/api/v1/namespaces/default/deployments/x", contentType: MERGE_PATCH, body: "{}" });
    expectStatus(reply, 404, "NotFound");
  });

  it.each(["PUT", "POST", "DELETE"])("answers %s on the Pod path with a 405 Status and Allow", async (method) => {
    const reply = await send({ method, ...(method === "DELETE" ? {} : { contentType: MERGE_PATCH, body: "{}" }) });
    expectStatus(reply, 405, "MethodNotAllowed");
    // GET is there for kubectl (a supporting endpoint, see kubectl.test.ts).
    expect(reply.headers.get("allow")).toBe("GET, PATCH");
  });
});

describe("Prefer selects any declared response", () => {
  const declaredCodes = Object.keys(operation.responses as Json).map(Number);

  it.each(declaredCodes)("Prefer: code=%i", async (code) => {
    const body = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n";
    const reply = await send({ contentType: APPLY, body, query: "?fieldManager=tests", headers: { Prefer: `code=${code}` } });
    expect(reply.status).toBe(code);
    expect(reply.headers.get("sl-violations")).toBeNull();
    if (code < 300) expectPod(reply, code);
    else expectStatus(reply, code, reply.body.reason as string);
  });

  it("Prefer: code=404 returns the spec's 404 example", async () => {
    const reply = await send({ contentType: MERGE_PATCH, body: "{}", headers: { Prefer: "code=404" } });
    expectStatus(reply, 404, "NotFound");
    expect(reply.body).toEqual(responseExample(404).value);
  });

  it("Prefer: code=200 returns the first 200 example, and the store is left alone", async () => {
    const value = `forced-${Date.now()}`;
    const body = JSON.stringify({ metadata: { labels: { "mock-guards-forced": value } } });
    const forced = await send({ contentType: MERGE_PATCH, body, headers: { Prefer: "code=200" } });
    expect(forced).toMatchObject({ status: 200, body: responseExample(200).value });
    expect((await send({ method: "GET" })).body.metadata.labels?.["mock-guards-forced"]).toBeUndefined();
  });

  it("without Prefer, a PATCH is answered from the store: the Pod of the path, changed and stored", async () => {
    const value = `v${Date.now()}`;
    const reply = await send({
      contentType: MERGE_PATCH,
      body: JSON.stringify({ metadata: { labels: { "mock-guards": value } } }),
    });
    expectPod(reply);
    expect(reply.body.metadata).toMatchObject({ name: "hello-world", namespace: "default", labels: { "mock-guards": value } });
    expect((await send({ method: "GET" })).body.metadata.labels["mock-guards"]).toBe(value);
  });

  it("Prefer: code=201, example=<key> returns that example (apply that creates)", async () => {
    const created = responseExample(201);
    const body = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n";
    const reply = await send({
      contentType: APPLY,
      body,
      query: "?fieldManager=tests",
      headers: { Prefer: `code=201, example=${created.key}` },
    });
    expectPod(reply, 201);
    expect(reply.body).toEqual(created.value);
  });

  it.each<[prefer: string, code: number]>([
    // A code the operation does not declare is the client's mistake (400), not a missing Pod (404).
    ["code=418", 400],
    ["example=noSuchExample", 404],
    ["code=abc", 400],
  ])("Prefer: %s → %i Status", async (prefer, code) => {
    const reply = await send({ contentType: MERGE_PATCH, body: "{}", headers: { Prefer: prefer } });
    expectStatus(reply, code, code === 404 ? "NotFound" : "BadRequest");
  });

  it("still validates the request when a code is preferred", async () => {
    const reply = await send({
      contentType: MERGE_PATCH,
      body: JSON.stringify({ spec: { activeDeadlineSeconds: 0 } }),
      headers: { Prefer: "code=200" },
    });
    expectStatus(reply, 422, "Invalid");
  });
});
