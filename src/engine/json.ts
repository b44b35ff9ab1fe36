// JSON value types and the helpers the patch engine needs to walk parsed documents.
// Inputs: values parsed from JSON, or handed over by a caller. Outputs: type guards, the checked copy of an
// input (jsonInput), a JSON-faithful deep copy, structural equality, JSON text, a member setter that cannot
// touch prototypes, and Kubernetes-style field paths. Pure functions.
//
// Nothing here recurses: every walk keeps its own stack, so a document may nest as deeply as the
// apiserver allows (MAX_NESTING_DEPTH, 10,000 levels) where node's stack would end near 4,000
// (JSON.stringify) or earlier (a recursive walk of several functions).
import { badPatch } from "./errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * How deeply objects and arrays may nest in a Pod or a patch: the apiserver's JSON decoder refuses a
 * body nesting more than 10,000 of them ("exceeded max depth"; kubernetes v1.35.4 vendors
 * sigs.k8s.io/json, whose scanner stops at maxNestingDepth = 10000).
 */
export const MAX_NESTING_DEPTH = 10_000;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Container = JsonValue[] | JsonObject;

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** True for an object or array without members or elements (a for-in, not a list of its keys, for objects). */
export function isEmptyContainer(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const _key in value) return false;
  return true;
}

/** Sets `object[key]` as an own data property, so a key such as `__proto__` stays plain data. */
export function setMember(object: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** The member `key` of `object` when it is an own property. */
export function member(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** `parent.key`, the field notation of Kubernetes causes (`spec.containers[0].image`). */
export function childPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** `parent[index]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/**
 * The rebuild of one level of a document: scalars, then arrays and objects from their children's results
 * (an object's as two lists, its keys and their results at the same positions: no pair is made per member).
 */
export interface JsonFold<R> {
  leaf(value: JsonValue | undefined, depth: number): R;
  array(children: R[], depth: number): R;
  object(keys: string[], results: R[], depth: number): R;
}

/**
 * Rebuilds a document bottom-up without recursion (a post-order walk with its own stack); `depth` is 0 for
 * the root. Objects are walked by their own enumerable keys.
 */
export function foldJson<R>(root: JsonValue | undefined, fold: JsonFold<R>): R {
  if (!isContainer(root)) return fold.leaf(root, 0);
  interface Frame {
    node: Container;
    keys: string[] | undefined;
    index: number;
    results: R[];
    depth: number;
  }
  const open = (node: Container, depth: number): Frame => ({
    node,
    keys: Array.isArray(node) ? undefined : Object.keys(node),
    index: 0,
    results: [],
    depth,
  });
  const stack: Frame[] = [open(root, 0)];
  for (;;) {
    const frame = stack[stack.length - 1] as Frame;
    const { node, keys } = frame;
    const length = keys === undefined ? (node as JsonValue[]).length : keys.length;
    if (frame.index < length) {
      const child = keys === undefined ? (node as JsonValue[])[frame.index] : (node as JsonObject)[keys[frame.index] as string];
      frame.index++;
      if (isContainer(child)) stack.push(open(child, frame.depth + 1));
      else frame.results.push(fold.leaf(child, frame.depth + 1));
      continue;
    }
    stack.pop();
    const result = keys === undefined ? fold.array(frame.results, frame.depth) : fold.object(keys, frame.results, frame.depth);
    const parent = stack[stack.length - 1];
    if (parent === undefined) return result;
    parent.results.push(result);
  }
}

/** A scalar as JSON keeps it: non-finite numbers become null. */
function jsonScalar(value: unknown): JsonValue | undefined {
  return typeof value === "number" && !Number.isFinite(value) ? null : (value as JsonValue | undefined);
}

/**
 * A deep copy as a JSON round trip makes it: undefined members dropped, undefined elements and non-finite
 * numbers become null. (A direct walk rather than foldJson: Pods with 100,000 labels are copied several
 * times per patch, and the fold's intermediate lists cost more than the copy.)
 */
export function cloneJson<T>(value: T): T {
  if (!isContainer(value)) return jsonScalar(value) as T;
  const fresh = (source: Container): Container => (Array.isArray(source) ? new Array<JsonValue>(source.length) : {});
  const root = fresh(value);
  const pending: Container[] = [value, root];
  while (pending.length > 0) {
    const target = pending.pop() as Container;
    const source = pending.pop() as Container;
    if (Array.isArray(source)) {
      const list = target as JsonValue[];
      for (let index = 0; index < source.length; index++) {
        const child: unknown = source[index];
        if (isContainer(child)) {
          const copy = fresh(child);
          list[index] = copy;
          pending.push(child, copy);
        } else {
          list[index] = jsonScalar(child) ?? null;
        }
      }
      continue;
    }
    const object = target as JsonObject;
    for (const key of Object.keys(source)) {
      const child: unknown = source[key];
      if (child === undefined) continue;
      if (isContainer(child)) {
        const copy = fresh(child);
        setMember(object, key, copy);
        pending.push(child, copy);
      } else {
        setMember(object, key, jsonScalar(child) as JsonValue);
      }
    }
  }
  return root as T;
}

/**
 * True when `value` is already what cloneJson would make of it (no undefined member or element, no
 * non-finite number): a walk without copying, for readers that need JSON-faithful input but change nothing.
 */
export function isPlainJson(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) return false;
    if (typeof next === "number") {
      if (!Number.isFinite(next)) return false;
    } else if (Array.isArray(next)) {
      for (let index = 0; index < next.length; index++) pending.push(next[index]);
    } else if (isContainer(next)) {
      for (const key of Object.keys(next)) pending.push((next as JsonObject)[key]);
    }
  }
  return true;
}

/** Buffer.byteLength(text) without a native call per string (lone surrogates count 3, as their replacement). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else {
      // 3 bytes for one unit, a lone surrogate included; a surrogate pair is 4 bytes for its 2 units.
      bytes += 2;
      const next = text.charCodeAt(index + 1);
      if (unit >= 0xd800 && unit < 0xdc00 && next >= 0xdc00 && next < 0xe000) index++;
    }
  }
  return bytes;
}

/** Structural equality of two JSON values (object key order does not matter). */
export function jsonEqual(left: JsonValue, right: JsonValue): boolean {
  const pending: [JsonValue | undefined, JsonValue | undefined][] = [[left, right]];
  while (pending.length > 0) {
    const [a, b] = pending.pop() as [JsonValue | undefined, JsonValue | undefined];
    if (!isContainer(a) || !isContainer(b)) {
      if (a !== b) return false;
      continue;
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      for (let index = 0; index < a.length; index++) pending.push([a[index], b[index]]);
      continue;
    }
    const aObject = a as JsonObject;
    const bObject = b as JsonObject;
    const keys = Object.keys(aObject);
    if (keys.length !== Object.keys(bObject).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(bObject, key)) return false;
      pending.push([aObject[key], bObject[key]]);
    }
  }
  return true;
}

/**
 * JSON text of a value, as JSON.stringify writes it (`indent` spaces per level, none by default), without
 * its recursion limit; `sortKeys` orders object keys, so equal values give equal text.
 */
export function jsonText(value: JsonValue, options: { indent?: number; sortKeys?: boolean } = {}): string {
  const unit = " ".repeat(options.indent ?? 0);
  const separator = unit === "" ? ":" : ": ";
  const lines = (items: string[], depth: number, open: string, close: string): string => {
    if (items.length === 0) return `${open}${close}`;
    if (unit === "") return `${open}${items.join(",")}${close}`;
    const inner = `\n${unit.repeat(depth + 1)}`;
    return `${open}${inner}${items.join(`,${inner}`)}\n${unit.repeat(depth)}${close}`;
  };
  return foldJson<string | undefined>(value, {
    leaf: (scalar) =>
      scalar === undefined ? undefined : typeof scalar === "number" && !Number.isFinite(scalar) ? "null" : JSON.stringify(scalar),
    array: (children, depth) =>
      lines(
        children.map((child) => child ?? "null"),
        depth,
        "[",
        "]",
      ),
    object: (keys, results, depth) => {
      const kept: [string, string][] = [];
      keys.forEach((key, index) => {
        const text = results[index];
        if (text !== undefined) kept.push([key, text]);
      });
      if (options.sortKeys === true) kept.sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
      return lines(
        kept.map(([key, text]) => `${JSON.stringify(key)}${separator}${text}`),
        depth,
        "{",
        "}",
      );
    },
  }) as string;
}

/** Adds every object and array of `value` (itself included) to `into`. */
export function addContainers(value: JsonValue, into: Set<object>): void {
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const node = pending.pop() as JsonValue;
    if (typeof node !== "object" || node === null) continue;
    into.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push(child as JsonValue);
  }
}

/** Removes `null` members of objects at any depth, in place; `null` array elements are kept (evanphx's pruneNulls). */
export function pruneNulls(value: JsonValue): void {
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const node = pending.pop() as JsonValue;
    if (Array.isArray(node)) {
      for (const element of node) pending.push(element);
    } else if (isJsonObject(node)) {
      for (const key of Object.keys(node)) {
        const child = node[key] as JsonValue;
        if (child === null) delete node[key];
        else pending.push(child);
      }
    }
  }
}

/** Why a value is not JSON, or undefined when it is (a number must be finite, an object plain). */
function notJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a JSON number`;
    case "object": {
      if (value === null || Array.isArray(value)) return undefined;
      const prototype: unknown = Object.getPrototypeOf(value);
      return prototype === Object.prototype || prototype === null
        ? undefined
        : `a ${(value as object).constructor?.name ?? "non-plain"} object is not a JSON object`;
    }
    default:
      return `a ${typeof value} is not a JSON value`;
  }
}

