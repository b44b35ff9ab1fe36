// Type tests for the strategic merge patch body, checked by `tsc --noEmit` (never run): directives
// compile exactly where the generated merge metadata allows them, and each `@ts-expect-error` marks a
// directive, element or value the metadata-driven type must reject.
import type { PodStrategicMergePatch, StrategicMergePatch } from "../../src/index.js";
import { assertType } from "./assert-type.js";

// Valid: merge-key lists take partial elements that carry the key; `null` deletes a member.
assertType<PodStrategicMergePatch>({
  $patch: "replace",
  metadata: { labels: { app: "web", old: null }, annotations: { $patch: "replace", owner: "team-a" } },
  spec: {
    activeDeadlineSeconds: null,
    containers: [
      { name: "web", image: "nginx:1.27", env: [{ name: "MODE", value: "on" }, { name: "OLD", $patch: "delete" }] },
      { name: "sidecar", $patch: "delete" },
    ],
  },
});
// $setElementOrder beside merge-key lists (merge keys only) and beside a primitive merge list (values).
assertType<PodStrategicMergePatch>({
  metadata: { "$setElementOrder/finalizers": ["example.com/a", "example.com/b"] },
  spec: {
    "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
    containers: [{ name: "web", "$setElementOrder/ports": [{ containerPort: 8080 }], ports: [{ containerPort: 8080 }] }],
  },
});
// $deleteFromPrimitiveList beside a primitive list whose strategy is merge.
assertType<PodStrategicMergePatch>({ metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/a"] } });
// $retainKeys inside an element of a list with the retainKeys strategy (volumes), naming Volume fields.
assertType<PodStrategicMergePatch>({
  spec: { volumes: [{ name: "data", $retainKeys: ["name", "emptyDir"], emptyDir: { medium: "Memory" } }] },
});
// `{ $patch: "replace" }` as an entry replaces a merge-key list with the other entries.
assertType<PodStrategicMergePatch>({ spec: { volumes: [{ $patch: "replace" }, { name: "data", emptyDir: {} }] } });
// $patch inside a nested object; atomic lists take full elements.
assertType<PodStrategicMergePatch>({
  spec: {
    securityContext: { $patch: "replace", runAsNonRoot: true },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
  },
});
// The type is defined for every schema of the Pod closure, not only the Pod.
assertType<StrategicMergePatch<"Container">>({ name: "web", "$setElementOrder/env": [{ name: "MODE" }] });

// Invalid.
// @ts-expect-error a merge-key list element must carry its merge key (`name`)
assertType<PodStrategicMergePatch>({ spec: { containers: [{ image: "nginx:1.27" }] } });
// @ts-expect-error the contract types spec.containers as complete Containers, so a `{ $patch: "replace" }` entry without `name` is refused
assertType<PodStrategicMergePatch>({ spec: { containers: [{ $patch: "replace" }, { name: "web" }] } });
// @ts-expect-error the contract types spec.containers as complete Containers: `null` cannot delete a container's image
assertType<PodStrategicMergePatch>({ spec: { containers: [{ name: "web", image: null }] } });
// @ts-expect-error $setElementOrder beside a list without merge key (tolerations is atomic)
assertType<PodStrategicMergePatch>({ spec: { "$setElementOrder/tolerations": [{ key: "dedicated" }] } });
// @ts-expect-error $setElementOrder for a list that does not exist
assertType<PodStrategicMergePatch>({ spec: { "$setElementOrder/sidecars": [{ name: "web" }] } });
// @ts-expect-error $setElementOrder entries of a merge-key list carry only the merge key
assertType<PodStrategicMergePatch>({ spec: { "$setElementOrder/containers": [{ name: "web", image: "nginx:1.27" }] } });
// @ts-expect-error $setElementOrder of a primitive list gives the values, not objects
assertType<PodStrategicMergePatch>({ metadata: { "$setElementOrder/finalizers": [{ name: "example.com/a" }] } });
// @ts-expect-error $deleteFromPrimitiveList beside an object list (containers)
assertType<PodStrategicMergePatch>({ spec: { "$deleteFromPrimitiveList/containers": ["web"] } });
// @ts-expect-error $deleteFromPrimitiveList beside an atomic primitive list (args)
assertType<PodStrategicMergePatch>({ spec: { containers: [{ name: "web", "$deleteFromPrimitiveList/args": ["-v"] }] } });
// @ts-expect-error $retainKeys where the strategy has no retainKeys (containers)
assertType<PodStrategicMergePatch>({ spec: { containers: [{ name: "web", $retainKeys: ["image"] }] } });
// @ts-expect-error $retainKeys directly in the spec
assertType<PodStrategicMergePatch>({ spec: { $retainKeys: ["volumes"] } });
// @ts-expect-error $retainKeys names fields of the element: `mountPath` belongs to a VolumeMount, not a Volume
assertType<PodStrategicMergePatch>({ spec: { volumes: [{ name: "data", $retainKeys: ["mountPath"] }] } });
// @ts-expect-error an unknown $patch value
assertType<PodStrategicMergePatch>({ spec: { securityContext: { $patch: "remove" } } });
// @ts-expect-error a wrong enum value in a container: restartPolicy is Always, OnFailure or Never
assertType<PodStrategicMergePatch>({ spec: { containers: [{ name: "web", restartPolicy: "Sometimes" }] } });
// @ts-expect-error an atomic list takes full elements: a Toleration has no `$patch`
assertType<PodStrategicMergePatch>({ spec: { tolerations: [{ key: "dedicated", $patch: "delete" }] } });
// @ts-expect-error a JSON Patch array is not a strategic merge patch
assertType<PodStrategicMergePatch>([{ op: "add", path: "/metadata/labels/app", value: "web" }]);
// @ts-expect-error the apiserver ignores a patch's `status`, so the typed body leaves it out
assertType<PodStrategicMergePatch>({ status: { phase: "Running" } });
