// The Pod as structured-merge-diff sees it: every value typed by generated/merge-metadata.ts, and the
// four walks server-side apply is made of — a port of sigs.k8s.io/structured-merge-diff v6.3.0
// `typed` (tofieldset.go, merge.go, compare.go, remove.go) for the shapes a Pod has.
//
// Inputs: JSON values and their type (`podType` for a whole Pod). Outputs: a value's FieldSet
// (toFieldSet), the merge of an apply configuration into a live object (merge), the leaves that were
// added, modified or removed between two objects (compare), and an object without the paths of a set
// (removeItems). Pure functions over copies; nothing is mutated.
//
// Types, as the apiserver's schema gives them: a struct (one of our schemas) is granular unless the
// schema is atomic as a whole (generated podAtomicSchemas); a map (additionalProperties) is granular
// unless `x-kubernetes-map-type: atomic`; a list is a list-map (`x-kubernetes-list-type: map`, elements
// named by their keys, a missing key by its schema default), a set (`set`, elements named by value) or
// atomic (everything else); scalars and opaque values (Quantity, IntOrString, FieldsV1) are leaves.
// A field the model does not know is refused by the caller before it gets here.
import { podAtomicSchemas } from "../../generated/merge-metadata.js";
import { FieldSet, fieldElement, keyElement, type PathElement, valueElement } from "./field-set.js";
import { isJsonObject, member, type JsonObject, type JsonValue } from "./json.js";
import { fieldShape, type ObjectNode, objectNode, type PropertyShape } from "./metadata.js";

export type TypeRef =
  | { readonly kind: "struct"; readonly node: ObjectNode; readonly atomic: boolean }
  | { readonly kind: "map"; readonly node: ObjectNode; readonly atomic: boolean }
  | {
      readonly kind: "list";
      readonly relationship: "atomic" | "set" | "map";
      readonly keys: readonly string[];
      readonly keyDefaults: Readonly<Record<string, unknown>>;
      readonly element: TypeRef;
    }
  | { readonly kind: "leaf" };

const atomicSchemas = new Set(podAtomicSchemas);
const leaf: TypeRef = { kind: "leaf" };

export const podType: TypeRef = { kind: "struct", node: { kind: "schema", schema: "Pod" }, atomic: false };

/** Types by shape: a map's entries share one shape, and 100,000 labels would otherwise make 100,000 types. */
const typesOfShapes = new WeakMap<PropertyShape, TypeRef>();

function typeOfShape(shape: PropertyShape): TypeRef {
  let type = typesOfShapes.get(shape);
  if (type === undefined) {
    type = newTypeOfShape(shape);
    typesOfShapes.set(shape, type);
  }
  return type;
}

function newTypeOfShape(shape: PropertyShape): TypeRef {
  switch (shape.kind) {
    case "scalar":
    case "opaque":
      return leaf;
    case "object":
      return { kind: "struct", node: objectNode(shape), atomic: atomicSchemas.has(shape.schema) };
    case "map":
      return { kind: "map", node: objectNode(shape), atomic: shape.mapType === "atomic" };
    case "list": {
      const element: TypeRef =
        shape.items === "scalar"
          ? leaf
          : { kind: "struct", node: { kind: "schema", schema: shape.items }, atomic: atomicSchemas.has(shape.items) };
      const relationship = shape.listType === "map" ? "map" : shape.listType === "set" ? "set" : "atomic";
      return { kind: "list", relationship, keys: shape.listMapKeys ?? [], keyDefaults: shape.keyDefaults ?? {}, element };
    }
  }
}

/** The type of member `key` of an object of type `type`; undefined for a field the model does not know. */
export function memberType(type: TypeRef, key: string): TypeRef | undefined {
  if (type.kind !== "struct" && type.kind !== "map") return undefined;
  const shape = fieldShape(type.node, key);
  return shape === undefined ? undefined : typeOfShape(shape);
}

/** True when `key` is a declared field of a struct (false for the entries of a map). */
function isDeclaredField(type: TypeRef, key: string): boolean {
  return type.kind === "struct" && type.node.kind === "schema" && fieldShape(type.node, key) !== undefined;
}

