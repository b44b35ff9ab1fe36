// Server-side apply with field ownership, and the `managedFields` bookkeeping of every other write, as
// the apiserver does them for a Pod: a port of k8s.io/apimachinery v0.35.4
// pkg/util/managedfields/internal (the field manager chain: skip-non-applied, cap-managers,
// build-manager-info, managed-fields-updater, strip-meta, structured merge) over the structured-merge-diff
// v6.3.0 updater (merge/update.go: Apply, Update, prune), on the typed walks of src/engine/typed-value.ts.
//
// Inputs: the live Pod (with its `metadata.managedFields`) or none, the apply configuration or the
// updated Pod, the field manager, `force`, and the time to stamp. Outputs: the Pod with the
// configuration applied and `metadata.managedFields` rewritten (entries sorted as the apiserver sorts
// them), or a PatchError carrying the apiserver's Status: 409 Conflict with one FieldManagerConflict
// cause per conflicting field, 400 for a configuration of another kind or version, a name that differs
// from the Pod's or `metadata.managedFields` set, 500 for fields the Pod model does not have and
// duplicate list-map keys (the apiserver answers those with 500 too).
//
// What happens, in the apiserver's order:
// - an object without any managedFields first gets a `before-first-apply` Update entry owning what it has;
// - the configuration is merged into the live object (list-map elements by key, sets by value, atomic
//   values replaced); the manager's Apply entry becomes exactly the fields of the configuration;
// - fields the manager applied before and omits now are removed unless another manager owns them;
// - a field another manager owns that this apply changes is a conflict (409) unless `force`, which moves
//   its ownership to the applier; a removed field leaves every other owner;
// - `status` is ignored (the Pod's reset fields), and apiVersion, kind and metadata name, namespace, uid,
//   resourceVersion, generation, creationTimestamp and managedFields are never owned;
// - at most 10 Update entries are kept, the oldest merged into `ancient-changes`.
// An Update (any other patch) takes over what it changed from other managers and adds it to its own entry;
// an object without managedFields stays without them.
// Not modelled: the `kubectl.kubernetes.io/last-applied-configuration` hand-over between client-side and
// server-side apply (lastappliedmanager.go, lastappliedupdater.go), and managers of subresources.
import { failureStatus, type StatusCause } from "../status/status.js";
import { PatchError } from "./errors.js";
import { FieldSet, type FieldPath, fieldElement, pathString } from "./field-set.js";
import { isJsonObject, member, type JsonObject, type JsonValue } from "./json.js";
import {
  type Comparison,
  compare,
  ensureNamedFieldsAreMembers,
  jsonEquals,
  listElement,
  memberType,
  merge,
  podType,
  removeItems,
  toFieldSet,
  type TypeRef,
} from "./typed-value.js";

export type ManagedFieldsOperation = "Apply" | "Update";

/** One entry of `metadata.managedFields`, members in the order the apiserver writes them. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface ApplyOptions {
  /** The `fieldManager` of the request (required for apply). */
  fieldManager: string;
  /** `force=true`: take conflicting fields over instead of answering 409. */
  force?: boolean;
  /** RFC 3339 time (seconds) stamped on changed entries; default: now. */
  time?: string;
}

export interface UpdateOptions {
  fieldManager: string;
  time?: string;
}

const API_VERSION = "v1";
const BEFORE_FIRST_APPLY = "before-first-apply";
const ANCIENT_CHANGES = "ancient-changes";
const MAX_UPDATE_MANAGERS = 10;

/** Never owned (stripmeta.go). */
const strippedPaths = FieldSet.of(
  [
    ["apiVersion"],
    ["kind"],
    ["metadata"],
    ["metadata", "name"],
    ["metadata", "namespace"],
    ["metadata", "creationTimestamp"],
    ["metadata", "selfLink"],
    ["metadata", "uid"],
    ["metadata", "clusterName"],
    ["metadata", "generation"],
    ["metadata", "managedFields"],
    ["metadata", "resourceVersion"],
  ].map((path) => path.map(fieldElement)),
);

/** The Pod's reset fields (pkg/registry/core/pod/strategy.go GetResetFields): status is never owned through this endpoint. */
const ignoredPrefix = fieldElement("status");
const withoutIgnored = (set: FieldSet): FieldSet => set.withoutPrefix(ignoredPrefix);

