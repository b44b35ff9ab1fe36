// The apiserver's validation of an updated Pod (kubernetes v1.35.4 pkg/apis/core/validation
// ValidatePodUpdate, with ValidateObjectMetaUpdate and the part of validatePodMetadataAndSpec the update
// rules meet again), on the stored Pod and the updated one as the server prepared it (pod-write.ts).
// Inputs: two Pods. Output: the violations, each with the field path and the field error the apiserver
// prints (`spec: Forbidden: pod updates may not change fields other than ...` and the diff of the
// internal specs that follows it, src/engine/go-spec-diff.ts), in the server's order;
// empty when the update would be accepted. updateRejection() turns them into the 422 Invalid Status.
//
// Modelled, in this order: metadata (twice, as rest.BeforeUpdate and ValidatePodUpdate both check it) —
// name, namespace and uid are immutable, deletionTimestamp and
// deletionGracePeriodSeconds cannot be set by an update, no finalizers may be added once deletion has
// started; then of the whole-object validation the checks an update reaches through the fields it may
// change — a container or init container without an image, activeDeadlineSeconds outside 1..2147483647,
// a toleration with tolerationSeconds but not NoExecute, an image with surrounding whitespace; then the
// update rules — containers/initContainers may only change images (same count, non-empty, no surrounding
// whitespace, reported again as the server does); activeDeadlineSeconds may be set or lowered, never
// raised or removed; tolerations may be added, existing ones may change only tolerationSeconds (then
// validated again); schedulingGates may only be removed; terminationGracePeriodSeconds may go from a
// negative value to 1; a Pod that still has scheduling gates may gain nodeSelector entries; every other
// spec change is forbidden.
// Not modelled (documented divergences, docs/ground-truth.md): the rest of the whole-object validation
// (label syntax, references between volumes and mounts, required fields …), node-affinity changes on
// gated Pods (reported as a spec change).
import type { Pod } from "../operation/patch-pod.js";
import { invalidStatus, type Status } from "../status/status.js";
import { goSpecDiff, withEmptyCollections, withQuantityValues } from "./go-spec-diff.js";
import {
  cloneJson,
  foldJson,
  isJsonObject,
  isPlainJson,
  jsonText,
  member,
  type JsonObject,
  type JsonValue,
  setMember,
  utf8Length,
} from "./json.js";

export interface PodUpdateViolation {
  /** Field path, e.g. `spec` or `spec.containers[0].image`. */
  field: string;
  reason: "FieldValueForbidden" | "FieldValueInvalid" | "FieldValueRequired" | "FieldValueTooLong";
  /** The field error as the apiserver prints it: `<field>: <Type>: <detail>`. */
  message: string;
  /** For the general spec rule: the spec paths that changed outside the updatable fields. */
  changed?: string[];
}

export const updatableSpecFieldsMessage =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," +
  "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

const maxInt32 = 2147483647;

function forbidden(field: string, detail: string): PodUpdateViolation {
  return { field, reason: "FieldValueForbidden", message: `${field}: Forbidden: ${detail}` };
}

function invalid(field: string, value: JsonValue | undefined, detail: string): PodUpdateViolation {
  return { field, reason: "FieldValueInvalid", message: `${field}: Invalid value: ${jsonText(value ?? null)}: ${detail}` };
}

function required(field: string): PodUpdateViolation {
  return { field, reason: "FieldValueRequired", message: `${field}: Required value` };
}

