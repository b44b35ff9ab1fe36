/**
 * Abuse tests of the mock: fast-check sends 1000 random bodies per patch media type to the real mock
 * process shared by the contract files (test/support/shared-mock.ts), eight at a time, with a fixed
 * seed. Bodies mix the spec's valid examples mutated at random places, arbitrary JSON (and YAML for
 * apply), random JSON Patch operations, random bytes and strings, and nesting up to 20000 levels deep
 * (JSON and YAML, balanced or not). Every answer must come within three seconds and be either the mocked
 * Pod (200), a 4xx Kubernetes Status valid against the spec, or one of the 500s the apiserver itself
 * answers to a body (no reason; an apply body the Pod's schema does not describe, a strategic merge
 * directive it does not know: tools/servers/apiserver-decoding.ts) — never another 5xx (the mock's own
 * failures are 500 InternalError), a dropped connection or a hang — and the mock must log no internal failure and exit cleanly afterwards (checked when the
 * shared mock stops). The size limits (3 MiB, 10000 JSON Patch operations → 413) are checked for
 * every media type as well.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { generatedDir } from "../../tools/pipeline/common.js";
import { compileComponent, formatErrors, type Json } from "../support/pod-schema.js";
import { validRequests } from "./cases.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8")) as Json;
const validateStatus = compileComponent(spec, "Status");

const SEED = 20_251_123;
const BATCH = 8;
const BODIES_PER_MEDIA_TYPE = 1000;
// The stateful mock patches, decodes, checks and validates the Pod it would store for each body, in the one
// mock process the other contract files use at the same time, on two cores shared with the whole suite:
// the bound is about hangs, with room for that work under load.
const ANSWER_LIMIT_MS = 3000;
/** For the warm-up and the size limits, which are not about speed. */
const UNTIMED_MS = 20_000;
const MIB = 1024 * 1024;
const POD_PATH = "/api/v1/namespaces/default/pods/hello-world";
const APPLY = "application/apply-patch+yaml";
const MEDIA_TYPES = Object.keys(validRequests) as Array<keyof typeof validRequests>;

const mockUrl = inject("mockUrl");

beforeAll(async () => {
  // Prism compiles each media type's schema on first use; do that before answers are timed.
  for (const mediaType of MEDIA_TYPES) {
    await send(mediaType, new TextEncoder().encode(serialize(mediaType, validRequests[mediaType].body)), UNTIMED_MS);
  }
});

function serialize(mediaType: string, value: unknown): string {
  return mediaType === APPLY ? toYaml(value) : JSON.stringify(value);
}

interface Reply {
  status: number;
  body: string;
}

