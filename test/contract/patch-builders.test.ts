/**
 * Contract tests for the typed patches: every kind of typed body (JSON Patch from the builder and the
 * pointer helper, merge patch, strategic merge patch with each directive, apply) goes through the
 * client to the real mock (shared by the contract files, test/support/shared-mock.ts) for its media type and is accepted (200, no `sl-violations`). As a control,
 * bodies the types refuse are refused by the mock too (422), so the acceptance above means something.
 */
import { describe, expect, inject, it } from "vitest";
import {
  createPodPatchClient,
  jsonPatch,
  pointer,
  type PatchPodRequest,
  type PodApplyPatch,
  type PodMergePatch,
  type PodStrategicMergePatch,
} from "../../src/index.js";

const namespace = "default";
const name = "hello-world";

const mockUrl = inject("mockUrl");

function patchPod(request: PatchPodRequest) {
  // These check that the contract accepts what the typed builders produce (and refuses what the types
  // refuse): the forced example answer keeps Prism alone in charge, and the shared mock's store out of it.
  return createPodPatchClient({
    baseUrl: mockUrl,
    credentials: { xAuthToken: "patch-builders-test" },
    headers: { Prefer: "code=200" },
  }).patchPod(request);
}

const jsonPatchBody = jsonPatch()
  .replace("/spec/containers/0/image", "nginx:1.27")
  .add(pointer("metadata", "labels", "app.kubernetes.io/name"), "web")
  .add(pointer("metadata", "annotations", "example.com/a~b"), "tilde")
  .add("/spec/containers/-", { name: "sidecar", image: "busybox:1.36", env: [{ name: "MODE", value: "on" }] })
  .add("/spec/tolerations/-", { key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" })
  .replace("/spec/activeDeadlineSeconds", 600)
  .add(
    "/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm/labelSelector/matchExpressions/0/values/0",
    "web",
  )
  .build();

const mergeBody: PodMergePatch = {
  metadata: { labels: { release: "canary", tier: null }, annotations: { "kubernetes.io/change-cause": null } },
  spec: {
    activeDeadlineSeconds: null,
    containers: [{ name: "web", image: "nginx:1.27" }],
    securityContext: { runAsNonRoot: true },
  },
};

const strategicBody: PodStrategicMergePatch = {
  metadata: {
    labels: { release: "canary", tier: null },
    annotations: { $patch: "replace", owner: "team-a" },
    "$deleteFromPrimitiveList/finalizers": ["example.com/old"],
    "$setElementOrder/finalizers": ["example.com/keep"],
  },
  spec: {
    "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
    containers: [
      {
        name: "web",
        image: "nginx:1.27",
        "$setElementOrder/env": [{ name: "MODE" }],
        env: [
          { name: "MODE", value: "on" },
          { name: "OLD", $patch: "delete" },
        ],
      },
      { name: "sidecar", $patch: "delete" },
    ],
    volumes: [{ $patch: "replace" }, { name: "data", $retainKeys: ["name", "emptyDir"], emptyDir: { medium: "Memory" } }],
    securityContext: { $patch: "replace", runAsNonRoot: true },
  },
};

const applyBody: PodApplyPatch = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { "app.kubernetes.io/name": "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 8080 }] }] },
};

const typedRequests: [kind: string, request: PatchPodRequest][] = [
  ["JSON Patch from the builder", { namespace, name, contentType: "application/json-patch+json", body: jsonPatchBody }],
  ["merge patch", { namespace, name, contentType: "application/merge-patch+json", body: mergeBody }],
  [
    "strategic merge patch with directives",
    { namespace, name, contentType: "application/strategic-merge-patch+json", body: strategicBody },
  ],
  [
    "apply patch",
    { namespace, name, contentType: "application/apply-patch+yaml", body: applyBody, query: { fieldManager: "patch-builders" } },
  ],
];

/** Bodies the typed patches refuse, with the mock's (and the apiserver's) code; the casts stand for a caller who went around the types. */
const refusedRequests: [kind: string, request: PatchPodRequest, code: number][] = [
  [
    "JSON Patch `move` without `from`",
    {
      namespace,
      name,
      contentType: "application/json-patch+json",
      body: [{ op: "move", path: "/metadata/labels/app" }] as never,
    },
    422,
  ],
  [
    "merge patch deleting all labels",
    { namespace, name, contentType: "application/merge-patch+json", body: { metadata: { labels: null } } as never },
    422,
  ],
  [
    "strategic `$patch: replace` entry in containers",
    {
      namespace,
      name,
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { containers: [{ $patch: "replace" }] } } as never,
    },
    422,
  ],
  [
    "apply without `kind`",
    {
      namespace,
      name,
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", metadata: { name } } as never,
      query: { fieldManager: "patch-builders" },
    },
    400,
  ],
];

describe("typed patches against the mock", () => {
  it.each(typedRequests)("accepts the %s", async (_kind, request) => {
    const result = await patchPod(request);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.response.headers.get("sl-violations")).toBeNull();
  });

  it.each(refusedRequests)("refuses a %s, as the types do", async (_kind, request, code) => {
    const result = await patchPod(request);
    expect(result.status).toBe(code);
    expect(result.error).toMatchObject({ kind: "Status", reason: code === 422 ? "Invalid" : "BadRequest" });
  });
});
