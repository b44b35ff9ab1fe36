/**
 * checkPodUpdate, one table row per rule of ValidatePodUpdate / ValidateObjectMetaUpdate: what may
 * change (images, activeDeadlineSeconds down, added tolerations, tolerationSeconds, removed scheduling
 * gates, labels, annotations, status), what may not (with field path and message), and the Status
 * updateRejection builds from the violations.
 */
import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/operation/patch-pod.js";
import { checkPodUpdate, updatableSpecFieldsMessage, updateRejection } from "../../src/engine/index.js";
import { ccePod, richPod } from "../fixtures/engine/parity-cases.js";

type Spec = NonNullable<Pod["spec"]>;

/** `base` after `edit`; the rich Pod still has scheduling gates, the CCE Pod does not. */
function updated(base: Pod, edit: (pod: Pod & { spec: Spec }) => void): Pod {
  const pod = structuredClone(base) as Pod & { spec: Spec };
  edit(pod);
  return pod;
}

const cce = ccePod as Pod;
const rich = richPod as Pod;
const app = (pod: Pod & { spec: Spec }) => pod.spec.containers[0] as Spec["containers"][number];

describe("updates the apiserver accepts", () => {
  it.each([
    [
      "labels and annotations",
      cce,
      (pod) => Object.assign(pod.metadata ?? {}, { labels: { a: "b" }, annotations: { note: "x" } }),
    ],
    ["a container image", cce, (pod) => (app(pod).image = "busybox:1.36")],
    [
      "an init container image",
      rich,
      (pod) =>
        pod.spec.initContainers?.forEach((container) => {
          container.image = "busybox:1.37";
        }),
    ],
    ["activeDeadlineSeconds set from nothing", cce, (pod) => (pod.spec.activeDeadlineSeconds = 60)],
    ["activeDeadlineSeconds lowered", rich, (pod) => (pod.spec.activeDeadlineSeconds = 300)],
    ["a toleration added", rich, (pod) => pod.spec.tolerations?.push({ key: "gpu", operator: "Exists", effect: "NoSchedule" })],
    ["tolerationSeconds changed", rich, (pod) => Object.assign(pod.spec.tolerations?.[1] ?? {}, { tolerationSeconds: 60 })],
    ["tolerations reordered", rich, (pod) => pod.spec.tolerations?.reverse()],
    ["a scheduling gate removed", rich, (pod) => pod.spec.schedulingGates?.pop()],
    ["a gated Pod gains a nodeSelector entry", rich, (pod) => Object.assign(pod.spec.nodeSelector ?? {}, { gpu: "true" })],
    [
      "terminationGracePeriodSeconds from negative to 1",
      updated(cce, (pod) => (pod.spec.terminationGracePeriodSeconds = -1)),
      (pod) => (pod.spec.terminationGracePeriodSeconds = 1),
    ],
    [
      "status, creationTimestamp and generation (reset by the apiserver)",
      cce,
      (pod) =>
        Object.assign(pod, {
          status: { phase: "Failed" },
          metadata: { ...pod.metadata, creationTimestamp: "2030-01-01T00:00:00Z", generation: 9 },
        }),
    ],
    ["an empty list or map instead of none", cce, (pod) => Object.assign(pod.spec, { tolerations: [], nodeSelector: {} })],
  ] as [string, Pod, (pod: Pod & { spec: Spec }) => void][])("%s", (_name, base, edit) => {
    expect(checkPodUpdate(base, updated(base, edit))).toEqual([]);
  });
});

