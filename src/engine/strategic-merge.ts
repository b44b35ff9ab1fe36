// Kubernetes strategic merge patch, applied to a Pod the way the apiserver and `kubectl patch` do
// (a port of the apply half of k8s.io/apimachinery v0.35.4 pkg/util/strategicpatch/patch.go), with every
// strategy, merge key and list shape read from generated/merge-metadata.ts.
//
// Inputs: the Pod and the patch as parsed JSON objects. Output: the patched Pod, built in the
// copies the caller passes (patch.ts copies its inputs first). Throws PatchError with the Status the
// apiserver answers (kubernetes v1.35.4 handlers/patch.go interpretStrategicMergePatchError: 400 for a
// malformed directive, 422 for a list of lists, 500 with the library's Go-formatted message otherwise)
// and the field path in PatchError.field, for what upstream rejects: a merge-key list element without its key, an unknown or `merge` `$patch`,
// `$setElementOrder` inconsistent with the patch list, `$retainKeys` not covering the patch, malformed
// directive keys, lists of lists, mixed element types, and a list or map under a field the model lacks.
//
// Semantics kept from upstream, surprising ones included:
// - maps always merge key by key; `x-kubernetes-map-type: atomic` (nodeSelector) is a server-side
//   apply marker that strategic merge ignores, as upstream does (its metadata comes from Go struct tags);
// - lists merge only with the `merge` strategy; every other list is replaced by the patch's list as is;
// - `$patch: delete` in a map leaves an empty map; `$patch: replace` keeps the map minus the marker;
//   `$patch: merge` is refused in maps ("unknown patch type") and in lists ("merging lists cannot yet
//   be specified in the patch");
// - a value for a field the Pod lacks is taken without its `null`s and without objects carrying `$patch`;
//   elements appended to a merge list, and lists that replace, are taken verbatim;
// - `$deleteFromPrimitiveList/<f>` deletes from any list of scalars, whatever its strategy;
// - the final order follows upstream's normalisation ($setElementOrder, then patch order, then live order).
// Upstream walks the patch's keys in Go's random map order; this walks them in the patch's own order.
import { badRequest, internalError, unprocessable } from "./errors.js";
import { goType, goValue } from "./go-text.js";
import { childPath, indexPath, isJsonObject, member, pruneNulls, setMember, type JsonObject, type JsonValue } from "./json.js";
import { fieldShape, objectNode, patchStrategy, type PropertyShape, type ObjectNode } from "./metadata.js";
import { goSliceStable } from "./stable-sort.js";

const directiveMarker = "$patch";
const retainKeysDirective = "$retainKeys";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
const setElementOrderPrefix = "$setElementOrder";

/** Go's view of a JSON value's type: lists merge only when both sides have the same one. */
type ValueKind = "map" | "list" | "string" | "number" | "bool" | "null";

function kindOf(value: JsonValue): ValueKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "map";
  return typeof value === "boolean" ? "bool" : typeof value === "string" ? "string" : "number";
}

/** mergepatch.ErrBadPatchType: an unknown `$patch` value (500). */
function badPatchType(directive: JsonValue, map: JsonObject, fieldPath: string): Error {
  const shown = typeof directive === "string" ? directive : `%!s(${goType(directive)}=${goValue(directive)})`;
  return internalError(`unknown patch type: ${shown} in map: ${goValue(map)}`, fieldPath);
}

/** mergepatch.ErrBadArgType: a value of another type than the one expected (500). */
function badArgType(expected: JsonValue, actual: JsonValue, fieldPath: string): Error {
  return internalError(`expected a ${goType(expected)}, but received a ${goType(actual)}`, fieldPath);
}

/** Applies `patch` to `pod` at `node`. Both arguments are consumed: pass copies the caller owns. */
export function strategicMergePatch(pod: JsonObject, patch: JsonObject, node: ObjectNode): JsonObject {
  return mergeMap(pod, patch, node, "");
}