function isAtomic(type: TypeRef): boolean {
  return (
    type.kind === "leaf" ||
    ((type.kind === "struct" || type.kind === "map") && type.atomic) ||
    (type.kind === "list" && type.relationship === "atomic")
  );
}

/** The path element naming an element of an associative list (listItemToPathElement). */
export function listElement(type: Extract<TypeRef, { kind: "list" }>, item: JsonValue): PathElement {
  if (type.relationship === "set") return valueElement(item);
  const keys: Record<string, JsonValue> = {};
  const object = isJsonObject(item) ? item : {};
  for (const key of type.keys) {
    const value = member(object, key);
    if (value !== undefined) keys[key] = value;
    else if (type.keyDefaults[key] !== undefined) keys[key] = type.keyDefaults[key] as JsonValue;
  }
  return keyElement(keys);
}

type ChildType = (key: string) => TypeRef;

/** childTypeOf's answer for each type (types are made once per shape, so these are few). */
const childTypes = new Map<TypeRef, ChildType>();

/** The type of an object's members by key; made once per type, each known field's looked up once. */
function childTypeOf(type: TypeRef): ChildType {
  let childType = childTypes.get(type);
  if (childType === undefined) {
    childType = newChildTypeOf(type);
    childTypes.set(type, childType);
  }
  return childType;
}

function newChildTypeOf(type: TypeRef): ChildType {
  if (type.kind === "map") {
    // Every entry of a map has the one type of its values.
    const values = memberType(type, "") ?? leaf;
    return () => values;
  }
  // Only declared fields are kept: the walks' objects may have any keys, the schema has a few.
  const fields = new Map<string, TypeRef>();
  return (key) => {
    let field = fields.get(key);
    if (field === undefined) {
      field = memberType(type, key);
      if (field === undefined) return leaf;
      fields.set(key, field);
    }
    return field;
  };
}

/**
 * The keys of `value` when it is an object. The walks below list an object's keys once and use them for
 * emptiness too: listing the keys of a map of 100,000 annotations costs as much as a pass over them.
 */
const keysOf = (value: JsonValue | undefined): string[] | undefined => (isJsonObject(value) ? Object.keys(value) : undefined);

/** Undefined, null, an empty list, or an object whose keys (`keys`, from keysOf) are none. */
const isEmptyCollection = (value: JsonValue | undefined, keys: string[] | undefined): boolean =>
  value === undefined || value === null || (Array.isArray(value) ? value.length === 0 : keys?.length === 0);

/** tofieldset.go: the paths a value sets — leaves, atomic values, list elements, empty or null struct fields, map entries. */
export function toFieldSet(value: JsonValue, type: TypeRef): FieldSet {
  const set = FieldSet.of();
  // One path, pushed and popped as the walk goes (insert copies nothing of it).
  const path: PathElement[] = [];
  /** `keys`: keysOf(node), listed once by the caller. */
  const walk = (node: JsonValue, nodeType: TypeRef, keys: string[] | undefined): void => {
    if (isAtomic(nodeType)) {
      set.insert(path);
      return;
    }
    if (nodeType.kind === "list") {
      if (!Array.isArray(node)) return;
      const seen = new Map<PathElement, number>();
      for (const item of node) {
        const element = listElement(nodeType, item);
        seen.set(element, (seen.get(element) ?? 0) + 1);
      }
      for (const item of node) {
        const element = listElement(nodeType, item);
        path.push(element);
        if ((seen.get(element) ?? 0) <= 1) walk(item, nodeType.element, keysOf(item));
        set.insert(path);
        path.pop();
      }
      return;
    }
    if (!isJsonObject(node) || keys === undefined) return;
    if (nodeType.kind === "map" && memberType(nodeType, "")?.kind === "leaf") {
      // Every entry of a map of leaves is a path of its own, inserted together (100,000 annotations).
      set.insertFieldLeaves(path, keys);
      return;
    }
    const childType = childTypeOf(nodeType);
    for (const key of keys) {
      const child = node[key] as JsonValue;
      const type = childType(key);
      path.push(fieldElement(key));
      // An atomic child (a leaf: each of 100,000 annotations) is its own path, inserted once.
      if (isAtomic(type)) set.insert(path);
      else {
        const childKeys = keysOf(child);
        walk(child, type, childKeys);
        if (child === null || childKeys?.length === 0 || !isDeclaredField(nodeType, key)) set.insert(path);
      }
      path.pop();
    }
  };
  walk(value, type, keysOf(value));
  return set;
}

