// JSON value types and the few helpers the patch engine needs to walk parsed documents.
// Inputs: values parsed from JSON. Outputs: type guards, a JSON-faithful deep copy, a member setter
// that cannot touch prototypes, and Kubernetes-style field paths. Pure functions.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy through JSON: drops `undefined` members, as a JSON round trip (and the apiserver) would. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Sets `object[key]` as an own data property, so a key such as `__proto__` stays plain data. */
export function setMember(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
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

/** Removes `null` members of objects at any depth, in place; `null` array elements are kept (evanphx's pruneNulls). */
export function pruneNulls(value: JsonValue): void {
  if (Array.isArray(value)) {
    value.forEach(pruneNulls);
  } else if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === null) delete value[key];
      else pruneNulls(child);
    }
  }
}