/** mergeMap: merges `patch` into `original` (both owned by the caller and mutated). */
function mergeMap(original: JsonObject, patch: JsonObject, node: ObjectNode, path: string): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) return mapDirective(patch, path);
  applyRetainKeys(original, patch, path);
  mergeOrderedLists(original, patch, node, path);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = patchKey.startsWith(deleteFromPrimitiveListPrefix);
    const key = isDeleteList ? directiveField(patchKey, deleteFromPrimitiveListPrefix, path) : patchKey;
    const fieldPath = childPath(path, key);
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = member(original, key);
    if (current === undefined || kindOf(current) !== kindOf(patchValue)) {
      if (!isDeleteList) takePatchValue(original, key, patchValue);
      continue;
    }
    if (isJsonObject(current) && isJsonObject(patchValue)) {
      const shape = knownField(node, key, fieldPath);
      const merged =
        patchStrategy(shape) === "replace" ? patchValue : mergeMap(current, patchValue, objectNode(shape), fieldPath);
      setMember(original, key, merged);
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      const shape = knownField(node, key, fieldPath);
      const merges = patchStrategy(shape) === "merge" || isDeleteList;
      const merged = merges ? mergeList(current, patchValue, shape, isDeleteList, fieldPath) : patchValue;
      setMember(original, key, merged);
    } else {
      setMember(original, key, patchValue);
    }
  }
  return original;
}

/** A map carrying `$patch`: replace keeps the rest of the map, delete empties it. */
function mapDirective(patch: JsonObject, path: string): JsonObject {
  const directive = patch[directiveMarker];
  if (directive === "replace") {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === "delete") return {};
  throw badPatchType(directive ?? null, patch, childPath(path, directiveMarker));
}

/** A patch value for a key the original lacks (or holds with another type): nulls and `$patch` objects dropped. */
function takePatchValue(original: JsonObject, key: string, patchValue: JsonValue): void {
  pruneNulls(patchValue);
  const cleaned = removeDirectives(patchValue);
  if (cleaned === undefined) delete original[key];
  else setMember(original, key, cleaned);
}

/** The value without objects that carry `$patch` (removed in place, at any depth); undefined when the value itself is one. */
function removeDirectives(value: JsonValue): JsonValue | undefined {
  const isDirective = (node: JsonValue | undefined): boolean => isJsonObject(node) && Object.hasOwn(node, directiveMarker);
  if (isDirective(value)) return undefined;
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const node = pending.pop() as JsonValue;
    if (Array.isArray(node)) {
      let kept = 0;
      for (const element of node) {
        if (isDirective(element)) continue;
        node[kept++] = element;
        pending.push(element);
      }
      node.length = kept;
    } else if (isJsonObject(node)) {
      for (const key of Object.keys(node)) {
        const child = node[key] as JsonValue;
        if (isDirective(child)) delete node[key];
        else pending.push(child);
      }
    }
  }
  return value;
}

function knownField(node: ObjectNode, key: string, fieldPath: string): PropertyShape {
  const shape = fieldShape(node, key);
  if (shape === undefined) {
    const owner = node.kind === "schema" ? node.schema : "object";
    throw internalError(`unable to find api field in struct ${owner} for the json field "${key}"`, fieldPath);
  }
  return shape;
}

/** The field a `$deleteFromPrimitiveList/<field>` or `$setElementOrder/<field>` key names. */
function directiveField(key: string, prefix: string, path: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const what = prefix === setElementOrderPrefix ? "setElementOrder list" : "primitive list";
    throw badRequest(`invalid patch format of ${what}`, childPath(path, key));
  }
  return key.slice(slash + 1);
}