function objectOf(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

function listOf(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/** The value with nulls, empty lists and empty objects removed, as Go's semantic equality sees zero values. */
function normalized(value: JsonValue | undefined): JsonValue | undefined {
  return foldJson<JsonValue | undefined>(value, {
    leaf: (scalar) => scalar ?? undefined,
    array: (children) => (children.length === 0 ? undefined : children.map((child) => child ?? null)),
    object: (keys, results) => {
      const out: JsonObject = {};
      let kept = 0;
      keys.forEach((key, index) => {
        const result = results[index];
        if (result === undefined) return;
        setMember(out, key, result);
        kept += 1;
      });
      return kept === 0 ? undefined : out;
    },
  });
}

/**
 * Whether a value normalizes to nothing (normalized gives undefined): null, an empty list, an object whose
 * members all do. Objects' answers are kept in `known`, so that a walk asking about an object and then
 * about each of its members reads each object once however deeply they nest (a walk with its own stack).
 */
function normalizesAway(value: JsonValue | undefined, known: Map<JsonObject, boolean>): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (!isJsonObject(value)) return false;
  const cached = known.get(value);
  if (cached !== undefined) return cached;
  const stack: { object: JsonObject; keys: string[]; index: number }[] = [{ object: value, keys: Object.keys(value), index: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    if (frame.index === frame.keys.length) {
      // Every member normalizes away.
      known.set(frame.object, true);
      stack.pop();
      continue;
    }
    const child = frame.object[frame.keys[frame.index++] as string];
    const childAnswer =
      child === undefined || child === null
        ? true
        : Array.isArray(child)
          ? child.length === 0
          : isJsonObject(child)
            ? known.get(child)
            : false;
    if (childAnswer === undefined) stack.push({ object: child as JsonObject, keys: Object.keys(child as JsonObject), index: 0 });
    else if (!childAnswer) {
      // A member that stays: so does every object on the way to it.
      for (const open of stack) known.set(open.object, false);
      return false;
    }
  }
  return known.get(value) as boolean;
}

/**
 * Paths under `path` where the normalized values (see normalized) differ, depth first in key order (a walk
 * with its own stack). Normalized as the walk goes: only the members it compares are looked at, and no
 * normalized copy is made (of 90,000 env vars, say, which it compares only as a list).
 */
function differences(before: JsonValue | undefined, after: JsonValue | undefined, path: string): string[] {
  const known = new Map<JsonObject, boolean>();
  /** The normalized value, as far as the walk needs it: undefined (null in a list) for one that normalizes away. */
  const kept = (value: JsonValue | undefined, away: undefined | null): JsonValue | undefined =>
    normalizesAway(value, known) ? away : value;
  const changed: string[] = [];
  const pending: [JsonValue | undefined, JsonValue | undefined, string][] = [
    [kept(before, undefined), kept(after, undefined), path],
  ];
  while (pending.length > 0) {
    const [left, right, at] = pending.pop() as [JsonValue | undefined, JsonValue | undefined, string];
    const children: [JsonValue | undefined, JsonValue | undefined, string][] = [];
    if (isJsonObject(left) && isJsonObject(right)) {
      const keys = new Set<string>();
      for (const key of Object.keys(left)) if (!normalizesAway(left[key], known)) keys.add(key);
      for (const key of Object.keys(right)) if (!normalizesAway(right[key], known)) keys.add(key);
      for (const key of keys) {
        children.push([kept(member(left, key), undefined), kept(member(right, key), undefined), `${at}.${key}`]);
      }
    } else if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
      for (let index = 0; index < left.length; index++) {
        children.push([kept(left[index], null), kept(right[index], null), `${at}[${index}]`]);
      }
    } else {
      // Containers that got here differ in kind or length (no need to write out 30,000 env vars to see it);
      // scalars are compared as JSON writes them.
      const isContainer = (value: JsonValue | undefined) => typeof value === "object" && value !== null;
      if (isContainer(left) || isContainer(right) || (left !== right && canonical(left) !== canonical(right))) changed.push(at);
      continue;
    }
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index] as (typeof children)[number]);
  }
  return changed;
}

/** The apiserver's limit on all annotations of an object together (TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * ValidateAnnotations' size rule (kubernetes v1.35.4 staging/src/k8s.io/apimachinery/pkg/api/validation/
 * objectmeta.go): keys and values together at most 256 KiB, counted in bytes. It also keeps what a store
 * of Pods holds bounded.
 */
export function annotationsTooLong(metadata: JsonObject): PodUpdateViolation | undefined {
  const annotations = objectOf(member(metadata, "annotations"));
  let size = 0;
  // Counted until the limit is passed: beyond it, how far does not matter.
  for (const key of Object.keys(annotations)) {
    size += utf8Length(key) + utf8Length(String(annotations[key]));
    if (size > MAX_ANNOTATIONS_BYTES) break;
  }
  if (size <= MAX_ANNOTATIONS_BYTES) return undefined;
  const field = "metadata.annotations";
  return {
    field,
    reason: "FieldValueTooLong",
    message: `${field}: Too long: may not be more than ${MAX_ANNOTATIONS_BYTES} bytes`,
  };
}

