// Type tests for JSON Patch bodies written as array literals in a patchPod call (CCE's own example form),
// checked by `tsc --noEmit` (never run): each path, `from` and value is checked against the Pod as jsonPatch()
// checks it; every `@ts-expect-error` marks one mistake that must not compile.
import { jsonPatch, type PatchPodRequest, type PodPatchClient } from "../../src/index.js";

declare const client: PodPatchClient;
const pod = { namespace: "default", name: "hello-world", contentType: "application/json-patch+json" } as const;

// Valid: every op, nested values, indices, append, escaped keys.
await client.patchPod({
  ...pod,
  body: [
    { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" },
    { op: "add", path: "/spec/containers/-", value: { name: "sidecar", image: "busybox:1.36", ports: [{ containerPort: 8080 }] } },
    { op: "add", path: "/metadata/labels/app.kubernetes.io~1name", value: "web" },
    { op: "replace", path: "/spec/activeDeadlineSeconds", value: 30 },
    { op: "test", path: "/metadata/labels/tier", value: "web" },
    { op: "remove", path: "/metadata/labels/old" },
    { op: "copy", from: "/metadata/labels/a", path: "/metadata/annotations/a" },
    { op: "move", from: "/spec/containers/1", path: "/spec/containers/0" },
  ],
});
// Not checkable, so accepted: a path held in a string, the builder's output, a request typed as a whole.
declare const somePath: string;
await client.patchPod({ ...pod, body: [{ op: "replace", path: somePath, value: "anything" }] });
await client.patchPod({ ...pod, body: jsonPatch().replace("/spec/containers/0/image", "nginx:1.27").build() });
declare const request: PatchPodRequest;
await client.patchPod(request);

await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error path error: no member "imagee" at /spec/containers/0 (the issue's example)
    { op: "replace", path: "/spec/containers/0/imagee", value: "x" },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" },
    // @ts-expect-error value error: activeDeadlineSeconds is a number
    { op: "replace", path: "/spec/activeDeadlineSeconds", value: "30" },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error value error: no member /spec/containers/-/imagee in the added container
    { op: "add", path: "/spec/containers/-", value: { name: "sidecar", imagee: "busybox" } },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error value error: no member /spec/containers/0/ports/0/containerPortt
    { op: "replace", path: "/spec/containers/0", value: { name: "web", ports: [{ containerPortt: 80 }] } },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error path error: "-" may only end the path of an add
    { op: "replace", path: "/spec/containers/-", value: { name: "web" } },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error path error: securityContext is not a list
    { op: "remove", path: "/spec/securityContext/0" },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error from error: no member "labelz" at /metadata
    { op: "move", from: "/metadata/labelz/a", path: "/metadata/labels/a" },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error path error: a container does not fit a label value
    { op: "copy", from: "/spec/containers/0", path: "/metadata/labels/a" },
  ],
});
await client.patchPod({
  ...pod,
  body: [
    // @ts-expect-error path error: a path starts with "/"
    { op: "add", path: "metadata/labels/a", value: "x" },
  ],
});
await client.patchPod({
  ...pod,
  // @ts-expect-error an op RFC 6902 does not have (reported against the whole body)
  body: [{ op: "bogus", path: "/metadata/labels/a", value: "x" }],
});
