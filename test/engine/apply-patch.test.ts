/**
 * applyPatch without kubectl: CCE's own strategic-vs-merge example, inputs never mutated, the Status
 * carried by PatchError for each kind of refusal (code, reason, field of the cause), and the server-side
 * server-side apply (list-map keys, sets, atomic maps and lists, ownership, conflicts, refusals).
 */
import { describe, expect, it } from "vitest";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { type ApplyPatchOptions, applyPatch, PatchError } from "../../src/engine/index.js";
import { ccePod, richPod } from "../fixtures/engine/parity-cases.js";

const strategic = "application/strategic-merge-patch+json";
const merge = "application/merge-patch+json";
const json = "application/json-patch+json";
const apply = "application/apply-patch+yaml";

const rich = richPod as Pod;
const cce = ccePod as Pod;

function refusal(pod: Pod, patch: unknown, mediaType: PatchMediaType, options: ApplyPatchOptions = {}): PatchError {
  try {
    applyPatch(pod, patch, mediaType, options);
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw error;
  }
  throw new Error("the patch was accepted");
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe("CCE's patch example (strategic merges containers by name, merge replaces the list)", () => {
  // Upstream's order: elements named by the patch first, live-only ones after (kubectl gives the same).
  const patch = { spec: { containers: [{ name: "redis", image: "redis:7" }] } };
  it.each([
    [strategic, ["redis", "hello-world"]],
    [merge, ["redis"]],
  ] as const)("%s", (mediaType, names) => {
    expect(applyPatch(cce, patch, mediaType).spec?.containers.map((container) => container.name)).toEqual(names);
  });
});

describe("inputs are never mutated", () => {
  it.each([
    [json, [{ op: "add", path: "/spec/securityContext", value: { seLinuxOptions: { level: "s0" } } }]],
    [merge, { metadata: { labels: { app: null, x: "1" } }, spec: { containers: [{ name: "app", image: null }] } }],
    [
      strategic,
      {
        metadata: { labels: { $patch: "replace", x: "1" } },
        spec: {
          "$setElementOrder/containers": [{ name: "sidecar" }, { name: "app" }],
          containers: [{ name: "app", env: [{ name: "MODE", $patch: "delete" }] }],
        },
      },
    ],
    [apply, { apiVersion: "v1", kind: "Pod", spec: { containers: [{ name: "app", image: "x" }] } }],
  ] as const)("%s", (mediaType, patch) => {
    const pod = deepFreeze(structuredClone(rich));
    const frozenPatch = deepFreeze(structuredClone(patch));
    const result = applyPatch(pod, frozenPatch, mediaType, { fieldManager: "test", force: true });
    expect(result).not.toBe(pod);
    expect(pod).toEqual(rich);
    expect(frozenPatch).toEqual(patch);
  });

  it("does not alias values of the patch into the result", () => {
    const value = { seLinuxOptions: { level: "s0" } };
    const result = applyPatch(rich, [{ op: "add", path: "/spec/securityContext", value }], json);
    value.seLinuxOptions.level = "s1";
    expect(result.spec?.securityContext).toEqual({ seLinuxOptions: { level: "s0" } });
  });
});

describe("refusals carry the apiserver's Status", () => {
  // Code, reason and message as kube-apiserver v1.35.4 answers them (test/differential/engine.test.ts asks
  // it the same); where the Status does not say where the patch went wrong, PatchError.field does.
  const generic422 = "the server rejected our request due to an error in our request";
  it.each([
    [
      "merge-key element without its key",
      strategic,
      { spec: { containers: [{ image: "x" }] } },
      500,
      undefined,
      "map: map[image:x] does not contain declared merge key: name",
      "spec.containers[0]",
    ],
    [
      "unknown $patch in a list",
      strategic,
      { spec: { containers: [{ name: "app", $patch: "bogus" }] } },
      500,
      undefined,
      "unknown patch type: bogus in map: map[$patch:bogus name:app]",
      "spec.containers[0]",
    ],
    [
      "$patch: merge in a list",
      strategic,
      { spec: { volumes: [{ name: "data", $patch: "merge" }] } },
      500,
      undefined,
      "merging lists cannot yet be specified in the patch",
      "spec.volumes[0]",
    ],
    [
      "$patch: merge in a map",
      strategic,
      { metadata: { labels: { $patch: "merge" } } },
      500,
      undefined,
      "unknown patch type: merge in map: map[$patch:merge]",
      "metadata.labels.$patch",
    ],
    [
      "$setElementOrder inconsistent",
      strategic,
      { spec: { "$setElementOrder/containers": [{ name: "app" }], containers: [{ name: "sidecar" }] } },
      500,
      undefined,
      "The order in patch list:\n[map[name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:app]]\n",
      "spec.containers",
    ],
    [
      "$setElementOrder without a field",
      strategic,
      { spec: { $setElementOrder: [] } },
      400,
      "BadRequest",
      "invalid patch format of setElementOrder list",
      "spec.$setElementOrder",
    ],
    [
      "$deleteFromPrimitiveList without a field",
      strategic,
      { metadata: { $deleteFromPrimitiveList: ["x"] } },
      400,
      "BadRequest",
      "invalid patch format of primitive list",
      "metadata.$deleteFromPrimitiveList",
    ],
    [
      "$retainKeys not covering the patch",
      strategic,
      { spec: { volumes: [{ name: "data", $retainKeys: ["name"], hostPath: { path: "/x" } }] } },
      400,
      "BadRequest",
      "invalid patch format of retainKeys",
      "spec.volumes[0].$retainKeys",
    ],
    [
      "a list inside a list of strings",
      strategic,
      { metadata: { finalizers: [["a"]] } },
      500,
      undefined,
      "list element types are not identical: [[example.com/first example.com/second] [[a]]]",
      "metadata.finalizers",
    ],
    [
      "JSON Patch test failure",
      json,
      [{ op: "test", path: "/spec/restartPolicy", value: "Never" }],
      422,
      "Invalid",
      generic422,
      "spec.restartPolicy",
    ],
    [
      "JSON Patch remove of a missing path",
      json,
      [{ op: "remove", path: "/metadata/labels/none" }],
      422,
      "Invalid",
      generic422,
      "metadata.labels.none",
    ],
    ["JSON Patch bad pointer", json, [{ op: "add", path: "spec", value: 1 }], 422, "Invalid", generic422, ""],
    [
      "JSON Patch second op fails",
      json,
      [
        { op: "add", path: "/metadata/labels/a", value: "1" },
        { op: "replace", path: "/spec/none/x", value: 1 },
      ],
      422,
      "Invalid",
      generic422,
      "spec.none.x",
    ],
  ] as const)("%s", (_name, mediaType, patch, code, reason, message, field) => {
    const error = refusal(rich, patch, mediaType);
    expect(error.status).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code, message });
    expect(error.status.reason).toBe(reason);
    expect(error.field).toBe(field);
  });

  it.each([
    ["JSON Patch body not an array", json, { op: "add" }, "", /must be an array/],
    ["merge patch not an object", merge, [1], "", /must be a JSON object/],
    ["strategic patch not an object", strategic, "x", "", /must be a JSON object/],
  ] as const)("%s: 400", (_name, mediaType, patch, field, message) => {
    const { status } = refusal(rich, patch, mediaType);
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.message).toMatch(message);
    expect(status.details?.causes?.[0]?.field).toBe(field);
  });

  it("refuses a list or map merged into a field the model lacks", () => {
    const pod = { ...rich, spec: { ...rich.spec, notAField: { a: 1 } } } as Pod;
    const error = refusal(pod, { spec: { notAField: { b: 2 } } }, strategic);
    expect(error.status).toMatchObject({
      code: 500,
      message: 'unable to find api field in struct PodSpec for the json field "notAField"',
    });
    expect(error.field).toBe("spec.notAField");
  });

  it("answers 415 for a media type it does not know", () => {
    const { status } = refusal(rich, {}, "application/json" as PatchMediaType);
    expect(status).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
  });

  it("JSON Patch replace of a member missing from an existing object adds it, as the apiserver does", () => {
    expect(applyPatch(rich, [{ op: "replace", path: "/metadata/labels/new", value: "x" }], json).metadata?.labels?.new).toBe("x");
  });
});