function metadataViolations(before: JsonObject, after: JsonObject): PodUpdateViolation[] {
  // ValidateObjectMetaUpdate validates the new metadata first, then what may not change.
  const tooLong = annotationsTooLong(after);
  const violations: PodUpdateViolation[] = tooLong === undefined ? [] : [tooLong];
  for (const key of ["name", "namespace", "uid", "deletionGracePeriodSeconds"]) {
    const now = member(after, key);
    const unsetUid = key === "uid" && now === undefined;
    if (!unsetUid && canonical(now) !== canonical(member(before, key))) {
      violations.push(invalid(`metadata.${key}`, now, "field is immutable"));
    }
  }
  if (member(before, "deletionTimestamp") === undefined && member(after, "deletionTimestamp") !== undefined) {
    violations.push(invalid("metadata.deletionTimestamp", member(after, "deletionTimestamp"), "field is immutable"));
  }
  if (member(before, "deletionTimestamp") !== undefined) {
    const old = new Set(listOf(member(before, "finalizers")));
    const added = listOf(member(after, "finalizers")).filter((finalizer) => !old.has(finalizer));
    if (added.length > 0) {
      violations.push(
        forbidden(
          "metadata.finalizers",
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((name) => JSON.stringify(name)).join(", ")}}`,
        ),
      );
    }
  }
  return violations;
}

/** ValidateContainerUpdates; `stop` when the count changed, as upstream returns at once. */
function containerViolations(
  before: JsonValue[],
  after: JsonValue[],
  field: string,
): { violations: PodUpdateViolation[]; stop: boolean } {
  if (before.length !== after.length)
    return { violations: [forbidden(field, "pod updates may not add or remove containers")], stop: true };
  const violations = after.flatMap((container, index) => {
    const image = member(objectOf(container), "image");
    const imageField = `${field}[${index}].image`;
    if (typeof image !== "string" || image === "") return [required(imageField)];
    return image.trim() === image ? [] : [invalid(imageField, image, "must not have leading or trailing whitespace")];
  });
  return { violations, stop: false };
}

/** activeDeadlineSeconds: set from nil, or lowered; `stop` where upstream returns at once. */
function deadlineViolations(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): { violations: PodUpdateViolation[]; stop: boolean } {
  const field = "spec.activeDeadlineSeconds";
  if (after === undefined || after === null) {
    const removed = before !== undefined && before !== null;
    return {
      violations: removed ? [invalid(field, null, "must not update from a positive integer to nil value")] : [],
      stop: false,
    };
  }
  // The update rule allows 0 (the whole-object validation before it does not: specValidation).
  if (typeof after !== "number" || after < 0 || after > maxInt32) {
    return { violations: [invalid(field, after, `must be between 0 and ${maxInt32}, inclusive`)], stop: true };
  }
  if (typeof before === "number" && before < after) {
    return { violations: [invalid(field, after, "must be less than or equal to previous value")], stop: true };
  }
  return { violations: [], stop: false };
}

/** Of the whole-object validation (validatePodMetadataAndSpec), the checks the update rules meet again. */
function specValidation(spec: JsonObject): PodUpdateViolation[] {
  const violations: PodUpdateViolation[] = [];
  if (listOf(member(spec, "containers")).length === 0) violations.push(required("spec.containers"));
  for (const list of ["containers", "initContainers", "ephemeralContainers"]) {
    listOf(member(spec, list)).forEach((container, index) => {
      const image = member(objectOf(container), "image");
      if (typeof image !== "string" || image === "") violations.push(required(`spec.${list}[${index}].image`));
    });
  }
  const deadline = member(spec, "activeDeadlineSeconds");
  if (typeof deadline === "number" && (deadline < 1 || deadline > maxInt32)) {
    violations.push(invalid("spec.activeDeadlineSeconds", deadline, `must be between 1 and ${maxInt32}, inclusive`));
  }
  violations.push(...tolerationValidation(listOf(member(spec, "tolerations"))));
  for (const list of ["containers", "initContainers"]) {
    listOf(member(spec, list)).forEach((container, index) => {
      const image = member(objectOf(container), "image");
      if (typeof image === "string" && image.trim() !== image) {
        violations.push(invalid(`spec.${list}[${index}].image`, image, "must not have leading or trailing whitespace"));
      }
    });
  }
  return violations;
}

/** ValidateTolerations' rule on tolerationSeconds (the one check of it an update can reach alone). */
function tolerationValidation(tolerations: JsonValue[]): PodUpdateViolation[] {
  return tolerations.flatMap((toleration, index) => {
    const { tolerationSeconds, effect } = objectOf(toleration);
    return tolerationSeconds !== undefined && tolerationSeconds !== null && effect !== "NoExecute"
      ? [invalid(`spec.tolerations[${index}].effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")]
      : [];
  });
}

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: JsonValue | undefined): string {
  // A scalar's text directly: the update rules compare every leaf of two Pods this way.
  if (typeof value !== "object" || value === null)
    return typeof value === "number" && !Number.isFinite(value) ? "null" : JSON.stringify(value ?? null);
  return jsonText(value, { sortKeys: true });
}