describe("updates the apiserver refuses", () => {
  it.each([
    ["a container command", cce, (pod) => (app(pod).command = ["sh"]), "spec", `spec: Forbidden: ${updatableSpecFieldsMessage}`],
    [
      "a container added",
      cce,
      (pod) => pod.spec.containers.push({ name: "x", image: "x" }),
      "spec.containers",
      "spec.containers: Forbidden: pod updates may not add or remove containers",
    ],
    [
      "an init container removed",
      rich,
      (pod) => pod.spec.initContainers?.pop(),
      "spec.initContainers",
      "spec.initContainers: Forbidden: pod updates may not add or remove containers",
    ],
    [
      "an empty image",
      cce,
      (pod) => (app(pod).image = ""),
      "spec.containers[0].image",
      "spec.containers[0].image: Required value",
    ],
    [
      "an image with whitespace",
      cce,
      (pod) => (app(pod).image = " busybox"),
      "spec.containers[0].image",
      'spec.containers[0].image: Invalid value: " busybox": must not have leading or trailing whitespace',
    ],
    [
      "activeDeadlineSeconds raised",
      rich,
      (pod) => (pod.spec.activeDeadlineSeconds = 900),
      "spec.activeDeadlineSeconds",
      "spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value",
    ],
    [
      "activeDeadlineSeconds removed",
      rich,
      (pod) => delete pod.spec.activeDeadlineSeconds,
      "spec.activeDeadlineSeconds",
      "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value",
    ],
    [
      "activeDeadlineSeconds zero",
      cce,
      (pod) => (pod.spec.activeDeadlineSeconds = 0),
      "spec.activeDeadlineSeconds",
      "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
    ],
    [
      "a toleration changed",
      rich,
      (pod) => Object.assign(pod.spec.tolerations?.[0] ?? {}, { value: "web" }),
      "spec.tolerations",
      "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
    ],
    [
      "a toleration removed",
      rich,
      (pod) => pod.spec.tolerations?.shift(),
      "spec.tolerations",
      "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
    ],
    [
      "tolerationSeconds without NoExecute",
      rich,
      (pod) => pod.spec.tolerations?.push({ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }),
      "spec.tolerations[2].effect",
      "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ],
    [
      "a scheduling gate added",
      rich,
      (pod) => pod.spec.schedulingGates?.push({ name: "example.com/new" }),
      "spec.schedulingGates[2].name",
      "spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/new'",
    ],
    [
      "a gated Pod's nodeSelector entry changed",
      rich,
      (pod) => Object.assign(pod.spec.nodeSelector ?? {}, { zone: "b" }),
      "spec.nodeSelector",
      'spec.nodeSelector: Invalid value: {"disktype":"ssd","zone":"b"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)',
    ],
    [
      "a nodeSelector entry on a Pod without gates",
      cce,
      (pod) => (pod.spec.nodeSelector = { gpu: "true" }),
      "spec",
      `spec: Forbidden: ${updatableSpecFieldsMessage}`,
    ],
    [
      "terminationGracePeriodSeconds changed",
      cce,
      (pod) => (pod.spec.terminationGracePeriodSeconds = 10),
      "spec",
      `spec: Forbidden: ${updatableSpecFieldsMessage}`,
    ],
    [
      "the name",
      cce,
      (pod) => Object.assign(pod.metadata ?? {}, { name: "other" }),
      "metadata.name",
      'metadata.name: Invalid value: "other": field is immutable',
    ],
    [
      "the namespace",
      cce,
      (pod) => Object.assign(pod.metadata ?? {}, { namespace: "kube-system" }),
      "metadata.namespace",
      'metadata.namespace: Invalid value: "kube-system": field is immutable',
    ],
    [
      "a deletionTimestamp set",
      cce,
      (pod) => Object.assign(pod.metadata ?? {}, { deletionTimestamp: "2030-01-01T00:00:00Z" }),
      "metadata.deletionTimestamp",
      'metadata.deletionTimestamp: Invalid value: "2030-01-01T00:00:00Z": field is immutable',
    ],
  ] as [string, Pod, (pod: Pod & { spec: Spec }) => void, string, string][])("%s", (_name, base, edit, field, message) => {
    const violations = checkPodUpdate(base, updated(base, edit));
    expect(violations.map((violation) => [violation.field, violation.message])).toEqual([[field, message]]);
  });

  it("names the changed spec paths of the general rule", () => {
    const [violation] = checkPodUpdate(
      cce,
      updated(cce, (pod) => Object.assign(pod.spec, { hostNetwork: true, restartPolicy: "Never" })),
    );
    expect(violation?.changed).toEqual(["spec.restartPolicy", "spec.hostNetwork"]);
  });

  it("refuses new finalizers once deletion has started", () => {
    const deleting = updated(cce, (pod) =>
      Object.assign(pod.metadata ?? {}, { deletionTimestamp: "2030-01-01T00:00:00Z", finalizers: ["a"] }),
    );
    const violations = checkPodUpdate(
      deleting,
      updated(deleting, (pod) => pod.metadata?.finalizers?.push("b")),
    );
    expect(violations).toEqual([
      {
        field: "metadata.finalizers",
        reason: "FieldValueForbidden",
        message:
          'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ["b"]',
      },
    ]);
  });

  it("stops at a container count change, as the apiserver does", () => {
    const violations = checkPodUpdate(
      rich,
      updated(rich, (pod) => Object.assign(pod.spec, { containers: [], activeDeadlineSeconds: 9000 })),
    );
    // No containers at all is also the new spec's own error, reported first as the apiserver does.
    expect(violations.map((violation) => violation.field)).toEqual(["spec.containers", "spec.containers"]);
    expect(violations.map((violation) => violation.reason)).toEqual(["FieldValueRequired", "FieldValueForbidden"]);
  });
});

describe("updateRejection", () => {
  it("builds the 422 Invalid Status with one cause per violation", () => {
    const violations = checkPodUpdate(
      rich,
      updated(rich, (pod) => Object.assign(pod.spec, { activeDeadlineSeconds: 900, hostPID: true })),
    );
    const status = updateRejection(rich, violations);
    expect(status).toMatchObject({
      kind: "Status",
      status: "Failure",
      code: 422,
      reason: "Invalid",
      details: { kind: "Pod", name: "rich" },
    });
    expect(status.message).toBe(
      'Pod "rich" is invalid: spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value',
    );
    expect(status.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "spec.activeDeadlineSeconds",
        message: "Invalid value: 900: must be less than or equal to previous value",
      },
    ]);
  });

  it("joins several violations as the apiserver's aggregate does", () => {
    const violations = checkPodUpdate(
      cce,
      updated(cce, (pod) => Object.assign(pod.metadata ?? {}, { name: "x", namespace: "y" })),
    );
    expect(updateRejection(cce, violations).message).toBe(
      'Pod "hello-world" is invalid: [metadata.name: Invalid value: "x": field is immutable, metadata.namespace: Invalid value: "y": field is immutable]',
    );
  });
});