/** PATCHes the body; rejects when the whole answer has not arrived within `limitMs`. */
async function send(mediaType: string, body: Uint8Array<ArrayBuffer>, limitMs = ANSWER_LIMIT_MS): Promise<Reply> {
  const query = mediaType === APPLY ? "?fieldManager=fuzz" : "";
  try {
    const response = await fetch(`${mockUrl}${POD_PATH}${query}`, {
      method: "PATCH",
      headers: { "X-Auth-Token": "fuzz-token", "Content-Type": mediaType },
      body,
      signal: AbortSignal.timeout(limitMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    throw new Error(`no complete answer within ${limitMs} ms: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
}

/** Why a reply is not acceptable, or undefined when it is (200 Pod, a 4xx Status, or the apiserver's 500 for a body). */
function problemWith(reply: Reply): string | undefined {
  let body: Json;
  try {
    body = JSON.parse(reply.body) as Json;
  } catch {
    return `${reply.status} with a body that is not JSON: ${reply.body.slice(0, 200)}`;
  }
  if (reply.status === 200) return body.kind === "Pod" ? undefined : `200 without a Pod: ${reply.body.slice(0, 200)}`;
  // The apiserver answers a plain Go error (a typed patch it cannot build, a strategic merge the library
  // refuses) with 500 and no reason; the mock's own failures are 500 InternalError "mock failure: …".
  const apiserver500 = reply.status === 500 && body.reason === undefined && !String(body.message).startsWith("mock failure");
  if ((reply.status < 400 || reply.status > 499) && !apiserver500) return `status ${reply.status}: ${reply.body.slice(0, 300)}`;
  if (!validateStatus(body)) return `${reply.status} body is not a Status: ${formatErrors(validateStatus.errors)}`;
  if (body.code !== reply.status) return `Status code ${body.code} on a ${reply.status} answer`;
  return undefined;
}

const DELETE = Symbol("delete");
type Mutation = { at: number; value: unknown };

/** Every path (list of keys) inside a JSON value, the root included. */
function allPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => allPaths(child, [...prefix, key]))];
}

/** Replaces (or deletes) the value at the `at`-th path of the value, for each mutation in turn. */
function mutate(base: unknown, mutations: Mutation[]): unknown {
  let result: unknown = structuredClone(base);
  for (const { at, value } of mutations) {
    const paths = allPaths(result);
    const path = paths[at % paths.length] ?? [];
    if (path.length === 0) {
      result = value === DELETE ? null : value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], result);
    const key = path[path.length - 1]!;
    if (value !== DELETE) parent[key] = value;
    else if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  return result;
}

/** The spec's request examples for a media type plus the contract tests' valid body. */
function validBodies(mediaType: keyof typeof validRequests): unknown[] {
  const requestBody = spec.components.requestBodies.PodPatch.content[mediaType] as Json;
  const examples = Object.values(requestBody.examples as Json).map((example) => {
    const reference = (example as Json).$ref as string | undefined;
    return reference === undefined ? (example as Json).value : spec.components.examples[reference.split("/").pop()!].value;
  });
  return [...examples, validRequests[mediaType].body];
}

const someJson = fc.jsonValue({ maxDepth: 4 });

const jsonPatchOperations = fc.array(
  fc.record(
    {
      op: fc.constantFrom("add", "replace", "remove", "move", "copy", "test", "Add", ""),
      path: fc.oneof(
        fc.constantFrom("/metadata/labels/tier", "/spec/containers/0/image", "/", "", "/spec/activeDeadlineSeconds"),
        fc.string(),
      ),
      value: someJson,
      from: fc.string(),
    },
    { requiredKeys: ["op"] },
  ),
  { maxLength: 20 },
);

/** Text nested `depth` levels deep, closed or cut off. */
const deepNesting = fc
  .record({
    depth: fc.integer({ min: 1, max: 20_000 }),
    style: fc.constantFrom("json-array", "json-object", "yaml-flow", "yaml-dash", "yaml-block"),
    closed: fc.boolean(),
  })
  .map(({ depth, style, closed }) => {
    switch (style) {
      case "json-array":
        return "[".repeat(depth) + (closed ? "]".repeat(depth) : "");
      case "json-object":
        return '{"a":'.repeat(depth) + "1" + (closed ? "}".repeat(depth) : "");
      case "yaml-flow":
        return "{a: [".repeat(depth) + (closed ? "]}".repeat(depth) : "");
      case "yaml-dash":
        return "- ".repeat(depth) + "x\n";
      default:
        return Array.from({ length: Math.min(depth, 2000) }, (_, level) => `${" ".repeat(level)}a:`).join("\n") + " 1\n";
    }
  });

/** The bytes, printed by fast-check as their length and first 120 characters instead of every byte. */
function shortPrinted(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const preview = JSON.stringify(Buffer.from(bytes).subarray(0, 120).toString("utf8"));
  return Object.defineProperty(bytes, fc.toStringMethod, { value: () => `${bytes.length} bytes: ${preview}` });
}

/** Random bodies for one media type: valid and mutated examples, arbitrary values, bytes, strings, deep nesting. */
function bodies(mediaType: keyof typeof validRequests): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  const encode = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);
  const mutation = fc.record({ at: fc.nat(), value: fc.oneof(someJson, fc.constant(DELETE)) });
  const mutated = fc
    .tuple(fc.constantFrom(...validBodies(mediaType)), fc.array(mutation, { maxLength: 3 }))
    .map(([base, mutations]) => encode(serialize(mediaType, mutate(base, mutations))));
  const mixed = fc.oneof(
    { arbitrary: mutated, weight: 4 },
    { arbitrary: someJson.map((value) => encode(JSON.stringify(value))), weight: 2 },
    { arbitrary: someJson.map((value) => encode(toYaml(value))), weight: mediaType === APPLY ? 2 : 0 },
    { arbitrary: jsonPatchOperations.map((operations) => encode(serialize(mediaType, operations))), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => new Uint8Array(bytes)), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 512 }).map(encode), weight: 1 },
    { arbitrary: deepNesting.map(encode), weight: 2 },
  );
  return mixed.map(shortPrinted);
}

describe("random bodies: always 200 or a 4xx Status within three seconds", () => {
  it.each(MEDIA_TYPES)(
    "%s",
    async (mediaType) => {
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(bodies(mediaType), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const replies = await Promise.all(batch.map((body) => send(mediaType, body)));
          for (const [index, reply] of replies.entries()) {
            seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
            const problem = problemWith(reply);
            if (problem !== undefined) throw new Error(`${problem}\nbody sent: ${fc.stringify(batch[index])}`);
          }
        }),
        // No shrinking: after a crash or hang every run fails slowly, and the failing batch is printed as it is.
        { seed: SEED, numRuns: BODIES_PER_MEDIA_TYPE / BATCH, endOnFailure: true },
      );
      const answered = [...seen.values()].reduce((sum, count) => sum + count, 0);
      expect(answered).toBeGreaterThanOrEqual(BODIES_PER_MEDIA_TYPE);
      expect(seen.get(200) ?? 0, `status counts ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
      expect(seen.get(400) ?? 0, `status counts ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
      expect(seen.get(422) ?? 0, `status counts ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
      // The bound is each answer's limit; the whole run may take as many of them as it has batches (a loaded
      // machine answers slowly but within that limit, which is what this test judges).
    },
    (BODIES_PER_MEDIA_TYPE / BATCH) * ANSWER_LIMIT_MS,
  );
});

describe("size limits → 413 for every media type", () => {
  it.each(MEDIA_TYPES)("%s: a body over 3 MiB", async (mediaType) => {
    const value = { metadata: { name: "hello-world", annotations: { blob: "x".repeat(3 * MIB) } } };
    const reply = await send(mediaType, new TextEncoder().encode(serialize(mediaType, value)), UNTIMED_MS);
    expect(reply.status).toBe(413);
    expect(problemWith(reply)).toBeUndefined();
  });

  it("a JSON Patch of 10001 operations, while 10000 pass", async () => {
    const operation = { op: "add", path: "/metadata/labels/tier", value: "web" };
    const patch = (count: number): Uint8Array<ArrayBuffer> =>
      new TextEncoder().encode(JSON.stringify(Array.from({ length: count }, () => operation)));
    const tooMany = await send("application/json-patch+json", patch(10_001), UNTIMED_MS);
    expect(tooMany.status).toBe(413);
    expect(problemWith(tooMany)).toBeUndefined();
    expect((await send("application/json-patch+json", patch(10_000), UNTIMED_MS)).status).toBe(200);
  });
});