/** `$retainKeys`: clears the original's fields not listed; every field the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject, path: string): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retained = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  const fieldPath = childPath(path, retainKeysDirective);
  if (!Array.isArray(retained)) throw badRequest("invalid patch format of retainKeys", fieldPath);
  const keep = new Set<JsonValue>(retained);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    // Upstream answers ErrBadPatchFormatForRetainKeys here, not ErrPatchContentNotMatchRetainKeys.
    if (!keep.has(key)) throw badRequest("invalid patch format of retainKeys", fieldPath);
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/** mergePatchIntoOriginal: each `$setElementOrder/<list>` merges its list now and fixes the final order. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, node: ObjectNode, path: string): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const order = patch[key] ?? null;
    delete patch[key];
    const field = directiveField(key, setElementOrderPrefix, path);
    const fieldPath = childPath(path, field);
    if (!Array.isArray(order)) throw badRequest("invalid patch format of setElementOrder list", childPath(path, key));
    const originalList = listMember(original, field, fieldPath);
    const patchList = listMember(patch, field, fieldPath);
    const shape = knownField(node, field, fieldPath);
    const mergeKey = shape.kind === "list" ? (shape.mergeKey ?? "") : "";
    validateOrder(patchList ?? [], order, mergeKey, fieldPath);

    let merged: JsonValue[];
    if (originalList !== undefined && patchList !== undefined) {
      merged = patchStrategy(shape) === "merge" ? mergeList(originalList, patchList, shape, false, fieldPath) : patchList;
    } else if (originalList !== undefined || patchList !== undefined) {
      merged = originalList ?? patchList ?? [];
    } else {
      continue;
    }
    const kind = elementKind([originalList ?? [], patchList ?? []], fieldPath);
    if (kind === undefined) throw internalError("no elements in any of the given slices", fieldPath);
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, fieldPath);
    setMember(original, field, normalizeOrder(patchItems, serverOnly, order, originalList ?? [], mergeKey, kind, fieldPath));
    delete patch[field];
  }
}

function listMember(object: JsonObject, key: string, fieldPath: string): JsonValue[] | undefined {
  const value = member(object, key);
  if (value === undefined || Array.isArray(value)) return value;
  throw badArgType([], value, fieldPath);
}

/** validatePatchWithSetOrderList: the patch list's elements appear in `$setElementOrder` in the same order. */
function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string, fieldPath: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const kept = mergeKey === "" ? patchList : patchList.filter((element) => !isDeleteElement(asMap(element, fieldPath)));
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < kept.length && orderIndex < order.length) {
    const element = kept[patchIndex] ?? null;
    if (isJsonObject(element) && Object.hasOwn(element, directiveMarker)) {
      patchIndex++;
      continue;
    }
    if (sameMergeKey(element, order[orderIndex] ?? null, mergeKey, fieldPath)) patchIndex++;
    orderIndex++;
  }
  if (patchIndex < kept.length) {
    throw internalError(
      `The order in patch list:\n${goValue(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goValue(order)}\n`,
      fieldPath,
    );
  }
}

function sameMergeKey(left: JsonValue, right: JsonValue, mergeKey: string, fieldPath: string): boolean {
  if (mergeKey === "") return left === right;
  return keyOf(left, mergeKey, fieldPath) === keyOf(right, mergeKey, fieldPath);
}

function asMap(value: JsonValue, fieldPath: string): JsonObject {
  if (!isJsonObject(value)) throw badArgType({}, value, fieldPath);
  return value;
}

/** The merge key's value of a list element, which must be a map that has it. */
function keyOf(element: JsonValue, mergeKey: string, fieldPath: string): JsonValue {
  const map = asMap(element, fieldPath);
  const value = member(map, mergeKey);
  if (value === undefined)
    throw internalError(`map: ${goValue(map)} does not contain declared merge key: ${mergeKey}`, fieldPath);
  return value;
}

function isDeleteElement(element: JsonObject): boolean {
  return member(element, directiveMarker) === "delete";
}

/**
 * sliceElementType: the one kind of all elements (undefined when there are none). Only a list as the
 * first element is "lists of lists" (422); any later difference, lists included, is a type mismatch (500).
 */
function elementKind(lists: JsonValue[][], fieldPath: string): ValueKind | undefined {
  let kind: ValueKind | undefined;
  for (const element of lists.flat()) {
    const current = kindOf(element);
    if (kind === undefined && current === "list") throw unprocessable(fieldPath, "lists of lists are not supported");
    if (kind !== undefined && kind !== current)
      throw internalError(`list element types are not identical: ${goValue(lists)}`, fieldPath);
    kind = current;
  }
  return kind;
}