/** merge.go with the apply rule (the configuration wins on every leaf): `config` merged into `live`. */
export function merge(live: JsonValue | undefined, config: JsonValue | undefined, type: TypeRef): JsonValue | undefined {
  if (config === undefined) return live;
  if (live === undefined || isAtomic(type)) return config;
  const liveKeys = keysOf(live);
  const configKeys = keysOf(config);
  if (isEmptyCollection(live, liveKeys) && isEmptyCollection(config, configKeys)) return config;
  // A granular struct, map or list given as null merges like an empty one: the live value stays.
  if (config === null) return live;
  if (type.kind === "list") {
    if (!Array.isArray(live) || !Array.isArray(config)) return config;
    return mergeList(live, config, type);
  }
  if (!isJsonObject(live) || !isJsonObject(config)) return config;
  const childType = childTypeOf(type);
  const out: JsonObject = {};
  let members = 0;
  for (const key of new Set([...(liveKeys ?? []), ...(configKeys ?? [])])) {
    const merged = merge(member(live, key), member(config, key), childType(key));
    if (merged === undefined) continue;
    out[key] = merged;
    members += 1;
  }
  return members === 0 ? undefined : out;
}

/** visitListItems of merge.go: live order, with the configuration's order for shared and new elements. */
function mergeList(live: JsonValue[], config: JsonValue[], type: Extract<TypeRef, { kind: "list" }>): JsonValue[] | undefined {
  const liveElements = live.map((item) => listElement(type, item));
  const configElements = config.map((item) => listElement(type, item));
  const liveByElement = new Map<PathElement, JsonValue>();
  liveElements.forEach((element, index) => {
    liveByElement.set(element, live[index] as JsonValue);
  });
  const configByElement = new Map<PathElement, JsonValue>();
  configElements.forEach((element, index) => {
    configByElement.set(element, config[index] as JsonValue);
  });
  const sharedOrder = configElements.filter((element) => liveByElement.has(element));
  // An index, not shift(): shifting a list of 30,000 shared elements one by one is quadratic.
  let sharedAt = 0;
  let nextShared = sharedOrder[sharedAt++];
  const mergedConfig = new Set<PathElement>();
  const out: JsonValue[] = [];
  const take = (value: JsonValue | undefined): void => {
    if (value !== undefined) out.push(value);
  };
  let left = 0;
  let right = 0;
  while (left < liveElements.length || right < configElements.length) {
    if (left < liveElements.length && right < configElements.length) {
      const element = liveElements[left] as PathElement;
      if (element === configElements[right]) {
        mergedConfig.add(element);
        take(merge(liveByElement.get(element), configByElement.get(element), type.element));
        left += 1;
        right += 1;
        nextShared = sharedOrder[sharedAt++];
        continue;
      }
      if (configByElement.has(element) && nextShared !== undefined && nextShared !== element) {
        left += 1;
        continue;
      }
    }
    if (left < liveElements.length) {
      const element = liveElements[left] as PathElement;
      if (!configByElement.has(element)) {
        take(merge(live[left], undefined, type.element));
        left += 1;
        continue;
      }
      if (mergedConfig.has(element)) left += 1;
    }
    if (right < configElements.length) {
      const element = configElements[right] as PathElement;
      mergedConfig.add(element);
      take(merge(liveByElement.get(element), configByElement.get(element), type.element));
      right += 1;
      if (nextShared !== undefined && nextShared === element) nextShared = sharedOrder[sharedAt++];
    }
  }
  return out.length === 0 ? undefined : out;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** compare.go: which paths `after` added, modified or removed relative to `before`. */
export function compare(before: JsonValue, after: JsonValue, type: TypeRef): Comparison {
  const result: Comparison = { added: FieldSet.of(), modified: FieldSet.of(), removed: FieldSet.of() };
  // One path, pushed and popped as the walk goes (insert copies nothing of it).
  const path: PathElement[] = [];
  const walkAt = (element: PathElement, lhs: JsonValue | undefined, rhs: JsonValue | undefined, nodeType: TypeRef): void => {
    path.push(element);
    walk(lhs, rhs, nodeType);
    path.pop();
  };
  /** Which set a value compared as a whole belongs to: added, removed, modified, or none (equal). */
  const leafChange = (lhs: JsonValue | undefined, rhs: JsonValue | undefined): keyof Comparison | undefined =>
    lhs === undefined ? "added" : rhs === undefined ? "removed" : jsonEquals(lhs, rhs) ? undefined : "modified";
  /** A node handled as a leaf: added, removed or modified as a whole (and no own Added/Removed entry besides). */
  const doLeaf = (lhs: JsonValue | undefined, rhs: JsonValue | undefined): void => {
    const change = leafChange(lhs, rhs);
    if (change !== undefined) result[change].insert(path);
  };
  const walk = (lhs: JsonValue | undefined, rhs: JsonValue | undefined, nodeType: TypeRef): void => {
    if (isAtomic(nodeType)) {
      doLeaf(lhs, rhs);
      return;
    }
    const lhsKeys = keysOf(lhs);
    const rhsKeys = keysOf(rhs);
    if (isEmptyCollection(lhs, lhsKeys) && isEmptyCollection(rhs, rhsKeys)) {
      doLeaf(lhs, rhs);
      return;
    }
    if (nodeType.kind === "list") {
      const left = Array.isArray(lhs) ? lhs : [];
      const right = Array.isArray(rhs) ? rhs : [];
      const leftValues = new Map<PathElement, JsonValue[]>();
      const rightValues = new Map<PathElement, JsonValue[]>();
      const order: PathElement[] = [];
      // Appended in place: a list of 1.5 million elements with one key (numbers where maps belong) would
      // copy a growing array per element. True for an element not seen before on that side.
      const add = (values: Map<PathElement, JsonValue[]>, element: PathElement, item: JsonValue): boolean => {
        const known = values.get(element);
        if (known !== undefined) {
          known.push(item);
          return false;
        }
        values.set(element, [item]);
        return true;
      };
      for (const item of left) {
        const element = listElement(nodeType, item);
        if (add(leftValues, element, item)) order.push(element);
      }
      for (const item of right) {
        const element = listElement(nodeType, item);
        if (add(rightValues, element, item) && !leftValues.has(element)) order.push(element);
      }
      for (const element of order) {
        const l = leftValues.get(element) ?? [];
        const r = rightValues.get(element) ?? [];
        if (l.length <= 1 && r.length <= 1) walkAt(element, l[0], r[0], nodeType.element);
        else {
          path.push(element);
          if (l.length >= 2 && r.length >= 2) {
            if (!jsonEquals(l, r)) result.modified.insert(path);
          } else if (l.length >= 2) {
            if (r.length > 0) walk(undefined, r[0], nodeType.element);
            result.removed.insert(path);
          } else {
            if (l.length > 0) walk(l[0], undefined, nodeType.element);
            result.added.insert(path);
          }
          path.pop();
        }
      }
    } else if (nodeType.kind === "struct" || nodeType.kind === "map") {
      const left = isJsonObject(lhs) ? lhs : {};
      const right = isJsonObject(rhs) ? rhs : {};
      const leftKeys = lhsKeys ?? [];
      const rightKeys = rhsKeys ?? [];
      const childType = childTypeOf(nodeType);
      if (nodeType.kind === "map" && memberType(nodeType, "")?.kind === "leaf") {
        // The entries of a map of leaves (100,000 annotations) are compared here, each set's paths inserted together.
        const changed: Record<keyof Comparison, string[]> = { added: [], removed: [], modified: [] };
        for (const key of leftKeys) {
          const change = leafChange(member(left, key), member(right, key));
          if (change !== undefined) changed[change].push(key);
        }
        for (const key of rightKeys) {
          if (!Object.hasOwn(left, key)) changed.added.push(key);
        }
        result.added.insertFieldLeaves(path, changed.added);
        result.removed.insertFieldLeaves(path, changed.removed);
        result.modified.insertFieldLeaves(path, changed.modified);
      } else if (
        (lhs === undefined) !== (rhs === undefined) &&
        (lhs === undefined ? rightKeys : leftKeys).every((key) => childType(key).kind === "leaf")
      ) {
        // On one side only, with leaves for fields (each of 90,000 added env vars): every field is added or
        // removed, and the set keeps their names until it is read there; the struct's own path (below) goes
        // in with them.
        if (lhs === undefined) result.added.insertFieldLeaves(path, rightKeys, path.length > 0);
        else result.removed.insertFieldLeaves(path, leftKeys, path.length > 0);
        return;
      } else {
        // A leaf child (each of 100,000 annotations) is compared here, without a walk of its own.
        const visit = (key: string, l: JsonValue | undefined, r: JsonValue | undefined): void => {
          const type = childType(key);
          if (type.kind !== "leaf") {
            walkAt(fieldElement(key), l, r, type);
            return;
          }
          path.push(fieldElement(key));
          doLeaf(l, r);
          path.pop();
        };
        for (const key of leftKeys) visit(key, member(left, key), member(right, key));
        for (const key of rightKeys) {
          if (!Object.hasOwn(left, key)) visit(key, undefined, member(right, key));
        }
      }
    } else {
      doLeaf(lhs, rhs);
      return;
    }
    if (path.length > 0) {
      if (lhs === undefined) result.added.insert(path);
      else if (rhs === undefined) result.removed.insert(path);
    }
  };
  walk(before, after, type);
  return result;
}

/** remove.go: `value` without the paths of `set`; a map or list left empty becomes undefined. */
export function removeItems(value: JsonValue, set: FieldSet, type: TypeRef): JsonValue | undefined {
  if (isAtomic(type)) return type.kind === "leaf" ? value : undefined;
  if (type.kind === "list") {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const items: JsonValue[] = [];
    for (const item of value) {
      const element = listElement(type, item);
      if (set.has([element])) continue;
      const below = set.withPrefix(element);
      const kept = below.isEmpty() ? item : removeItems(item, below, type.element);
      if (kept !== undefined) items.push(kept);
    }
    return items.length === 0 ? undefined : items;
  }
  if (!isJsonObject(value) || Object.keys(value).length === 0) return undefined;
  const childType = childTypeOf(type);
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const element = fieldElement(key);
    if (set.has([element])) continue;
    const below = set.withPrefix(element);
    const kept = below.isEmpty() ? child : removeItems(child, below, childType(key));
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Set.EnsureNamedFieldsAreMembers: every declared struct field with paths below it becomes a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeRef): FieldSet {
  const out = FieldSet.of(set.paths());
  for (const path of set.paths()) {
    let nodeType: TypeRef | undefined = type;
    for (let depth = 0; depth < path.length - 1 && nodeType !== undefined; depth += 1) {
      const element = path[depth] as PathElement;
      if (element.startsWith("f:") && nodeType.kind === "struct" && isDeclaredField(nodeType, element.slice(2))) {
        out.insert(path.slice(0, depth + 1));
      }
      nodeType = element.startsWith("f:")
        ? memberType(nodeType, element.slice(2))
        : nodeType.kind === "list"
          ? nodeType.element
          : undefined;
    }
  }
  return out;
}

export function jsonEquals(left: JsonValue | undefined, right: JsonValue | undefined): boolean {
  if (left === right) return true;
  if (left === undefined || right === undefined || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEquals(item, right[index]))
    );
  }
  if (isJsonObject(left) && isJsonObject(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && jsonEquals(left[key], right[key]))
    );
  }
  return false;
}
