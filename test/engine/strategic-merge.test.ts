/**
 * Strategic merge patch semantics that surprise, pinned with results recorded from kubectl v1.32
 * (`kubectl patch --local --type strategic`), so they stay tested where kubectl is absent.
 */
import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/operation/patch-pod.js";
import { applyPatch } from "../../src/engine/index.js";

const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", labels: { a: "1" }, finalizers: ["x", "y"] },
  spec: {
    nodeSelector: { k1: "v1" },
    containers: [{ name: "c", image: "i", args: ["-g", "daemon off;"], ports: [{ containerPort: 80 }] }],
  },
};

describe("strategic merge patch, as kubectl applies it", () => {
  it.each([
    [
      "new set members go first, in patch order",
      { metadata: { finalizers: ["z", "x"] } },
      (out: Pod) => out.metadata?.finalizers,
      ["z", "x", "y"],
    ],
    [
      "$setElementOrder reorders a set",
      { metadata: { "$setElementOrder/finalizers": ["y", "x"] } },
      (out: Pod) => out.metadata?.finalizers,
      ["y", "x"],
    ],
    [
      "$deleteFromPrimitiveList removes values",
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["y"] } },
      (out: Pod) => out.metadata?.finalizers,
      ["x"],
    ],
    [
      "$deleteFromPrimitiveList also works on an atomic list",
      { spec: { containers: [{ name: "c", "$deleteFromPrimitiveList/args": ["-g"] }] } },
      (out: Pod) => out.spec?.containers[0]?.args,
      ["daemon off;"],
    ],
    [
      "nodeSelector merges although the spec marks it atomic",
      { spec: { nodeSelector: { k2: "v2" } } },
      (out: Pod) => out.spec?.nodeSelector,
      { k1: "v1", k2: "v2" },
    ],
    [
      "$patch: delete in a map leaves it empty",
      { metadata: { labels: { $patch: "delete" } } },
      (out: Pod) => out.metadata?.labels,
      {},
    ],
    [
      "$patch: replace keeps nested directives verbatim",
      { metadata: { labels: { $patch: "replace", b: { $patch: "delete" } } } },
      (out: Pod) => out.metadata?.labels,
      { b: { $patch: "delete" } },
    ],
    [
      "a new map carrying $patch is dropped",
      { metadata: { annotations: { $patch: "replace", b: "2" } } },
      (out: Pod) => out.metadata?.annotations,
      undefined,
    ],
    [
      "a new list loses its $patch elements",
      { spec: { tolerations: [{ key: "a", $patch: "delete" }] } },
      (out: Pod) => out.spec?.tolerations,
      [],
    ],
    [
      "an existing atomic list is replaced verbatim",
      { spec: { containers: [{ name: "c", args: [{ $patch: "delete" }] }] } },
      (out: Pod) => out.spec?.containers[0]?.args,
      [{ $patch: "delete" }],
    ],
    [
      "$patch: replace in a merge list",
      { spec: { containers: [{ name: "c", ports: [{ $patch: "replace" }, { containerPort: 81 }] }] } },
      (out: Pod) => out.spec?.containers[0]?.ports,
      [{ containerPort: 81 }],
    ],
  ] as [string, unknown, (out: Pod) => unknown, unknown][])("%s", (_name, patch, read, expected) => {
    expect(read(applyPatch(pod, patch, "application/strategic-merge-patch+json"))).toEqual(expected);
  });
});