/** mergeSlice: a `merge`-strategy list — a set of scalars, or maps matched on the merge key. */
function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  shape: PropertyShape,
  isDeleteList: boolean,
  fieldPath: string,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([original, patch], fieldPath) ?? "null";
  const mergeKey = shape.kind === "list" ? (shape.mergeKey ?? "") : "";
  if (kind !== "map") {
    if (isDeleteList) {
      const deleted = new Set(patch);
      return original.filter((value) => !deleted.has(value));
    }
    const merged = [...new Set([...original, ...patch])];
    const [patchItems, serverOnly] = partition(merged, patch, "", fieldPath);
    return normalizeOrder(patchItems, serverOnly, patch, original, "", kind, fieldPath);
  }
  if (mergeKey === "")
    throw internalError(`cannot merge lists without merge key for ${shape.kind === "list" ? shape.items : ""}`, fieldPath);
  const { remaining, patchElements } = applyListDirectives(original, patch, mergeKey, fieldPath);
  const merged = mergeElements(remaining, patchElements, mergeKey, objectNode(shape), fieldPath);
  const [patchItems, serverOnly] = partition(merged, patchElements, mergeKey, fieldPath);
  return normalizeOrder(patchItems, serverOnly, patchElements, remaining, mergeKey, kind, fieldPath);
}

/** mergeSliceWithSpecialElements: `{$patch: delete, <key>}` removes matches, `{$patch: replace}` drops the live list. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string, fieldPath: string) {
  const deleted = new Set<JsonValue>();
  let replace = false;
  const patchElements: JsonValue[] = [];
  patch.forEach((element, index) => {
    const map = asMap(element, fieldPath);
    if (!Object.hasOwn(map, directiveMarker)) {
      patchElements.push(element);
      return;
    }
    const directive = map[directiveMarker] ?? null;
    const elementPath = indexPath(fieldPath, index);
    if (directive === "delete") {
      deleted.add(keyOf(map, mergeKey, elementPath));
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw internalError("merging lists cannot yet be specified in the patch", elementPath);
    } else {
      throw badPatchType(directive, map, elementPath);
    }
  });
  if (replace) return { remaining: patchElements, patchElements: [] };
  const remaining =
    deleted.size === 0
      ? original
      : original.filter((live) => !(isJsonObject(live) && Object.hasOwn(live, mergeKey) && deleted.has(live[mergeKey] ?? null)));
  return { remaining, patchElements };
}

/** The merge key's value of an element that is a map having it (undefined otherwise), as matching sees it. */
function ownKey(element: JsonValue, mergeKey: string): JsonValue | undefined {
  return isJsonObject(element) && Object.hasOwn(element, mergeKey) ? element[mergeKey] : undefined;
}

/**
 * mergeSliceWithoutSpecialElements: merge each patch element into the first live one with its key, or
 * append it. Keys are looked up in a map (first position per key value) instead of a scan per element; an
 * entry whose element no longer has that key (a patch can set the key to null inside the element) falls
 * back to the scan, so the answer is the scan's.
 */
function mergeElements(
  live: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  node: ObjectNode,
  fieldPath: string,
): JsonValue[] {
  const merged = [...live];
  const firstWithKey = new Map<JsonValue, number>();
  const remember = (element: JsonValue, index: number): void => {
    const value = ownKey(element, mergeKey);
    if (value !== undefined && !firstWithKey.has(value)) firstWithKey.set(value, index);
  };
  merged.forEach(remember);
  patch.forEach((element, patchIndex) => {
    const map = asMap(element, fieldPath);
    // The element's field is written out only when it lacks the key (an error), not for each of 90,000.
    const value = member(map, mergeKey) ?? keyOf(map, mergeKey, indexPath(fieldPath, patchIndex));
    let index = firstWithKey.get(value) ?? -1;
    if (index >= 0 && ownKey(merged[index] ?? null, mergeKey) !== value) {
      index = merged.findIndex((candidate) => ownKey(candidate, mergeKey) === value);
    }
    const target = merged[index];
    if (index >= 0 && isJsonObject(target)) {
      merged[index] = mergeMap(target, map, node, indexPath(fieldPath, index));
    } else {
      merged.push(element);
      remember(element, merged.length - 1);
    }
  });
  return merged;
}

