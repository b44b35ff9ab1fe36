/**
 * The engine under hostile input: every refusal is a PatchError carrying a Status (never a TypeError or
 * RangeError from a library or the stack), keys such as `__proto__` are plain data as they are for the
 * apiserver, documents nest up to the apiserver's 10,000 levels, values JSON cannot carry are refused
 * instead of silently changed, and a JSON Patch cannot multiply a document by copying it.
 * What the apiserver answers to the same bodies is recorded in test/differential/hostile.test.ts.
 */
import { describe, expect, it } from "vitest";
import { applyPatch, checkPodUpdate, PatchError } from "../../src/engine/index.js";
import { cloneJson, type JsonValue, jsonEqual, jsonText } from "../../src/engine/json.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { ccePod } from "../fixtures/engine/parity-cases.js";

const json = "application/json-patch+json";
const merge = "application/merge-patch+json";
const strategic = "application/strategic-merge-patch+json";
const apply = "application/apply-patch+yaml";
const pod = ccePod as Pod;

/** The apply options every apply needs (the field manager). */
const options = { fieldManager: "hostile-test" };

function refusal(patch: unknown, mediaType: PatchMediaType, target: Pod = pod): PatchError {
  try {
    applyPatch(target, patch, mediaType, options);
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw new Error(`not a PatchError: ${String(error)}`);
  }
  throw new Error("the patch was accepted");
}

