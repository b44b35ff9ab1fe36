// The whole PATCH of a Pod as the apiserver carries it out, locally: the patch (applyPatch, or
// server-side apply with field ownership), decoding into the Go types and defaulting, managedFields,
// the strategy's create and update preparation, and the update rules — giving the Pod the apiserver
// would answer with, or the PatchError with its Status. kubernetes v1.35.4
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, pkg/registry/core/pod/strategy.go.
//
// Inputs: the stored Pod (undefined when there is none: only apply creates, with 201), the parsed patch,
// its media type and the PATCH options. Output: `{ pod, created, changed, warnings }` — `changed` false
// when the write is a no-op (the apiserver then keeps the stored object and its resourceVersion); with the
// `deferFieldsV1` option, `fieldsV1` too, what writes out the managedFields' fieldsV1 the Pod leaves open. The
// caller owns storage: `pod` carries the stored Pod's uid, creationTimestamp and resourceVersion
// (`identity` for a new Pod); bumping the resourceVersion of a changed Pod is the store's job.
//
// On create (apply to a missing Pod) the admission plugins a default apiserver runs add their part:
// DefaultTolerationSeconds (not-ready and unreachable tolerations, 300 s), Priority (priority 0,
// preemptionPolicy PreemptLowerPriority); status becomes Pending with its QoS class. Validation of a new
// Pod checks only what an apply most often gets wrong: at least one container, each with a name and an image.
import type { PatchMediaType, Pod } from "../operation/patch-pod.js";
import { failureStatus, invalidStatus } from "../status/status.js";
import { applyPatch, requireApplyManager } from "./apply-patch.js";
import { badRequest, PatchError } from "./errors.js";
import { withQuantityValues } from "./go-spec-diff.js";
import { FieldSet, fieldElement } from "./field-set.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json.js";
import { decodeAndDefault } from "./pod-defaults.js";
import { annotationsTooLong, podUpdateViolations, updateRejection } from "./pod-update-rules.js";
import { applyWithOwnershipDeferred, type DeferredFieldsV1, nowRfc3339, trackUpdateDeferred } from "./server-side-apply.js";
import { jsonEquals } from "./typed-value.js";

const APPLY: PatchMediaType = "application/apply-patch+yaml";
const MERGE: PatchMediaType = "application/merge-patch+json";

/** The part of a merge patch that patches the metadata (a `null` included, which deletes it). */
const metadataPatchOf = (patch: JsonObject): JsonObject =>
  Object.hasOwn(patch, "metadata") ? { metadata: patch.metadata ?? null } : {};

/** What admission writes after tracking (DefaultTolerationSeconds): it may give back what a patch changed there. */
const ADMITTED_FIELDS = FieldSet.of([["spec", "tolerations"].map(fieldElement)]);

export interface PodWriteOptions {
  namespace: string;
  name: string;
  /** `fieldManager`; when absent, the apiserver's default: the User-Agent up to its first `/` (see defaultFieldManager). */
  fieldManager?: string;
  /** Used for the default field manager. */
  userAgent?: string;
  force?: boolean;
  /** RFC 3339 time for managedFields; default now. */
  time?: string;
  /** uid and creationTimestamp of a Pod created by apply. */
  identity?: { uid: string; creationTimestamp: string };
  /**
   * Stop the write before a step, for a caller to whom every later outcome is the same — the mock, when the
   * contract already refuses the request at that step — so that work no refusal comes from is not done for
   * nothing (the spec diff of a long list, the field sets of 40,000 list elements, the defaults of a million
   * containers). The write is carried out up to the refusals that come before the step and then returned as
   * if accepted:
   * - `"validation"`: before the update rules (and a created Pod's checks) — after the patch's own refusals
   *   (404, a patch that cannot be applied), the name and namespace (400) and the resourceVersion (409). A
   *   JSON or strategic patch's result is returned as the patch left it (not decoded, defaulted or
   *   tracked in managedFields), a merge patch's as its metadata left it (a merge patch cannot fail to
   *   apply: the rest is not merged), an apply's entries have `fieldsV1: {}`.
   * - `"decoding"`: before the patched object is decoded — after the patch's own refusals only (for a merge
   *   patch, as above, only its metadata is merged; a JSON Patch's result is decoded by applyPatch itself,
   *   as applyPatchToCurrentObject decodes it, so a value of the wrong type is one of its refusals). Server-side
   *   apply builds its typed patch (what decoding refuses there) before anything else, so an apply stops
   *   at once, returning the live Pod (or, for a Pod to create, the configuration) unchanged.
   */
  stopBefore?: "decoding" | "validation";
  /**
   * Leave the `fieldsV1` of a changed Pod's managedFields to the caller: the Pod's entries hold empty
   * placeholder objects, and the result's `fieldsV1` writes them out (`fill(pod)`) or tells how many bytes of
   * JSON they add (`addedBytes(pod)`). For a caller that may still refuse the Pod on its size — the mock's
   * store, as etcd refuses a write over its limit after the apiserver's whole update path: it learns the size
   * without the field sets of 300,000 labels written out, and writes them only for a Pod it keeps.
   */
  deferFieldsV1?: boolean;
}

