// Type tests for the merge patch and apply bodies, checked by `tsc --noEmit` (never run): a merge patch
// is a deep-partial Pod where `null` deletes and lists are whole; an apply body names the Pod. Each
// `@ts-expect-error` marks one mistake the derived types must reject.
import { jsonPatch, type MergePatch, type Pod, type PodApplyPatch, type PodMergePatch } from "../../src/index.js";
import { assertType } from "./assert-type.js";

// Valid merge patches: partial objects at any depth, `null` deletes, lists given whole with complete elements.
assertType<PodMergePatch>({ metadata: { labels: { app: "web", old: null }, annotations: { "kubernetes.io/change-cause": null } } });
assertType<PodMergePatch>({ apiVersion: "v1", kind: "Pod", spec: { activeDeadlineSeconds: null, securityContext: { runAsUser: 1000 } } });
assertType<PodMergePatch>({ spec: { containers: [{ name: "web", image: "nginx:1.27" }], tolerations: [{ operator: "Exists" }] } });
assertType<PodMergePatch>({ spec: { affinity: { nodeAffinity: null } } });
// The generic type works for any generated type; on the whole Pod it also reaches `status`.
assertType<MergePatch<Pod>>({ status: { phase: "Running" } });

// Invalid merge patches.
// @ts-expect-error a list is replaced whole, so its elements are complete: a Container needs `name`
assertType<PodMergePatch>({ spec: { containers: [{ image: "nginx:1.27" }] } });
// @ts-expect-error a wrong enum value: restartPolicy is Always, OnFailure or Never (or empty)
assertType<PodMergePatch>({ spec: { restartPolicy: "Sometimes" } });
// @ts-expect-error merge patches carry no strategic directives
assertType<PodMergePatch>({ spec: { "$setElementOrder/containers": [{ name: "web" }] } });
// @ts-expect-error `null` inside a list element is a value, not a delete: image is a string
assertType<PodMergePatch>({ spec: { containers: [{ name: "web", image: null }] } });
// @ts-expect-error the contract keeps labels an object: `null` removes one label, not the whole map
assertType<PodMergePatch>({ metadata: { labels: null } });
// @ts-expect-error the contract types containers as a list: `null` cannot delete it
assertType<PodMergePatch>({ spec: { containers: null } });
// @ts-expect-error a JSON Patch array is not a merge patch
assertType<PodMergePatch>(jsonPatch().build());
// @ts-expect-error apiVersion of a Pod merge patch is `v1` when present
assertType<PodMergePatch>({ apiVersion: "apps/v1" });
// @ts-expect-error a misspelt field deep in the spec
assertType<PodMergePatch>({ spec: { securityContext: { runAsUsr: 1000 } } });

// Valid apply bodies: the Pod named, list-map elements with their keys, nested partial objects.
assertType<PodApplyPatch>({ apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", labels: { app: "web" } } });
assertType<PodApplyPatch>({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "hello-world" },
  spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 8080 }] }] },
});

// Invalid apply bodies.
// @ts-expect-error apply without `metadata.name`
assertType<PodApplyPatch>({ apiVersion: "v1", kind: "Pod", metadata: { labels: { app: "web" } } });
// @ts-expect-error apply without `kind`
assertType<PodApplyPatch>({ apiVersion: "v1", metadata: { name: "hello-world" } });
// @ts-expect-error apply with another kind
assertType<PodApplyPatch>({ apiVersion: "v1", kind: "Deployment", metadata: { name: "hello-world" } });
// @ts-expect-error an element of a list-map list carries its list-map key: a container needs `name`
assertType<PodApplyPatch>({ apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" }, spec: { containers: [{ image: "nginx:1.27" }] } });
// @ts-expect-error apply bodies state intent; `null` is not a delete there
assertType<PodApplyPatch>({ apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" }, spec: { activeDeadlineSeconds: null } });
