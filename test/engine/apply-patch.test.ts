/**
 * applyPatch without kubectl: CCE's own strategic-vs-merge example, inputs never mutated, the Status
 * carried by PatchError for each kind of refusal (code, reason, field of the cause), and the server-side
 * apply approximation (list-map keys, sets, atomic maps and lists, refusals).
 */
import { describe, expect, it } from "vitest";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { applyPatch, PatchError } from "../../src/engine/index.js";
import { ccePod, richPod } from "../fixtures/engine/parity-cases.js";

const strategic = "application/strategic-merge-patch+json";
const merge = "application/merge-patch+json";
const json = "application/json-patch+json";
const apply = "application/apply-patch+yaml";

const rich = richPod as Pod;
const cce = ccePod as Pod;

function refusal(pod: Pod, patch: unknown, mediaType: PatchMediaType): PatchError {
  try {
    applyPatch(pod, patch, mediaType);
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
    [json, [{ op: "add", path: "/metadata/labels/x", value: { nested: true } }]],
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
    const result = applyPatch(pod, frozenPatch, mediaType);
    expect(result).not.toBe(pod);
    expect(pod).toEqual(rich);
    expect(frozenPatch).toEqual(patch);
  });

  it("does not alias values of the patch into the result", () => {
    const value = { nested: "a" };
    const result = applyPatch(rich, [{ op: "add", path: "/metadata/annotations/x", value }], json);
    value.nested = "b";
    expect(result.metadata?.annotations?.x).toEqual({ nested: "a" });
  });
});

describe("refusals carry the apiserver's Status", () => {
  it.each([
    [
      "merge-key element without its key",
      strategic,
      { spec: { containers: [{ image: "x" }] } },
      422,
      "spec.containers[0]",
      /does not contain declared merge key: name/,
    ],
    [
      "unknown $patch in a list",
      strategic,
      { spec: { containers: [{ name: "app", $patch: "bogus" }] } },
      422,
      "spec.containers[0]",
      /unknown patch type: "bogus"/,
    ],
    [
      "$patch: merge in a list",
      strategic,
      { spec: { volumes: [{ name: "data", $patch: "merge" }] } },
      422,
      "spec.volumes[0]",
      /merging lists cannot yet be specified/,
    ],
    [
      "$patch: merge in a map",
      strategic,
      { metadata: { labels: { $patch: "merge" } } },
      422,
      "metadata.labels.$patch",
      /unknown patch type: "merge"/,
    ],
    [
      "$setElementOrder inconsistent",
      strategic,
      { spec: { "$setElementOrder/containers": [{ name: "app" }], containers: [{ name: "sidecar" }] } },
      422,
      "spec.containers",
      /doesn't match \$setElementOrder list/,
    ],
    [
      "$setElementOrder without a field",
      strategic,
      { spec: { $setElementOrder: [] } },
      422,
      "spec.$setElementOrder",
      /invalid patch format of setElementOrder list/,
    ],
    [
      "$deleteFromPrimitiveList without a field",
      strategic,
      { metadata: { $deleteFromPrimitiveList: ["x"] } },
      422,
      "metadata.$deleteFromPrimitiveList",
      /invalid patch format of primitive list/,
    ],
    [
      "$retainKeys not covering the patch",
      strategic,
      { spec: { volumes: [{ name: "data", $retainKeys: ["name"], hostPath: { path: "/x" } }] } },
      422,
      "spec.volumes[0].$retainKeys",
      /doesn't match retainKeys/,
    ],
    [
      "JSON Patch test failure",
      json,
      [{ op: "test", path: "/spec/restartPolicy", value: "Never" }],
      422,
      "spec.restartPolicy",
      /Test operation failed/,
    ],
    [
      "JSON Patch remove of a missing path",
      json,
      [{ op: "remove", path: "/metadata/labels/none" }],
      422,
      "metadata.labels.none",
      /remove operation 0/,
    ],
    ["JSON Patch bad pointer", json, [{ op: "add", path: "spec", value: 1 }], 422, "", /add operation 0/],
    [
      "JSON Patch second op fails",
      json,
      [
        { op: "add", path: "/metadata/labels/a", value: "1" },
        { op: "replace", path: "/spec/none/x", value: 1 },
      ],
      422,
      "spec.none.x",
      /replace operation 1/,
    ],
    ["JSON Patch body not an array", json, { op: "add" }, 400, "", /must be an array/],
    ["merge patch not an object", merge, [1], 400, "", /must be a JSON object/],
    ["strategic patch not an object", strategic, "x", 400, "", /must be a JSON object/],
    ["apply of another kind", apply, { apiVersion: "v1", kind: "Service" }, 400, "kind", /apiVersion "v1" and kind "Pod"/],
    [
      "apply naming another Pod",
      apply,
      { apiVersion: "v1", kind: "Pod", metadata: { name: "other" } },
      400,
      "metadata.name",
      /does not match/,
    ],
    [
      "apply with a directive",
      apply,
      { apiVersion: "v1", kind: "Pod", metadata: { labels: { $patch: "replace" } } },
      400,
      "metadata.labels.$patch",
      /directive/,
    ],
  ] as const)("%s", (_name, mediaType, patch, code, field, message) => {
    const { status } = refusal(rich, patch, mediaType);
    expect(status).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code,
      reason: code === 422 ? "Invalid" : "BadRequest",
    });
    expect(status.message).toMatch(message);
    expect(status.details?.causes?.[0]?.field).toBe(field);
  });

  it("refuses a list or map merged into a field the model lacks", () => {
    const pod = { ...rich, spec: { ...rich.spec, notAField: { a: 1 } } } as Pod;
    const { status } = refusal(pod, { spec: { notAField: { b: 2 } } }, strategic);
    expect(status.details?.causes?.[0]).toMatchObject({
      field: "spec.notAField",
      message: 'unable to find api field in struct PodSpec for the json field "notAField"',
    });
  });

  it("answers 415 for a media type it does not know", () => {
    const { status } = refusal(rich, {}, "application/json" as PatchMediaType);
    expect(status).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
  });

  it("JSON Patch replace of a member missing from an existing object adds it, as the apiserver does", () => {
    expect(applyPatch(rich, [{ op: "replace", path: "/metadata/labels/new", value: "x" }], json).metadata?.labels?.new).toBe("x");
  });
});

describe("server-side apply approximation", () => {
  const base = { apiVersion: "v1", kind: "Pod" };
  const container = (pod: Pod, name: string) => pod.spec?.containers.find((candidate) => candidate.name === name);

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
    );
    expect(result.spec?.containers.map((element) => element.name)).toEqual(["app", "sidecar", "extra"]);
    expect(container(result, "app")).toMatchObject({ image: "nginx:1.28", command: ["nginx"] });
  });

  it("matches ports on every list-map key (containerPort and protocol)", () => {
    const result = applyPatch(
      rich,
      {
        ...base,
        spec: {
          containers: [
            {
              name: "app",
              ports: [
                { containerPort: 80, protocol: "TCP", name: "web" },
                { containerPort: 80, protocol: "UDP" },
              ],
            },
          ],
        },
      },
      apply,
    );
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
    ["null is an omitted field", { spec: { activeDeadlineSeconds: null } }, (pod: Pod) => pod.spec?.activeDeadlineSeconds, 600],
  ] as const)("%s", (_name, config, read, expected) => {
    expect(read(applyPatch(rich, { ...base, ...config }, apply))).toEqual(expected);
  });
});