function withoutSeconds(toleration: JsonValue): string {
  const { tolerationSeconds: _ignored, ...rest } = objectOf(toleration);
  return canonical(normalized(rest));
}

/** validateOnlyAddedTolerations, then ValidateTolerations again (as upstream does). */
function tolerationViolations(before: JsonValue[], after: JsonValue[]): PodUpdateViolation[] {
  const remaining = new Set(after.map(withoutSeconds));
  if (!before.every((toleration) => remaining.has(withoutSeconds(toleration)))) {
    return [forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")];
  }
  return tolerationValidation(after);
}

/** validateOnlyDeletedSchedulingGates. */
function schedulingGateViolations(before: JsonValue[], after: JsonValue[]): PodUpdateViolation[] {
  const old = new Set(before.map((gate) => member(objectOf(gate), "name")));
  return after.flatMap((gate, index) => {
    const name = member(objectOf(gate), "name");
    return old.has(name)
      ? []
      : [
          forbidden(
            `spec.schedulingGates[${index}].name`,
            `only deletion is allowed, but found new scheduling gate '${String(name ?? "")}'`,
          ),
        ];
  });
}

/** The new spec with every updatable field taken from the old one, for the final equality check. */
function mungedSpec(before: JsonObject, after: JsonObject, violations: PodUpdateViolation[]): JsonObject {
  // Shallow: only top-level members of the spec are replaced or removed below.
  const munged: JsonObject = { ...after };
  for (const list of ["containers", "initContainers"]) {
    const oldContainers = listOf(member(before, list));
    // Upstream appends to a nil slice: no containers stay nil (`null` in the diff), even from an empty list.
    if (listOf(member(munged, list)).length === 0) {
      delete munged[list];
      continue;
    }
    munged[list] = listOf(member(munged, list)).map((container, index) => {
      const image = member(objectOf(oldContainers[index]), "image");
      const copy = { ...objectOf(container) };
      if (image === undefined) delete copy.image;
      else copy.image = image;
      return copy;
    });
  }
  for (const field of ["activeDeadlineSeconds", "tolerations", "schedulingGates"]) {
    const old = member(before, field);
    if (old === undefined) delete munged[field];
    else munged[field] = old;
  }
  const oldGrace = member(before, "terminationGracePeriodSeconds");
  if (typeof oldGrace === "number" && oldGrace < 0 && member(munged, "terminationGracePeriodSeconds") === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (listOf(member(before, "schedulingGates")).length > 0) {
    const oldSelector = objectOf(member(before, "nodeSelector"));
    const newSelector = objectOf(member(munged, "nodeSelector"));
    if (Object.entries(oldSelector).some(([key, value]) => member(newSelector, key) !== value)) {
      violations.push(
        invalid("spec.nodeSelector", newSelector, "only additions to spec.nodeSelector are allowed (no mutations or deletions)"),
      );
    }
    if (member(before, "nodeSelector") === undefined) delete munged.nodeSelector;
    else munged.nodeSelector = oldSelector;
  }
  return munged;
}

function specViolations(before: JsonObject, after: JsonObject, patched: JsonObject | undefined): PodUpdateViolation[] {
  // Appended one by one: a Pod can have more containers or tolerations than push(...list) takes arguments.
  const violations: PodUpdateViolation[] = [];
  const add = (found: PodUpdateViolation[]): void => {
    for (const violation of found) violations.push(violation);
  };
  for (const list of ["containers", "initContainers"]) {
    const checked = containerViolations(listOf(member(before, list)), listOf(member(after, list)), `spec.${list}`);
    add(checked.violations);
    if (checked.stop) return violations;
  }
  const deadline = deadlineViolations(member(before, "activeDeadlineSeconds"), member(after, "activeDeadlineSeconds"));
  add(deadline.violations);
  if (deadline.stop) return violations;
  add(tolerationViolations(listOf(member(before, "tolerations")), listOf(member(after, "tolerations"))));
  add(schedulingGateViolations(listOf(member(before, "schedulingGates")), listOf(member(after, "schedulingGates"))));

  const munged = mungedSpec(before, after, violations);
  // Compared as apiequality.Semantic compares: quantities by value.
  const changed = differences(withQuantityValues(before), withQuantityValues(munged), "spec");
  if (changed.length > 0) {
    // The diff shows the lists and maps the patch left empty: munged again from the undecoded spec (only
    // here, so that no other update walks it), its violations already counted above.
    const shown = patched === undefined ? munged : mungedSpec(before, withEmptyCollections(after, patched), []);
    violations.push({ ...forbidden("spec", `${updatableSpecFieldsMessage}\n${goSpecDiff(before, shown)}`), changed });
  }
  return violations;
}

/**
 * What the apiserver would refuse when `before` is updated to `after`, in the order it reports them;
 * empty when it would accept. writePod (pod-write.ts) passes `after` as the server prepares it (decoded,
 * defaulted, admitted, server-owned fields restored); given a raw patched document, fields the server
 * would default or drop count as changes. `patched`, the patched document before decoding, tells the
 * spec diff which lists and maps the patch left empty (Go keeps those non-nil: `[]` where a nil one is `null`).
 */
export function checkPodUpdate(beforePod: Pod, afterPod: Pod, patched?: Pod): PodUpdateViolation[] {
  // Read as JSON holds them; copied only when they hold what JSON cannot (a copy of a Pod of 100,000
  // annotations costs more than all the checks).
  const before = (isPlainJson(beforePod) ? beforePod : cloneJson(beforePod)) as JsonObject;
  const after = (isPlainJson(afterPod) ? afterPod : cloneJson(afterPod)) as JsonObject;
  return podUpdateViolations(before, after, patched);
}

/** checkPodUpdate of two Pods that hold only what JSON can (writePod's, decoded by decodePod). */
export function podUpdateViolations(before: JsonObject, after: JsonObject, patched?: Pod): PodUpdateViolation[] {
  const oldSpec = objectOf(before.spec);
  const newSpec = objectOf(after.spec);
  // The metadata rules run twice: in rest.BeforeUpdate's validateCommonFields and in ValidatePodUpdate.
  const metadata = metadataViolations(objectOf(before.metadata), objectOf(after.metadata));
  return [
    ...metadata,
    ...metadata,
    ...specValidation(newSpec),
    ...specViolations(oldSpec, newSpec, isJsonObject(patched?.spec) ? patched.spec : undefined),
  ];
}

/** The 422 Invalid Status the apiserver answers with for these violations. */
export function updateRejection(pod: Pod, violations: PodUpdateViolation[]): Status {
  // Each violation's message is `<field>: <detail>`; the cause keeps the detail, as the apiserver's does.
  const causes = violations.map(({ field, reason, message }) => ({ reason, field, message: message.slice(field.length + 2) }));
  return invalidStatus({ kind: "Pod", name: pod.metadata?.name ?? "" }, causes);
}
