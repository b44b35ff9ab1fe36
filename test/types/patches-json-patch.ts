// Type tests for the JSON Patch builder and the pointer helper, checked by `tsc --noEmit` (never run):
// valid paths compile with the value type of their target, and each `@ts-expect-error` marks one
// mistake the path check, the value check or the op set must reject.
import { cceJsonPatch, jsonPatch, pointer, type JsonPatchBody, type JsonPatchPath, type JsonPatchValue, type Pod } from "../../src/index.js";
import type { components } from "../../generated/openapi.js";
import { assertType } from "./assert-type.js";

type Container = components["schemas"]["Container"];
type Toleration = components["schemas"]["Toleration"];

const patch = jsonPatch();

// Valid: scalars, list indices, append, maps, nested objects; the builder chains and builds a contract body.
assertType<JsonPatchBody>(
  patch
    .add("/spec/containers/0/image", "nginx:1.27")
    .replace("/spec/activeDeadlineSeconds", 30)
    .add("/metadata/labels/app", "web")
    .build(),
);
patch.add("/spec/containers/-", { name: "sidecar", image: "busybox:1.36" });
patch.add("/spec/tolerations/-", { key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" });
patch.replace("/spec/tolerations", [{ operator: "Exists" }]);
patch.replace("/spec/containers/12/env/3/value", "on");
patch.add("/spec/initContainers/0/restartPolicy", "Always");
patch.add("/spec/nodeSelector/disktype", "ssd");
patch.replace("/metadata/annotations/kubernetes.io~1change-cause", "rollout");
patch.add("/metadata/finalizers/-", "example.com/cleanup");
patch.add("/spec/securityContext", { runAsNonRoot: true, runAsUser: 1000 });
patch.replace("/status/conditions/0/lastProbeTime", null);
// All six RFC 6902 operations, as the apiserver applies them.
assertType<JsonPatchBody>(
  patch
    .test("/metadata/labels/app", "web")
    .remove("/metadata/labels/tier")
    .copy("/metadata/labels/app", "/metadata/labels/copied")
    .move("/spec/containers/1", "/spec/containers/-")
    .move("/metadata/annotations/a", "/metadata/labels/b")
    .build(),
);
// Depth 10: no "type instantiation is excessively deep", and the value is still a string.
patch.add("/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm/labelSelector/matchExpressions/0/values/0", "web");

// The value type follows the path.
assertType<number>(null as unknown as JsonPatchValue<Pod, "/spec/activeDeadlineSeconds", "replace">);
assertType<string>(null as unknown as JsonPatchValue<Pod, "/metadata/labels/app", "add">);
assertType<Container>(null as unknown as JsonPatchValue<Pod, "/spec/containers/-", "add">);
assertType<Toleration[]>(null as unknown as JsonPatchValue<Pod, "/spec/tolerations", "replace">);
assertType<"/spec/containers/0/image">(null as unknown as JsonPatchPath<Pod, "/spec/containers/0/image", "add">);

// pointer(): escaped at the type level too, so the builder checks the result and knows its value type.
const nameLabel = pointer("metadata", "labels", "app.kubernetes.io/name");
assertType<"/metadata/labels/app.kubernetes.io~1name">(nameLabel);
assertType<"/metadata/annotations/a~0b~1c">(pointer("metadata", "annotations", "a~b/c"));
assertType<"/spec/containers/0/image">(pointer("spec", "containers", 0, "image"));
patch.add(nameLabel, "web");
patch.replace(pointer("spec", "containers", 1, "image"), "nginx:1.27");
patch.add(pointer("spec", "containers", "-"), { name: "sidecar" });
// A key known only at run time still works where any key does (a map), escaped by pointer().
declare const labelKey: string;
patch.add(pointer("metadata", "labels", labelKey), "web");
// A generic patched type: any object type works, not only the Pod.
jsonPatch<{ replicas?: number; tags?: string[] }>().add("/tags/-", "blue").replace("/replicas", 3);

// Invalid.
// @ts-expect-error misspelt path segment `imagee`
patch.add("/spec/containers/0/imagee", "nginx:1.27");
// @ts-expect-error misspelt top-level segment `sepc`
patch.replace("/sepc/activeDeadlineSeconds", 30);
// @ts-expect-error activeDeadlineSeconds takes a number, not a string
patch.replace("/spec/activeDeadlineSeconds", "30");
// @ts-expect-error a label value is a string, not a number
patch.add("/metadata/labels/app", 1);
// @ts-expect-error appending to containers takes a Container, and `name` is required
patch.add("/spec/containers/-", { image: "busybox:1.36" });
// @ts-expect-error an index on a non-list: securityContext is an object
patch.add("/spec/securityContext/0/runAsUser", 1000);
// @ts-expect-error an index on a scalar: image is a string
patch.replace("/spec/containers/0/image/0", "n");
// @ts-expect-error a list index is digits without a leading zero
patch.replace("/spec/containers/01/image", "nginx:1.27");
// @ts-expect-error a key where a list index belongs
patch.replace("/spec/containers/web/image", "nginx:1.27");
// @ts-expect-error `-` (append) cannot be replaced: it names no existing element
patch.replace("/spec/containers/-", { name: "web" });
// @ts-expect-error `-` only ends a path
patch.add("/spec/containers/-/image", "nginx:1.27");
// @ts-expect-error an unescaped `/` in a label key splits it into two segments, and a label value has no members
patch.add("/metadata/labels/app.kubernetes.io/name", "web");
// @ts-expect-error a `~` must be escaped as `~0`
patch.add("/metadata/labels/a~b", "web");
// @ts-expect-error a path starts with `/`
patch.add("spec/activeDeadlineSeconds", 30);
// @ts-expect-error a path built at run time cannot be checked; pointer() keeps literal keys literal
patch.add(["", "metadata", "labels", "app"].join("/"), "web");
// @ts-expect-error a misspelt key through pointer() is still caught by the builder
patch.add(pointer("metadata", "labelz", "app.kubernetes.io/name"), "web");
// @ts-expect-error a key known only at run time cannot name a member of an object
patch.add(pointer("spec", labelKey), 30);
// @ts-expect-error `remove` of a member that does not exist on the type
patch.remove("/metadata/labelz/app");
// @ts-expect-error `-` names no element to remove
patch.remove("/spec/containers/-");
// @ts-expect-error `test` compares with a value of the member's type
patch.test("/spec/activeDeadlineSeconds", "30");
// @ts-expect-error `move` between members of different types: a Container does not fit a label value
patch.move("/spec/containers/0", "/metadata/labels/app");
// @ts-expect-error `copy` to a misspelt destination
patch.copy("/metadata/labels/app", "/metadata/labelz/app");

// The cce profile: only the operations CCE's page documents exist.
const cce = cceJsonPatch();
assertType<JsonPatchBody>(cce.add("/metadata/labels/app", "web").replace("/spec/containers/0/image", "nginx:1.27").build());
// @ts-expect-error `remove` is not in CCE's documented subset
cce.remove("/metadata/labels/app");
// @ts-expect-error `move` is not in CCE's documented subset
cce.move("/metadata/labels/b", "/metadata/labels/a");
// @ts-expect-error `test` is not in CCE's documented subset
cce.test("/metadata/labels/app", "web");
// @ts-expect-error the built body is a JSON Patch, not a merge patch
assertType<{ metadata?: unknown }>(patch.build());