/** The field of member or element `key` under `parent`. */
function fieldOf(parent: string, key: string | number): string {
  return typeof key === "number" ? indexPath(parent, key) : childPath(parent, key);
}

/**
 * The engine's copy of a caller's document (`what` names it in errors, e.g. "the patch"): JSON values only,
 * at most MAX_NESTING_DEPTH levels of objects and arrays. Members whose value is `undefined` are dropped,
 * as JSON drops them; anything else JSON cannot carry (NaN, ±Infinity, a function, a bigint, a Date or
 * another class instance, `undefined` in a list) is a PatchError 400 naming its field, as the apiserver
 * refuses a body it cannot decode; so is deeper nesting. Keys such as `__proto__` are copied as data.
 */
export function jsonInput(value: unknown, what: string): JsonValue {
  const refuse = (field: string, reason: string) => badPatch(field, `${what} is not a JSON document: ${reason}`);
  const rootProblem = notJson(value);
  if (rootProblem !== undefined) throw refuse("", rootProblem);
  if (!isContainer(value)) return value as JsonValue;
  const copy = (source: Container): Container => (Array.isArray(source) ? new Array<JsonValue>(source.length) : {});
  /** A container to copy; its field is written out only for an error, from its parents' keys. */
  interface Frame {
    source: Container;
    target: Container;
    parent: Frame | undefined;
    key: string | number;
    depth: number;
  }
  const fieldOfFrame = (frame: Frame): string => {
    const keys: (string | number)[] = [];
    for (let at: Frame | undefined = frame; at?.parent !== undefined; at = at.parent) keys.push(at.key);
    let field = "";
    for (let index = keys.length - 1; index >= 0; index--) field = fieldOf(field, keys[index] as string | number);
    return field;
  };
  const pending: Frame[] = [];
  const take = (frame: Frame, key: string | number, child: unknown): void => {
    const problem = child === undefined ? "undefined is not a JSON value" : notJson(child);
    if (problem !== undefined) throw refuse(fieldOf(fieldOfFrame(frame), key), problem);
    const copied = isContainer(child) ? copy(child) : (child as JsonValue);
    if (typeof key === "number") (frame.target as JsonValue[])[key] = copied;
    else setMember(frame.target as JsonObject, key, copied);
    // An empty one is copied whole already (a list of a million empty objects is not walked again),
    // unless it is one level too deep: the walk refuses it below.
    const depth = frame.depth + 1;
    if (isContainer(child) && (!isEmptyContainer(child) || depth > MAX_NESTING_DEPTH)) {
      pending.push({ source: child, target: copied as Container, parent: frame, key, depth });
    }
  };
  const root = copy(value);
  pending.push({ source: value, target: root, parent: undefined, key: "", depth: 1 });
  while (pending.length > 0) {
    const frame = pending.pop() as Frame;
    if (frame.depth > MAX_NESTING_DEPTH) {
      throw badPatch(
        fieldOfFrame(frame),
        `${what} nests deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays (the apiserver's limit)`,
      );
    }
    const { source } = frame;
    if (Array.isArray(source)) {
      // Elements by index (an iterator makes a result per element); an undefined element is not JSON.
      for (let index = 0; index < source.length; index++) take(frame, index, source[index]);
      continue;
    }
    for (const key of Object.keys(source)) {
      const child: unknown = (source as Record<string, unknown>)[key];
      // A member whose value is undefined is dropped, as JSON drops it.
      if (child !== undefined) take(frame, key, child);
    }
  }
  return root;
}