interface ManagerRecord {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  subresource?: string;
  set: FieldSet;
  time?: string;
}

/** BuildManagerIdentifier: appliers are one manager whatever version they applied with. */
function identifier(record: Pick<ManagerRecord, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([
    record.manager,
    record.operation,
    record.operation === "Apply" ? "" : record.apiVersion,
    record.subresource ?? "",
  ]);
}

type Managers = Map<string, ManagerRecord>;

export function nowRfc3339(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/** DecodeManagedFields: the entries of an object; undefined when they cannot be decoded (the apiserver then starts over). */
function decodeManagedFields(object: JsonObject): Managers | undefined {
  const metadata = member(object, "metadata");
  const entries = isJsonObject(metadata) ? member(metadata, "managedFields") : undefined;
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) return undefined;
  try {
    for (const entry of entries) {
      if (!isJsonObject(entry)) return undefined;
      const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = entry;
      if (typeof manager !== "string" || (operation !== "Apply" && operation !== "Update") || fieldsType !== "FieldsV1")
        return undefined;
      const record: ManagerRecord = {
        manager,
        operation,
        apiVersion: typeof apiVersion === "string" ? apiVersion : "",
        set: FieldSet.fromFieldsV1(fieldsV1 ?? {}),
        ...(typeof subresource === "string" && subresource !== "" ? { subresource } : {}),
        ...(typeof time === "string" ? { time } : {}),
      };
      managers.set(identifier(record), record);
    }
  } catch {
    return undefined;
  }
  return managers;
}

/** Seconds since the epoch of an RFC 3339 time (0 when absent), the key the apiserver sorts entries by. */
function seconds(time: string | undefined): number {
  return time === undefined ? 0 : Math.floor(Date.parse(time) / 1000);
}

/**
 * Where the `fieldsV1` of managedFields entries are still to be written out: each placeholder (an empty
 * object, kept by identity) stands for its set. See applyWithOwnershipDeferred.
 */
export class DeferredFieldsV1 {
  private readonly sets = new Map<JsonObject, FieldSet>();

  /** A placeholder for `set`'s fieldsV1. */
  placeholder(set: FieldSet): JsonObject {
    const placeholder: JsonObject = {};
    this.sets.set(placeholder, set);
    return placeholder;
  }

  /**
   * Writes out the fieldsV1 of every entry of `object.metadata.managedFields` that holds one of the
   * placeholders (the entries may be copies of the ones made, as decoding makes them: opaque values such as
   * fieldsV1 are kept as they are). Changes `object` in place.
   */
  fill(object: JsonObject): void {
    for (const [entry, set] of this.waiting(object)) entry.fieldsV1 = set.toFieldsV1();
  }

  /**
   * How many bytes fill(object) would add to `object`'s JSON (JSON.stringify, UTF-8), without writing the
   * fieldsV1 out: each placeholder's `{}` becomes its set's fieldsV1 (FieldSet.fieldsV1Bytes).
   */
  addedBytes(object: JsonObject): number {
    let bytes = 0;
    for (const [, set] of this.waiting(object)) bytes += set.fieldsV1Bytes() - 2;
    return bytes;
  }

  /** The entries of `object.metadata.managedFields` that hold one of the placeholders, with its set. */
  private waiting(object: JsonObject): [JsonObject, FieldSet][] {
    const metadata = member(object, "metadata");
    const entries = isJsonObject(metadata) ? member(metadata, "managedFields") : undefined;
    if (!Array.isArray(entries)) return [];
    const found: [JsonObject, FieldSet][] = [];
    for (const entry of entries) {
      const fields = isJsonObject(entry) ? member(entry, "fieldsV1") : undefined;
      const set = isJsonObject(fields) ? this.sets.get(fields) : undefined;
      if (set !== undefined) found.push([entry as JsonObject, set]);
    }
    return found;
  }
}

/**
 * encodeManagedFields + sortEncodedManagedFields: Apply before Update, then by time, manager, apiVersion,
 * subresource. With `deferred`, each entry's fieldsV1 is a placeholder of it.
 */