export interface PodWriteResult {
  pod: Pod;
  created: boolean;
  /** False when the stored Pod would not change (no new resourceVersion). */
  changed: boolean;
  /** `Warning` header texts (unknown fields under fieldValidation=Warn). */
  warnings: string[];
  /** With `deferFieldsV1`: what writes out the placeholders of `pod`'s managedFields, when it holds any. */
  fieldsV1?: DeferredFieldsV1;
}

/** The manager the apiserver records without `fieldManager`: the User-Agent up to the first "/", at most 128 bytes. */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? "").split("/")[0] ?? "";
  return Buffer.from(prefix).subarray(0, 128).toString();
}

export function notFound(name: string): PatchError {
  return new PatchError(failureStatus(404, `pods "${name}" not found`, { name, kind: "pods" }));
}

export function modifiedConflict(name: string): PatchError {
  return new PatchError(
    failureStatus(
      409,
      `Operation cannot be fulfilled on pods "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      {
        name,
        kind: "pods",
      },
    ),
  );
}

function metadataOf(pod: JsonObject): JsonObject {
  if (!isJsonObject(pod.metadata)) pod.metadata = {};
  return pod.metadata as JsonObject;
}

/** The QoS class of a Pod's containers (pkg/apis/core/helper/qos): BestEffort, Burstable or Guaranteed. */
function qosClass(spec: JsonObject): string {
  const containers = [
    ...(Array.isArray(spec.containers) ? spec.containers : []),
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
  ].filter(isJsonObject);
  let any = false;
  let guaranteed = true;
  for (const container of containers) {
    const resources = isJsonObject(container.resources) ? container.resources : {};
    const requests = isJsonObject(resources.requests) ? resources.requests : {};
    const limits = isJsonObject(resources.limits) ? resources.limits : {};
    for (const resource of ["cpu", "memory"]) {
      if (requests[resource] !== undefined || limits[resource] !== undefined) any = true;
      if (limits[resource] === undefined || (requests[resource] !== undefined && requests[resource] !== limits[resource]))
        guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** PrepareForCreate plus the default admission plugins of a create. */
function prepareCreate(pod: JsonObject, options: PodWriteOptions): void {
  const metadata = metadataOf(pod);
  metadata.name = options.name;
  metadata.namespace = options.namespace;
  metadata.uid = options.identity?.uid ?? "";
  metadata.generation = 1;
  metadata.creationTimestamp = options.identity?.creationTimestamp ?? nowRfc3339();
  const spec = pod.spec as JsonObject;
  defaultTolerationSeconds(spec);
  if (spec.priorityClassName === undefined) spec.priority = 0;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = "PreemptLowerPriority";
  const gated = Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0;
  pod.status = {
    phase: "Pending",
    ...(gated
      ? {
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              lastProbeTime: null,
              lastTransitionTime: metadata.creationTimestamp,
              reason: "SchedulingGated",
              message: "Scheduling is blocked due to non-empty scheduling gates",
            },
          ],
        }
      : {}),
    qosClass: qosClass(spec),
  };
}

/**
 * The DefaultTolerationSeconds admission plugin (create and update): tolerations of the not-ready and
 * unreachable taints for 300 s, unless the Pod already tolerates them (same key or any key, effect
 * NoExecute or any effect).
 */
function defaultTolerationSeconds(spec: JsonObject): void {
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.filter(isJsonObject) : [];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    const tolerated = tolerations.some(
      (toleration) =>
        (toleration.key === key || toleration.key === undefined || toleration.key === "") &&
        (toleration.effect === undefined || toleration.effect === "" || toleration.effect === "NoExecute"),
    );
    if (!tolerated) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/** The few create validations an apply most often fails (ValidatePodCreate has many more). */
function validateCreate(pod: JsonObject, name: string): void {
  const tooLong = annotationsTooLong(metadataOf(pod));
  if (tooLong !== undefined) {
    const { field, reason, message } = tooLong;
    throw new PatchError(invalidStatus({ kind: "Pod", name }, [{ reason, field, message: message.slice(field.length + 2) }]));
  }
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isJsonObject) : [];
  const causes =
    containers.length === 0
      ? [{ reason: "FieldValueRequired", field: "spec.containers", message: "Required value" }]
      : containers.flatMap((container, index) => [
          ...(typeof container.name === "string" && container.name !== ""
            ? []
            : [{ reason: "FieldValueRequired", field: `spec.containers[${index}].name`, message: "Required value" }]),
          ...(typeof container.image === "string" && container.image !== ""
            ? []
            : [{ reason: "FieldValueRequired", field: `spec.containers[${index}].image`, message: "Required value" }]),
        ]);
  if (causes.length > 0) throw new PatchError(invalidStatus({ kind: "Pod", name }, causes));
}

/** PrepareForUpdate: status is not written through this endpoint, generation counts spec changes. */
function prepareUpdate(pod: JsonObject, live: JsonObject): void {
  const metadata = metadataOf(pod);
  const liveMetadata = metadataOf(live);
  if (live.status === undefined) delete pod.status;
  else pod.status = cloneJson(live.status);
  // BeforeUpdate keeps what the client may not change.
  for (const key of ["creationTimestamp", "generation"]) {
    if (liveMetadata[key] === undefined) delete metadata[key];
    else metadata[key] = liveMetadata[key] as JsonValue;
  }
  if (metadata.uid === undefined && liveMetadata.uid !== undefined) metadata.uid = liveMetadata.uid;
  // apiequality.Semantic: a quantity in another spelling of the same value is no change.
  const semantic = (spec: JsonValue | undefined): JsonValue | undefined => (isJsonObject(spec) ? withQuantityValues(spec) : spec);
  if (!jsonEquals(semantic(pod.spec), semantic(live.spec)))
    metadata.generation = (typeof liveMetadata.generation === "number" ? liveMetadata.generation : 0) + 1;
}

/**
 * The patched object must still name the Pod of the URL: a namespace other than the request's is refused
 * first (rest.BeforeUpdate's EnsureObjectNamespaceMatchesRequestNamespace; none means the request's), then
 * another name (handlers/rest.go checkName) — both 400 BadRequest, before any validation.
 */
function checkNameAndNamespace(metadata: JsonObject, live: JsonObject): void {
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  if (namespace === "") metadata.namespace = live.namespace ?? "";
  else if (namespace !== live.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (name !== live.name) {
    throw badRequest(`the name of the object (${name}) does not match the name on the URL (${String(live.name ?? "")})`);
  }
}

/**
 * The refusals of an update between the patch and validation: the object must name the Pod of the URL
 * (checkNameAndNamespace; server-side apply checks its configuration's name as it reads it) and, when it states a
 * resourceVersion (a null is none: decoding drops it), the live one (409).
 */
function checkUpdateTarget(metadata: JsonObject, liveMetadata: JsonObject, mediaType: PatchMediaType, name: string): void {
  if (mediaType !== APPLY) checkNameAndNamespace(metadata, liveMetadata);
  const requestedVersion = metadata.resourceVersion ?? undefined;
  if (requestedVersion !== undefined && requestedVersion !== liveMetadata.resourceVersion) throw modifiedConflict(name);
}

/**
 * The Pod without its managedFields, for the apiserver's "nothing but timestamps changed" test. Shallow:
 * only what it changes is new, the rest is the Pod's own (it is only compared).
 */
function withoutManagedFields(pod: JsonObject): JsonObject {
  const metadata = isJsonObject(pod.metadata) ? pod.metadata : undefined;
  if (metadata === undefined || !Object.hasOwn(metadata, "managedFields")) return pod;
  const { managedFields: _managed, ...rest } = metadata;
  return { ...pod, metadata: rest };
}

/** The Pod's managedFields without their times, for the same test. */
function untimedManagedFields(pod: JsonObject): JsonValue | undefined {
  const managed = isJsonObject(pod.metadata) ? pod.metadata.managedFields : undefined;
  if (!Array.isArray(managed)) return managed;
  return managed.map((entry) => {
    if (!isJsonObject(entry)) return entry;
    const { time: _time, ...rest } = entry;
    return rest;
  });
}

/**
 * A Pod as the apiserver would hold it had it created the Pod: decoded into the Go types, defaulted, and
 * tolerating the not-ready and unreachable taints. For Pods written by hand (examples, test fixtures)
 * before they are stored, so that the first patch does not change what a real store would already have.
 */
export function asStored(pod: Pod): Pod {
  const stored = decodeAndDefault(pod).pod as JsonObject;
  if (isJsonObject(stored.spec)) defaultTolerationSeconds(stored.spec);
  const metadata = metadataOf(stored);
  if (metadata.generation === undefined) metadata.generation = 1;
  return stored as Pod;
}

/**
 * applyPatch, with the apiserver's wording for a JSON Patch that does not apply: it keeps the reason to
 * itself (a 422 with a generic message and empty details), where applyPatch names the operation. A
 * patched Pod that does not decode keeps its own 422 (with its cause on `patch`).
 */
function patchOrRefuse(live: Pod, patch: unknown, mediaType: PatchMediaType): JsonObject {
  try {
    return applyPatch(live, patch, mediaType) as JsonObject;
  } catch (error) {
    if (
      error instanceof PatchError &&
      mediaType === "application/json-patch+json" &&
      error.status.code === 422 &&
      error.status.details?.causes === undefined
    ) {
      throw new PatchError({
        ...failureStatus(422, "the server rejected our request due to an error in our request"),
        details: {},
      });
    }
    throw error;
  }
}

/** One PATCH of `live` (see the module header). Throws PatchError with the apiserver's Status. */
export function writePod(
  live: Pod | undefined,
  patch: unknown,
  mediaType: PatchMediaType,
  options: PodWriteOptions,
): PodWriteResult {
  if (mediaType === APPLY) requireApplyManager(options.fieldManager);
  const fieldManager = options.fieldManager ?? defaultFieldManager(options.userAgent);
  const time = options.time ?? nowRfc3339();
  if (live === undefined && mediaType !== APPLY) throw notFound(options.name);
  const liveObject = live === undefined ? undefined : (cloneJson(live) as JsonObject);
  // The Pod after the patch, decoded and defaulted.
  let pod: JsonObject;
  // The patched document before decoding, for the empty lists the spec diff shows (not for apply).
  let undecoded: JsonObject | undefined;
  // The managedFields' fieldsV1 are written out once validation has accepted the Pod (the rules read none).
  let deferred: DeferredFieldsV1 | undefined;
  // The Pod is known to differ from the stored one (so the no-op test below need not compare them).
  let knownChanged = false;
  const warnings: string[] = [];
  if (mediaType === APPLY) {
    if (!isJsonObject(patch))
      throw new PatchError(failureStatus(400, "error decoding YAML: the apply configuration must be an object"));
    if (options.stopBefore === "decoding")
      return { pod: (live ?? patch) as Pod, created: live === undefined, changed: false, warnings };
    const applied = applyWithOwnershipDeferred(liveObject, patch, options.name, {
      fieldManager,
      force: options.force === true,
      time,
    });
    // The applied object is this write's own: what it holds as it is (managedFields) need not be copied again.
    pod = decodeAndDefault(applied.object as Pod, true).pod as JsonObject;
    deferred = applied.fieldsV1;
  } else {
    // A merge patch of an object cannot fail to apply, and what comes before validation reads only the
    // metadata (name, namespace, resourceVersion): when the write stops before decoding or validation, only
    // the patch's metadata is merged (a million containers in the rest are not copied for nothing).
    const stopsEarly = options.stopBefore !== undefined && mediaType === MERGE && isJsonObject(patch);
    const applied = patchOrRefuse(live as Pod, stopsEarly ? metadataPatchOf(patch) : patch, mediaType);
    if (options.stopBefore === "decoding") return { pod: applied as Pod, created: false, changed: true, warnings };
    if (options.stopBefore === "validation") {
      // After the patch, only the name, the namespace and the resourceVersion can refuse an update before
      // validation (decoding, defaulting and managedFields never do): the patched document is checked as it
      // is, not decoded and defaulted for nothing (a million containers, say).
      checkUpdateTarget(metadataOf(applied), metadataOf(liveObject as JsonObject), mediaType, options.name);
      return { pod: applied as Pod, created: false, changed: true, warnings };
    }
    undecoded = applied;
    // applyPatch's result is a new document (it copies its inputs): decoding may take what it keeps as it is.
    const decoded = decodeAndDefault(applied as Pod, true);
    for (const field of decoded.unknownFields) warnings.push(`unknown field "${field}"`);
    // Tracked below, once the update rules accept it.
    pod = decoded.pod as JsonObject;
  }

  /** The result for a changed Pod: its fieldsV1 written out, or left to the caller (deferFieldsV1); not under stopBefore. */
  const changedPod = (created: boolean): PodWriteResult => {
    if (options.stopBefore !== undefined || deferred === undefined) return { pod: pod as Pod, created, changed: true, warnings };
    if (options.deferFieldsV1 === true) return { pod: pod as Pod, created, changed: true, warnings, fieldsV1: deferred };
    deferred.fill(pod);
    return { pod: pod as Pod, created, changed: true, warnings };
  };

  if (liveObject === undefined) {
    if (typeof metadataOf(pod).name !== "string" || metadataOf(pod).name === "") {
      throw new PatchError(
        failureStatus(400, `the name of the object (${options.name} based on URL) was undeterminable: name must be provided`),
      );
    }
    prepareCreate(pod, options);
    if (options.stopBefore === undefined) validateCreate(pod, options.name);
    return changedPod(true);
  }
  const liveMetadata = metadataOf(liveObject);
  checkUpdateTarget(metadataOf(pod), liveMetadata, mediaType, options.name);
  // An update's field tracking reads the Pod as decoding left it, before admission and PrepareForUpdate,
  // and never refuses it, and the update rules read no managedFields: it runs once they accept the Pod (a
  // refused write of 93,000 env vars is not compared for nothing), on the Pod kept aside here. What is
  // written after this replaces members of the Pod, its metadata and its spec, so shallow copies keep it.
  const untracked: JsonObject | undefined = mediaType === APPLY ? undefined : { ...pod, metadata: { ...metadataOf(pod) } };
  if (untracked !== undefined && isJsonObject(pod.spec)) untracked.spec = { ...pod.spec };
  metadataOf(pod).resourceVersion = liveMetadata.resourceVersion ?? "";
  // Mutating admission runs before rest.BeforeUpdate, whose PrepareForUpdate counts the generation.
  if (isJsonObject(pod.spec)) defaultTolerationSeconds(pod.spec);
  prepareUpdate(pod, liveObject);
  const violations = options.stopBefore !== undefined ? [] : podUpdateViolations(liveObject, pod, undecoded as Pod | undefined);
  if (violations.length > 0) {
    // checkPodUpdate repeats what the apiserver repeats; the message joins the distinct errors only (the
    // aggregate drops repeats), the causes keep them all.
    const seen = new Set<string>();
    const distinct = violations.filter((violation) => !seen.has(violation.message) && seen.add(violation.message) !== undefined);
    const rejection = updateRejection(pod as Pod, violations);
    throw new PatchError(
      distinct.length === violations.length
        ? rejection
        : { ...rejection, message: updateRejection(pod as Pod, distinct).message ?? "" },
    );
  }
  if (untracked !== undefined) {
    const tracked = trackUpdateDeferred(liveObject, untracked, { fieldManager, time });
    // Not decoded again: tracking added only managedFields entries, which decoding would give back as they are.
    const entries = metadataOf(tracked.object).managedFields;
    if (entries === undefined) delete metadataOf(pod).managedFields;
    else metadataOf(pod).managedFields = entries;
    deferred = tracked.fieldsV1;
    // Tracking's comparison found fields this write changed; of what was written after it, only admission's
    // tolerations can give a change back (status and the server-set metadata are not among these fields).
    knownChanged = tracked.changed !== undefined && !tracked.changed.difference(ADMITTED_FIELDS).isEmpty();
  }
  // Nothing but managedFields times changed: the apiserver keeps the stored object. The managedFields are
  // compared last, and only they need the fieldsV1 written out; a Pod known to differ is not compared (the
  // 300,000 labels of a merge patch, listed again).
  if (!knownChanged && jsonEquals(withoutManagedFields(pod), withoutManagedFields(liveObject))) {
    if (options.stopBefore === undefined) deferred?.fill(pod);
    if (jsonEquals(untimedManagedFields(pod), untimedManagedFields(liveObject)))
      return { pod: liveObject as Pod, created: false, changed: false, warnings };
  }
  return changedPod(false);
}