/** `{a: {a: … leaf}}` nested `levels` objects deep, built without recursion. */
function nested(levels: number, leaf: unknown = "x"): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe("__proto__ and other odd keys are plain data", () => {
  it("a JSON Patch path through __proto__ adds an own member, as the apiserver's library does", () => {
    const patched = applyPatch(pod, [{ op: "add", path: "/metadata/labels/__proto__", value: "x" }], json);
    const labels = patched.metadata?.labels ?? {};
    expect(Object.hasOwn(labels, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(labels, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("a JSON Patch under a missing __proto__ member is a 422 like any missing parent", () => {
    const { status } = refusal([{ op: "add", path: "/__proto__/polluted", value: "x" }], json);
    expect(status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["merge", merge],
    ["strategic", strategic],
  ] as const)("a %s patch applies __proto__, constructor and the keys after them", (_name, mediaType) => {
    const patch = JSON.parse('{"metadata":{"annotations":{"__proto__":"p","constructor":"c","prototype":"q","after":"a"}}}');
    const annotations = applyPatch(pod, patch, mediaType).metadata?.annotations ?? {};
    expect(Object.entries(annotations)).toEqual([
      ["__proto__", "p"],
      ["constructor", "c"],
      ["prototype", "q"],
      ["after", "a"],
    ]);
  });
});

describe("JSON Patch operations", () => {
  const generic422 = "the server rejected our request due to an error in our request";

  it.each(["_get", "get", "ADD", ""])("op %j is refused with 422, as the apiserver refuses an unknown op", (op) => {
    // The apiserver's Status is generic (test/differential/engine.test.ts); the engine's explanation says why.
    const error = refusal([{ op, path: "/spec" }], json);
    expect(error.status).toMatchObject({ code: 422, reason: "Invalid", message: generic422 });
    expect(error.message).toMatch(/not one of operations defined in RFC-6902/);
  });

  it("copies count against the apiserver's 3 MiB limit instead of doubling the document each time", () => {
    const doubling = [
      { op: "add", path: "/metadata/annotations", value: { seed: "x".repeat(1024) } },
      ...Array.from({ length: 40 }, (_, index) => ({
        op: "copy",
        from: "/metadata/annotations",
        path: `/metadata/annotations/c${index}`,
      })),
    ];
    const error = refusal(doubling, json);
    expect(error.status).toMatchObject({ code: 422, reason: "Invalid", message: generic422 });
    expect(error.message).toMatch(/accumulated size increase of copy is \d+, exceeding the limit 3145728/);
  });
});

describe("nesting up to the apiserver's 10,000 levels", () => {
  // The apiserver's decoder refuses a body nesting more than 10,000 objects and arrays; the body's own
  // levels count ({"spec": {"bogus": …}} is two).
  const bodies: [string, PatchMediaType, (levels: number) => unknown][] = [
    ["merge", merge, (levels) => ({ spec: { bogus: nested(levels - 2) } })],
    ["strategic", strategic, (levels) => ({ spec: { bogus: nested(levels - 2) } })],
    ["json", json, (levels) => [{ op: "add", path: "/spec/bogus", value: nested(levels - 2) }]],
    ["apply", apply, (levels) => ({ apiVersion: "v1", kind: "Pod", spec: { bogus: nested(levels - 2) } })],
  ];

  it.each(bodies.filter(([name]) => name !== "apply"))(
    "a %s patch of 10,000 levels applies and its update is checked",
    (_name, mediaType, body) => {
      const patched = applyPatch(pod, body(10_000), mediaType, options);
      expect(patched.spec).toHaveProperty("bogus");
      const violations = checkPodUpdate(pod, patched);
      expect(violations.map((violation) => violation.field)).toEqual(["spec"]);
      expect(violations[0]?.changed).toEqual(["spec.bogus"]);
    },
  );

  it("an apply configuration of 10,000 levels is refused for its undeclared field, as the apiserver refuses it", () => {
    const { status } = refusal(bodies[3]![2](10_000), apply);
    expect(status).toMatchObject({ code: 500 });
    expect(status.message).toMatch(/\.spec\.bogus: field not declared in schema/);
  });

  it.each(bodies)("a %s patch of 10,001 levels is a 400, not a RangeError", (_name, mediaType, body) => {
    const { status } = refusal(body(10_001), mediaType);
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.message).toMatch(/nests deeper than 10000 levels/);
  });

  it.each([
    ["an empty object", {}],
    ["an empty list", []],
  ])("a merge patch whose 10,001st level is %s is a 400 too (empty containers count)", (_name, leaf) => {
    const { status } = refusal({ spec: { bogus: nested(9_998, leaf) } }, merge);
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.message).toMatch(/nests deeper than 10000 levels/);
    expect(applyPatch(pod, { spec: { bogus: nested(9_997, leaf) } }, merge, options).spec).toHaveProperty("bogus");
  });

  it("a Pod of 10,000 levels can be patched and checked", () => {
    const deepPod = { ...pod, metadata: { ...pod.metadata, bogus: nested(9_998) } } as Pod;
    const patched = applyPatch(deepPod, { metadata: { labels: { deep: "yes" } } }, strategic);
    expect(patched.metadata?.labels?.deep).toBe("yes");
    expect(checkPodUpdate(deepPod, patched)).toEqual([]);
  });
});

describe("values JSON cannot carry are refused, not changed", () => {
  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a function", () => 1],
    ["a bigint", 1n],
    ["a Date", new Date(0)],
    ["a Map", new Map()],
  ])("%s in a merge patch is a 400 naming the field", (_name, value) => {
    const { status } = refusal({ spec: { activeDeadlineSeconds: value } }, merge);
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.details?.causes?.[0]?.field).toBe("spec.activeDeadlineSeconds");
  });

  it("NaN in a merge patch does not delete the field", () => {
    const withDeadline = { ...pod, spec: { ...pod.spec, activeDeadlineSeconds: 60 } } as Pod;
    expect(() => applyPatch(withDeadline, { spec: { activeDeadlineSeconds: Number.NaN } }, merge)).toThrow(PatchError);
  });

  it("undefined in a list is refused; an undefined member is dropped, as JSON drops it", () => {
    expect(refusal({ metadata: { finalizers: ["a", undefined] } }, merge).status.details?.causes?.[0]?.field).toBe(
      "metadata.finalizers[1]",
    );
    expect(applyPatch(pod, { metadata: { labels: { x: undefined, y: "1" } } }, merge).metadata?.labels).toEqual({
      ...pod.metadata?.labels,
      y: "1",
    });
  });
});

describe("the engine's JSON helpers agree with JSON where JSON can follow", () => {
  const samples: unknown[] = [
    ccePod,
    [],
    {},
    [1, "two", null, true, { a: [{}] }],
    "text",
    0,
    { "\u2028": "\ud83d\ude00", "x/y": -1.5e-7 },
  ];

  it.each(samples.map((sample) => [JSON.stringify(sample).slice(0, 40), sample]))(
    "jsonText(%s) is JSON.stringify's text",
    (_name, sample) => {
      for (const indent of [0, 2, 4])
        expect(jsonText(sample as JsonValue, { indent })).toBe(JSON.stringify(sample, null, indent));
    },
  );

  it("sorts keys on request, so equal objects give equal text", () => {
    expect(jsonText({ b: 1, a: { d: 2, c: 3 } }, { sortKeys: true })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it("cloneJson equals a JSON round trip and jsonEqual ignores key order", () => {
    expect(cloneJson(ccePod)).toEqual(JSON.parse(JSON.stringify(ccePod)));
    expect(jsonEqual({ a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined } as unknown as JsonValue)).toBe(false);
  });
});
