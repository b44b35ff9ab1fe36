/**
 * Unit tests for the typed patches' run-time half (src/patches): RFC 6901 escaping and pointer
 * building as tables, pointers decoded back by an independent implementation (fast-json-patch), and
 * the JSON Patch builder's output: operations in call order, immutable builders, and a built patch
 * that fast-json-patch applies to a real Pod fixture with the intended effect.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fastJsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import {
  cceJsonPatch,
  cceJsonPatchOps,
  escapeSegment,
  jsonPatch,
  pointer,
  type Pod,
  type PointerSegment,
} from "../../src/index.js";

const { applyPatch, getValueByPointer } = fastJsonPatch;

const fixturePod = JSON.parse(
  readFileSync(join(projectRoot, "test", "fixtures", "pods", "valid", "01-nginx-deployment-running.json"), "utf8"),
) as Pod;

describe("escapeSegment", () => {
  it.each<[segment: string, escaped: string]>([
    ["app", "app"],
    ["", ""],
    ["app.kubernetes.io/name", "app.kubernetes.io~1name"],
    ["a~b", "a~0b"],
    ["~1", "~01"],
    ["~0", "~00"],
    ["/~", "~1~0"],
    ["~/", "~0~1"],
    ["a//b", "a~1~1b"],
    ["~~", "~0~0"],
  ])("%j → %j", (segment, escaped) => {
    expect(escapeSegment(segment)).toBe(escaped);
  });
});

describe("pointer", () => {
  it.each<[segments: PointerSegment[], expected: string]>([
    [[], ""],
    [["spec", "containers", 0, "image"], "/spec/containers/0/image"],
    [["spec", "containers", "-"], "/spec/containers/-"],
    [["metadata", "labels", "app.kubernetes.io/name"], "/metadata/labels/app.kubernetes.io~1name"],
    [["metadata", "annotations", "a~b/c"], "/metadata/annotations/a~0b~1c"],
    [["metadata", "labels", ""], "/metadata/labels/"],
    [["spec", "containers", 12], "/spec/containers/12"],
  ])("%j → %j", (segments, expected) => {
    expect(pointer(...segments)).toBe(expected);
  });

  it.each(["app.kubernetes.io/name", "a~b", "~1", "~01/~10", "/", "~", "plain"])(
    "an independent decoder finds the key %j again",
    (key) => {
      const document = { metadata: { labels: { [key]: "found" } } };
      expect(getValueByPointer(document, pointer("metadata", "labels", key))).toBe("found");
    },
  );
});

describe("jsonPatch builder", () => {
  it("emits the operations in call order with op, path and value", () => {
    const body = jsonPatch()
      .replace("/spec/containers/0/image", "nginx:1.27")
      .add(pointer("metadata", "labels", "app.kubernetes.io/name"), "web")
      .add("/spec/containers/-", { name: "sidecar", image: "busybox:1.36" })
      .replace("/spec/activeDeadlineSeconds", 30)
      .build();
    expect(body).toEqual([
      { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" },
      { op: "add", path: "/metadata/labels/app.kubernetes.io~1name", value: "web" },
      { op: "add", path: "/spec/containers/-", value: { name: "sidecar", image: "busybox:1.36" } },
      { op: "replace", path: "/spec/activeDeadlineSeconds", value: 30 },
    ]);
  });

  it("builds an empty patch when nothing was added", () => {
    expect(jsonPatch().build()).toEqual([]);
  });

  it("has all six RFC 6902 operations, each with its own members", () => {
    const body = jsonPatch()
      .test("/metadata/labels/app", "web")
      .remove("/metadata/labels/tier")
      .copy("/metadata/labels/app", "/metadata/labels/copied")
      .move("/metadata/labels/copied", "/metadata/labels/moved")
      .build();
    expect(body).toEqual([
      { op: "test", path: "/metadata/labels/app", value: "web" },
      { op: "remove", path: "/metadata/labels/tier" },
      { op: "copy", from: "/metadata/labels/app", path: "/metadata/labels/copied" },
      { op: "move", from: "/metadata/labels/copied", path: "/metadata/labels/moved" },
    ]);
  });

  it("cceJsonPatch() offers only the operations CCE documents (generated from x-cce-json-patch-ops)", () => {
    const cce = cceJsonPatch();
    expect([...cceJsonPatchOps]).toEqual(["add", "replace"]);
    expect(Object.keys(cce).sort()).toEqual(["add", "build", "replace"]);
    expect(cce.add("/metadata/labels/app", "web").replace("/spec/containers/0/image", "nginx:1.28").build()).toEqual([
      { op: "add", path: "/metadata/labels/app", value: "web" },
      { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28" },
    ]);
  });

  it("leaves earlier builders and built bodies unchanged", () => {
    const base = jsonPatch().add("/metadata/labels/app", "web");
    const built = base.build();
    const longer = base.replace("/spec/activeDeadlineSeconds", 30);
    built.push({ op: "add", path: "/metadata/labels/extra", value: "x" });
    expect(base.build()).toEqual([{ op: "add", path: "/metadata/labels/app", value: "web" }]);
    expect(longer.build()).toHaveLength(2);
  });

  it("builds a patch that a JSON Patch engine applies to a Pod as intended", () => {
    const body = jsonPatch()
      .replace("/spec/containers/0/image", "nginx:1.27")
      .add(pointer("metadata", "labels", "app.kubernetes.io/name"), "web")
      .add("/spec/containers/-", { name: "sidecar", image: "busybox:1.36" })
      .add("/spec/activeDeadlineSeconds", 30)
      .build();
    const pod = applyPatch(structuredClone(fixturePod), body, true, false).newDocument;
    expect(pod.spec?.containers[0]?.image).toBe("nginx:1.27");
    expect(pod.metadata?.labels?.["app.kubernetes.io/name"]).toBe("web");
    expect(pod.spec?.containers.at(-1)).toEqual({ name: "sidecar", image: "busybox:1.36" });
    expect(pod.spec?.containers).toHaveLength((fixturePod.spec?.containers.length ?? 0) + 1);
    expect(pod.spec?.activeDeadlineSeconds).toBe(30);
  });
});