/**
 * partitionMapsByPresentInList / partitionPrimitivesByPresentInList: splits `merged` into the elements
 * present in `by` (by merge key, or by value for scalars) and the rest. Every element of `merged` must be
 * a map with the merge key, every element of `by` a map, as upstream requires.
 */
function partition(merged: JsonValue[], by: JsonValue[], mergeKey: string, fieldPath: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const absent: JsonValue[] = [];
  const keys = new Set<JsonValue>();
  for (const candidate of by) {
    if (mergeKey === "") {
      keys.add(candidate);
      continue;
    }
    const value = ownKey(asMap(candidate, fieldPath), mergeKey);
    if (value !== undefined) keys.add(value);
  }
  for (const element of merged) {
    const found = keys.has(mergeKey === "" ? element : keyOf(element, mergeKey, fieldPath));
    (found ? present : absent).push(element);
  }
  return [present, absent];
}

/**
 * normalizeElementOrder: patch elements sorted by `patchOrder`, live-only elements by `serverOrder`,
 * then interleaved by their live positions.
 */
function normalizeOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ValueKind,
  fieldPath: string,
): JsonValue[] {
  const serverPositions = positions(serverOrder, mergeKey, kind);
  const sortedPatch = sortByOrder(patchItems, patchOrder, positions(patchOrder, mergeKey, kind), mergeKey, kind, fieldPath);
  const sortedServer = sortByOrder(serverOnly, serverOrder, serverPositions, mergeKey, kind, fieldPath);
  return interleave(sortedServer, sortedPatch, serverPositions);
}

/**
 * Upstream's `index(list, value, mergeKey, kind)` for every value at once: the position in `list` of the
 * first element with the same identity (the merge key's value for maps, null when absent; the element
 * itself for scalars), or -1. One pass over the list, then a map lookup per question.
 */
function positions(list: JsonValue[], mergeKey: string, kind: ValueKind): (value: JsonValue) => number {
  const identity = (element: JsonValue): JsonValue =>
    kind === "map" ? (isJsonObject(element) ? (member(element, mergeKey) ?? null) : null) : element;
  const first = new Map<JsonValue, number>();
  list.forEach((element, position) => {
    const key = identity(element);
    if (!first.has(key)) first.set(key, position);
  });
  return (value) => first.get(identity(value)) ?? -1;
}

/**
 * normalizeSliceOrder: sorts by position in `order`, `$patch: delete` elements last, with upstream's
 * sort.SliceStable and its "less", which is true whenever an element is not in `order` (src/engine/stable-sort.ts
 * explains why the sort has to be Go's). Positions are looked up once per element.
 */
function sortByOrder(
  toSort: JsonValue[],
  order: JsonValue[],
  positionInOrder: (value: JsonValue) => number,
  mergeKey: string,
  kind: ValueKind,
  fieldPath: string,
): JsonValue[] {
  let kept = toSort;
  const deletions: JsonValue[] = [];
  if (kind === "map") {
    for (const element of toSort) keyOf(element, mergeKey, fieldPath);
    for (const element of order) keyOf(element, mergeKey, fieldPath);
    kept = [];
    for (const element of toSort) (isDeleteElement(asMap(element, fieldPath)) ? deletions : kept).push(element);
  }
  const decorated = kept.map((element) => ({ element, position: positionInOrder(element) }));
  goSliceStable(decorated, (left, right) => (left.position >= 0 && right.position >= 0 ? left.position < right.position : true));
  return [...decorated.map(({ element }) => element), ...deletions];
}

/** mergeSortedSlice: a live-only element goes first only when both it and the patch element are live and it came first. */
function interleave(left: JsonValue[], right: JsonValue[], positionInServer: (value: JsonValue) => number): JsonValue[] {
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i] ?? null;
    const r = right[j] ?? null;
    if (j >= right.length) {
      result.push(l);
      i++;
    } else if (i >= left.length) {
      result.push(r);
      j++;
    } else {
      const li = positionInServer(l);
      const ri = positionInServer(r);
      if (li >= 0 && ri >= 0 && li < ri) {
        result.push(l);
        i++;
      } else {
        result.push(r);
        j++;
      }
    }
  }
  return result;
}