describe("server-side apply (every rule here is proven against the apiserver by test/differential/apply.test.ts)", () => {
  const base = { apiVersion: "v1", kind: "Pod" };
  const container = (pod: Pod, name: string) => pod.spec?.containers.find((candidate) => candidate.name === name);
  // `rich` has no managedFields: its first apply gives what it holds to before-first-apply, so a change is forced.
  const forced = { fieldManager: "test", force: true };

  it("merges list-map elements on their keys and appends new ones", () => {
    const result = applyPatch(
      rich,
      {
        ...base,
        spec: {
          containers: [
            { name: "app", image: "nginx:1.28" },
            { name: "extra", image: "redis:7" },
          ],
        },
      },
      apply,
      forced,
    );
    expect(result.spec?.containers.map((element) => element.name)).toEqual(["app", "sidecar", "extra"]);
    expect(container(result, "app")).toMatchObject({ image: "nginx:1.28", command: ["nginx"] });
  });

  it("matches ports on every list-map key (containerPort and protocol)", () => {
    const ports = [
      { containerPort: 80, protocol: "TCP", name: "web" },
      { containerPort: 80, protocol: "UDP" },
    ];
    const result = applyPatch(rich, { ...base, spec: { containers: [{ name: "app", ports }] } }, apply, forced);
    expect(container(result, "app")?.ports).toEqual([
      { containerPort: 80, protocol: "TCP", name: "web" },
      { containerPort: 443, protocol: "TCP", name: "https" },
      { containerPort: 80, protocol: "UDP" },
    ]);
  });

  it.each([
    [
      "a set list gains missing values",
      { metadata: { finalizers: ["example.com/second", "example.com/third"] } },
      (pod: Pod) => pod.metadata?.finalizers,
      ["example.com/first", "example.com/second", "example.com/third"],
    ],
    [
      "an atomic map is replaced",
      { spec: { nodeSelector: { gpu: "true" } } },
      (pod: Pod) => pod.spec?.nodeSelector,
      { gpu: "true" },
    ],
    [
      "an ordinary map merges",
      { metadata: { labels: { extra: "1" } } },
      (pod: Pod) => pod.metadata?.labels,
      { app: "rich", tier: "backend", extra: "1" },
    ],
    [
      "an atomic list is replaced",
      { spec: { tolerations: [{ operator: "Exists" }] } },
      (pod: Pod) => pod.spec?.tolerations,
      [{ operator: "Exists" }],
    ],
  ] as const)("%s", (_name, config, read, expected) => {
    expect(read(applyPatch(rich, { ...base, ...config }, apply, forced))).toEqual(expected);
  });

  it("records the applier's fields in managedFields and gives the Pod's earlier fields to before-first-apply", () => {
    const result = applyPatch(rich, { ...base, metadata: { labels: { extra: "1" } } }, apply, {
      fieldManager: "deploy",
      time: "2026-01-01T00:00:00Z",
    });
    const managers = result.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation]);
    expect(managers).toEqual([
      ["deploy", "Apply"],
      ["before-first-apply", "Update"],
    ]);
    expect(result.metadata?.managedFields?.[0]?.fieldsV1).toEqual({ "f:metadata": { "f:labels": { "f:extra": {} } } });
  });

  it("answers 409 with one FieldManagerConflict cause per field another manager owns, unless forced", () => {
    const error = refusal(rich, { ...base, metadata: { labels: { app: "other" } } }, apply, { fieldManager: "deploy" });
    expect(error.status).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .metadata.labels.app',
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "before-first-apply" using v1',
            field: ".metadata.labels.app",
          },
        ],
      },
    });
    expect(applyPatch(rich, { ...base, metadata: { labels: { app: "other" } } }, apply, forced).metadata?.labels?.app).toBe(
      "other",
    );
  });

  it("removes a field the manager stops applying when nobody else owns it", () => {
    const first = applyPatch(rich, { ...base, metadata: { labels: { extra: "1", more: "2" } } }, apply, {
      fieldManager: "deploy",
    });
    const second = applyPatch(first, { ...base, metadata: { labels: { extra: "1" } } }, apply, { fieldManager: "deploy" });
    expect(second.metadata?.labels).toEqual({ app: "rich", tier: "backend", extra: "1" });
  });

  it.each([
    ["another kind", { apiVersion: "v1", kind: "Service" }, { fieldManager: "m" }, 400, "invalid object type: /v1, Kind=Service"],
    [
      "another Pod's name",
      { ...base, metadata: { name: "other" } },
      { fieldManager: "m" },
      400,
      "the name of the object (other) does not match the name on the URL (rich)",
    ],
    [
      "no field manager",
      base,
      {},
      422,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    ],
    [
      "a field the Pod lacks",
      { ...base, spec: { bogus: 1 } },
      { fieldManager: "m" },
      500,
      "failed to create typed patch object (/rich; /v1, Kind=Pod): .spec.bogus: field not declared in schema",
    ],
  ] as const)("refuses %s as the apiserver does", (_name, config, options, code, message) => {
    expect(refusal(rich, config, apply, options).status).toMatchObject({ code, message });
  });
});