function encodeManagedFields(managers: Managers, deferred?: DeferredFieldsV1): ManagedFieldsEntry[] {
  const records = [...managers.values()].filter((record) => !record.set.isEmpty());
  records.sort(
    (p, q) =>
      compareText(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareText(p.manager, q.manager) ||
      compareText(p.apiVersion, q.apiVersion) ||
      compareText(p.subresource ?? "", q.subresource ?? ""),
  );
  return records.map((record) => ({
    manager: record.manager,
    operation: record.operation,
    apiVersion: record.apiVersion,
    ...(record.time === undefined ? {} : { time: record.time }),
    fieldsType: "FieldsV1",
    fieldsV1: deferred === undefined ? record.set.toFieldsV1() : deferred.placeholder(record.set),
    ...(record.subresource === undefined ? {} : { subresource: record.subresource }),
  }));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `object` with `managedFields` of `managers`. Shallow: the result shares everything but the top level and
 * `metadata` with `object` (these walks never change a value they are given, and copying a Pod of 100,000
 * labels at every step cost most of a patch).
 */
function withManagedFields(object: JsonObject, managers: Managers, deferred?: DeferredFieldsV1): JsonObject {
  const result = withoutManagedFields(object);
  const metadata = isJsonObject(result.metadata) ? result.metadata : {};
  const entries = encodeManagedFields(managers, deferred);
  if (entries.length > 0) metadata.managedFields = entries as unknown as JsonValue;
  result.metadata = metadata;
  return result;
}

/** `object` without `metadata.managedFields`, shallow as withManagedFields. */
function withoutManagedFields(object: JsonObject): JsonObject {
  const result: JsonObject = { ...object };
  const metadata: JsonObject = isJsonObject(object.metadata) ? { ...object.metadata } : {};
  delete metadata.managedFields;
  if (isJsonObject(object.metadata)) result.metadata = metadata;
  return result;
}

/** capmanagers.go: beyond 10 Update entries, the oldest are merged into `ancient-changes`. */
function capManagers(managers: Managers): void {
  const updates = [...managers.entries()].filter(
    ([, record]) => record.operation === "Update" && record.subresource === undefined,
  );
  if (updates.length <= MAX_UPDATE_MANAGERS) return;
  updates.sort(([, p], [, q]) => seconds(p.time) - seconds(q.time) || compareText(p.manager, q.manager));
  const ancientId = identifier({ manager: ANCIENT_CHANGES, operation: "Update", apiVersion: API_VERSION });
  let ancient = managers.get(ancientId);
  for (const [id, record] of updates) {
    if ([...managers.values()].filter((entry) => entry.operation === "Update").length <= MAX_UPDATE_MANAGERS) break;
    if (id === ancientId) continue;
    managers.delete(id);
    ancient = {
      manager: ANCIENT_CHANGES,
      operation: "Update",
      apiVersion: record.apiVersion,
      set: (ancient?.set ?? FieldSet.of()).union(record.set),
      ...(record.time === undefined ? {} : { time: record.time }),
    };
    managers.set(ancientId, ancient);
  }
}

/**
 * Updater.update: what `after` changed relative to `before` leaves its other owners — a conflict unless
 * `force`. Returns the conflicts (empty with `force`, or when there are none).
 */
function takeOwnership(
  comparison: Comparison,
  managers: Managers,
  current: string,
  force: boolean,
): Array<{ manager: ManagerRecord; path: FieldPath }> {
  const changed = withoutIgnored(comparison.modified.union(comparison.added));
  const removed = withoutIgnored(comparison.removed);
  const conflicts: Array<{ manager: ManagerRecord; path: FieldPath }> = [];
  for (const [id, record] of managers) {
    if (id === current) continue;
    for (const path of record.set.intersection(changed).sortedPaths()) conflicts.push({ manager: record, path });
  }
  if (!force && conflicts.length > 0) return conflicts;
  for (const [id, record] of managers) {
    if (id === current) continue;
    record.set = record.set.difference(changed).difference(removed);
    if (record.set.isEmpty()) managers.delete(id);
  }
  return [];
}

/** printManager of conflict.go. */
function describeManager(record: ManagerRecord): string {
  const name = `${JSON.stringify(record.manager)}${record.subresource === undefined ? "" : ` with subresource ${JSON.stringify(record.subresource)}`}`;
  return record.operation === "Update" ? `${name} using ${record.apiVersion}` : name;
}

/** NewConflictError: 409 with one FieldManagerConflict cause per field, the message grouped by manager. */
function conflictError(conflicts: Array<{ manager: ManagerRecord; path: FieldPath }>): PatchError {
  const causes: StatusCause[] = conflicts.map(({ manager, path }) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${describeManager(manager)}`,
    field: pathString(path),
  }));
  let message: string;
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(only.manager)}: ${pathString(only.path)}`;
  } else {
    const byManager = new Map<string, { record: ManagerRecord; paths: string[] }>();
    for (const { manager, path } of conflicts) {
      const id = identifier(manager);
      const group = byManager.get(id) ?? { record: manager, paths: [] };
      group.paths.push(pathString(path));
      byManager.set(id, group);
    }
    const lines = [...byManager.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .flatMap(([, { record, paths }]) => [`conflicts with ${describeManager(record)}:`, ...paths.map((path) => `- ${path}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new PatchError(failureStatus(409, message, { causes }));
}

/** Checks the configuration against the Pod model as ObjectToTyped does; the apiserver answers its findings with 500. */
function validateConfiguration(config: JsonObject, name: string): void {
  const problems: string[] = [];
  // One path, pushed and popped as the walk goes; joined only for a problem.
  const path: string[] = [];
  const walk = (value: JsonValue, type: TypeRef): void => {
    if (value === null || problems.length > 0) return;
    const where = (): string => path.join("");
    if (type.kind === "leaf") return;
    if (type.kind === "list") {
      if (!Array.isArray(value)) {
        problems.push(`${where()}: expected list, got ${JSON.stringify(value)}`);
        return;
      }
      if (type.relationship !== "atomic") {
        const seen = new Set<string>();
        for (const item of value) {
          if (type.relationship === "map" && !isJsonObject(item)) {
            problems.push(`${where()}: associative list with keys may not have non-map elements`);
            return;
          }
          const element = keyText(type, item);
          if (seen.has(element)) {
            problems.push(`${where()}: duplicate entries for key ${element}`);
            return;
          }
          seen.add(element);
        }
      }
      for (const item of value) {
        path.push(keyText(type, item));
        walk(item, type.element);
        path.pop();
      }
      return;
    }
    if (!isJsonObject(value)) {
      problems.push(`${where()}: expected map, got ${JSON.stringify(value)}`);
      return;
    }
    // Every entry of a map has the one type of its values; entries that are leaves have nothing to check
    // (listing the keys of 100,000 annotations alone costs as much as a pass over them).
    const mapValues = type.kind === "map" ? memberType(type, "") : undefined;
    if (mapValues?.kind === "leaf") return;
    for (const key of Object.keys(value)) {
      const child = value[key] as JsonValue;
      const childType = mapValues ?? memberType(type, key);
      if (childType === undefined) {
        problems.push(`${where()}.${key}: field not declared in schema`);
        return;
      }
      if (childType.kind === "leaf") continue;
      path.push(`.${key}`);
      walk(child, childType);
      path.pop();
    }
  };
  walk(config, podType);
  if (problems.length > 0) {
    const namespace =
      isJsonObject(config.metadata) && typeof config.metadata.namespace === "string" ? config.metadata.namespace : "";
    // A plain Go error, not an API status: the apiserver answers 500 with no reason.
    const { reason: _unknown, ...status } = failureStatus(
      500,
      `failed to create typed patch object (${namespace}/${name}; /v1, Kind=Pod): ${problems[0]}`,
    );
    throw new PatchError(status);
  }
}

/** `[name="web"]` for a list-map element, `[="a/b"]` for a set element, as paths print them. */
function keyText(type: Extract<TypeRef, { kind: "list" }>, item: JsonValue): string {
  return pathString([listElement(type, item)]);
}

/** The configuration's own checks (patch.go applyPatcher, structuredmerge.go Apply): kind, version, name, managedFields. */
function checkConfiguration(config: JsonObject, podName: string): void {
  if (config.apiVersion !== API_VERSION || config.kind !== "Pod") {
    const version = typeof config.apiVersion === "string" ? config.apiVersion : "";
    const slash = version.indexOf("/");
    const groupVersion = slash < 0 ? `/${version}` : `${version.slice(0, slash)}/${version.slice(slash + 1)}`;
    throw new PatchError(
      failureStatus(400, `invalid object type: ${groupVersion}, Kind=${typeof config.kind === "string" ? config.kind : ""}`),
    );
  }
  const metadata = isJsonObject(config.metadata) ? config.metadata : {};
  const name = member(metadata, "name");
  if (typeof name === "string" && name !== "" && name !== podName) {
    throw new PatchError(failureStatus(400, `the name of the object (${name}) does not match the name on the URL (${podName})`));
  }
  if (member(metadata, "managedFields") !== undefined && member(metadata, "managedFields") !== null) {
    throw new PatchError(failureStatus(400, "metadata.managedFields must be nil"));
  }
}

/**
 * Updater.Update through the managed-fields updater: the changed fields join the manager's entry. Returns
 * them (added or modified, status and the server-set metadata left out).
 */
function recordUpdate(before: JsonObject, after: JsonObject, managers: Managers, fieldManager: string, time: string): FieldSet {
  const current = "\u0000current-operation";
  const currentRecord: ManagerRecord = { manager: current, operation: "Update", apiVersion: API_VERSION, set: FieldSet.of() };
  managers.set(current, currentRecord);
  const comparison = compare(before, after, podType);
  takeOwnership(comparison, managers, current, true);
  const changed = withoutIgnored(comparison.modified.union(comparison.added)).difference(strippedPaths);
  managers.delete(current);
  if (changed.isEmpty()) return changed;
  const record: ManagerRecord = { manager: fieldManager, operation: "Update", apiVersion: API_VERSION, set: changed };
  const id = identifier(record);
  const previous = managers.get(id);
  managers.set(id, { ...record, set: changed.union(previous?.set ?? FieldSet.of()), time });
  capManagers(managers);
  return changed;
}

/**
 * The managedFields of `updated` after a write that is not an apply (JSON, merge or strategic patch, or
 * an update) by `fieldManager`: returns `updated` with its managedFields as the apiserver would store them.
 */
export function trackUpdate(live: JsonObject, updated: JsonObject, options: UpdateOptions): JsonObject {
  const { object, fieldsV1 } = trackUpdateDeferred(live, updated, options);
  fieldsV1.fill(object);
  return object;
}

/**
 * trackUpdate with the managedFields' `fieldsV1` left as placeholders, as applyWithOwnershipDeferred leaves
 * them: a write validation refuses never needs them (writing out the fields of 30,000 env vars cost a third
 * of such a refusal).
 */
export function trackUpdateDeferred(
  live: JsonObject,
  updated: JsonObject,
  options: UpdateOptions,
): {
  object: JsonObject;
  fieldsV1: DeferredFieldsV1;
  /**
   * The fields the update added or modified, as server-side apply's comparison found them (status and the
   * metadata the server sets left out); undefined when the Pod is not tracked (no comparison was made).
   */
  changed?: FieldSet;
} {
  const fieldsV1 = new DeferredFieldsV1();
  // isResetManagedFields: `managedFields: [{}]` clears them.
  const requested = isJsonObject(updated.metadata) ? member(updated.metadata, "managedFields") : undefined;
  if (
    Array.isArray(requested) &&
    requested.length === 1 &&
    isJsonObject(requested[0]) &&
    Object.keys(requested[0]).length === 0
  ) {
    return { object: withoutManagedFields(updated), fieldsV1 };
  }
  // A write that sets managedFields itself is taken at its word when they decode; otherwise the live ones stay.
  const own = decodeManagedFields(updated);
  const managers =
    own !== undefined &&
    own.size > 0 &&
    !jsonEquals(
      live.metadata && member(live.metadata as JsonObject, "managedFields"),
      member(updated.metadata as JsonObject, "managedFields"),
    )
      ? own
      : (decodeManagedFields(live) ?? new Map());
  // skipnonapplied.go: an existing object without managedFields is not tracked by updates.
  if (managers.size === 0) return { object: withoutManagedFields(updated), fieldsV1 };
  const changed = recordUpdate(
    withoutManagedFields(live),
    withoutManagedFields(updated),
    managers,
    options.fieldManager,
    options.time ?? nowRfc3339(),
  );
  return { object: withManagedFields(updated, managers, fieldsV1), fieldsV1, changed };
}

/**
 * One server-side apply of `config` by `options.fieldManager` to `live` (undefined: the Pod does not exist
 * yet, `podName` is created). Returns the Pod after the apply with its managedFields, before defaulting
 * and validation; throws PatchError (409 conflicts, 400 and 500 as the header says).
 */
export function applyWithOwnership(
  live: JsonObject | undefined,
  config: JsonObject,
  podName: string,
  options: ApplyOptions,
): JsonObject {
  const { object, fieldsV1 } = applyWithOwnershipDeferred(live, config, podName, options);
  fieldsV1.fill(object);
  return object;
}

/**
 * applyWithOwnership with the managedFields' `fieldsV1` left as placeholders, for `fieldsV1.fill` to write
 * out once they are needed: writePod validates first, and a write validation refuses never needs them
 * (writing out the 100,000 owned fields of an apply costs as much as the rest of it). The update rules
 * read no managedFields, so they see the same Pod either way.
 */
export function applyWithOwnershipDeferred(
  live: JsonObject | undefined,
  config: JsonObject,
  podName: string,
  options: ApplyOptions,
): { object: JsonObject; fieldsV1: DeferredFieldsV1 } {
  checkConfiguration(config, podName);
  validateConfiguration(config, podName);
  const time = options.time ?? nowRfc3339();
  const liveObject = live === undefined ? {} : withoutManagedFields(live);
  const managers = (live === undefined ? new Map() : decodeManagedFields(live)) ?? new Map<string, ManagerRecord>();
  if (managers.size === 0 && live !== undefined) {
    // skipnonapplied.go records an Update from an empty Pod as Go holds one: its non-omitempty members are there as nulls.
    recordUpdate(
      { metadata: { creationTimestamp: null }, spec: { containers: null }, status: {} },
      liveObject,
      managers,
      BEFORE_FIRST_APPLY,
      time,
    );
  }
  const applier: ManagerRecord = {
    manager: options.fieldManager,
    operation: "Apply",
    apiVersion: API_VERSION,
    set: FieldSet.of(),
  };
  const applierId = identifier(applier);
  const lastSet = managers.get(applierId)?.set;
  const previousTime = managers.get(applierId)?.time;

  let merged = (merge(liveObject, config, podType) ?? {}) as JsonObject;
  const configSet = withoutIgnored(toFieldSet(config, podType));
  managers.set(applierId, { ...applier, set: configSet, ...(previousTime === undefined ? {} : { time: previousTime }) });
  if (lastSet !== undefined && !lastSet.isEmpty()) merged = prune(merged, managers, lastSet);
  const conflicts = takeOwnership(compare(liveObject, merged, podType), managers, applierId, options.force === true);
  if (conflicts.length > 0) throw conflictError(conflicts);

  const record = managers.get(applierId) as ManagerRecord;
  record.set = record.set.difference(strippedPaths);
  if (record.set.isEmpty()) managers.delete(applierId);
  const changed = !jsonEquals(liveObject, merged);
  if (changed) record.time = time;
  capManagers(managers);
  const fieldsV1 = new DeferredFieldsV1();
  return { object: withManagedFields(changed ? merged : liveObject, managers, fieldsV1), fieldsV1 };
}

/** Updater.prune: fields of the manager's last apply that nobody owns any more leave the object. */
function prune(merged: JsonObject, managers: Managers, lastSet: FieldSet): JsonObject {
  // The identity fields (metadata itself among them) are never owned, so never pruned: the apiserver keeps them.
  const last = ensureNamedFieldsAreMembers(lastSet, podType).difference(strippedPaths);
  const pruned = (removeItems(merged, last, podType) ?? {}) as JsonObject;
  // addBackOwnedItems: whatever any manager (the applier's new set included) owns comes back.
  let owned = FieldSet.of();
  for (const record of managers.values()) owned = owned.union(record.set);
  const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(merged, podType), podType);
  const prunedSet = ensureNamedFieldsAreMembers(toFieldSet(pruned, podType), podType);
  const keptOwned = (removeItems(
    merged,
    mergedSet.difference(prunedSet.union(ensureNamedFieldsAreMembers(owned, podType))),
    podType,
  ) ?? {}) as JsonObject;
  // addBackDanglingItems: only what the last apply owned may go; fields nobody ever owned stay.
  const keptSet = ensureNamedFieldsAreMembers(toFieldSet(keptOwned, podType), podType);
  return (removeItems(merged, mergedSet.difference(keptSet).intersection(last), podType) ?? {}) as JsonObject;
}
