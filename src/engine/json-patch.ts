// JSON Patch (RFC 6902) on a Pod, with the failures the apiserver answers as a Status. Inputs: the Pod and
// the parsed patch, both copies the caller owns (applyPatch makes them). Output: the patched document.
// Throws PatchError: 400 when the body is not an array of operations; when an operation is malformed
// (not an object, an `op` outside RFC 6902's six, a missing or non-string `path`/`from`, a missing `value`)
// or cannot be applied (a missing path or parent, an array index out of range, a failed `test`, copies
// adding more than the apiserver's 3 MiB), the apiserver's 422 — a generic message and empty details
// (handlers/patch.go, errors.NewGenericServerResponse) — with the operation and its path on the
// PatchError (`field`, `message`).
//
// Written here rather than taken from a library: keys are plain data (`/metadata/labels/__proto__` adds a
// label, as it does on the apiserver, instead of reaching a prototype or being refused), no walk recurses
// (documents nest up to 10,000 levels), and only the six operations exist (fast-json-patch also runs its
// internal `_get`).
//
// Which objects the library decodes (it writes their keys sorted: src/engine/typed-decode.ts reads the
// patched Pod in that order) is recorded in the `decoded` set the caller passes: the root, every object
// and array an operation's `path` or `from` walks through, the whole target of a `test` that passes (its
// comparison decodes both sides); a `copy` is new text, with the source's decoded objects written sorted.
//
// It follows the apiserver's library (evanphx/json-patch v4, kubernetes v1.35.4 vendors v4.13.0) where it
// keeps to RFC 6901/6902: `replace` of a member missing from an existing object creates it, like `add`;
// `replace` and `test` of the whole document ("") work, `add`, `remove`, `move` and `copy` of it do not;
// array indexes may have leading zeros; copies may add at most 3 MiB in total
// (JSONPatchMaxCopyBytes in staging/src/k8s.io/apiserver/pkg/server/config.go), measured here as compact JSON.
// Where that library accepts what the RFCs forbid, this engine refuses with a clear error instead: a
// pointer without the leading `/` (the library drops its first segment), `copy` from a missing path (it
// copies null), `test` of a missing path against null (it treats missing as null), negative array
// indexes (it counts from the end), a missing `value` (it uses null).
import { pointerSegments } from "../json-pointer/pointer.js";
import { badPatch, type PatchError, unprocessable } from "./errors.js";
import {
  addContainers,
  cloneJson,
  isJsonObject,
  jsonEqual,
  jsonText,
  setMember,
  type JsonObject,
  type JsonValue,
} from "./json.js";

/** The apiserver's limit on what the `copy` operations of one patch may add (JSONPatchMaxCopyBytes). */
export const MAX_COPY_BYTES = 3 * 1024 * 1024;

const OPERATIONS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** `/spec/containers/0/image` as the field notation of Kubernetes causes, `spec.containers[0].image`. */
export function pointerToField(pointer: string): string {
  return pointerSegments(pointer).reduce(
    (field, segment) => (/^(\d+|-)$/.test(segment) ? `${field}[${segment}]` : field === "" ? segment : `${field}.${segment}`),
    "",
  );
}

/** Why one operation failed; turned into the Status by `failure`. */
class OperationFailure extends Error {}

type Container = JsonValue[] | JsonObject;

/** An array index token: digits only (leading zeros allowed, as the apiserver's strconv.Atoi allows them). */
function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === "-") return length;
  if (!/^\d+$/.test(token)) throw new OperationFailure(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) {
    throw new OperationFailure(`array index ${index} is out of range (the array has ${length} elements)`);
  }
  return index;
}

function isPointer(value: unknown): value is string {
  return typeof value === "string" && (value === "" || value.startsWith("/"));
}

/** The objects and arrays the JSON Patch library decoded, in the document being patched (see the header). */
type Decoded = Set<object>;

/**
 * The container holding the last token of `pointer`, and that token; the whole document has none. The
 * containers walked through are decoded (evanphx/json-patch findObject).
 */
function parentOf(document: JsonValue, pointer: string, decoded: Decoded): { container: Container; token: string } {
  const tokens = pointerSegments(pointer);
  const token = tokens.pop();
  if (token === undefined) throw new OperationFailure("the whole document cannot be the target of this operation");
  let node: JsonValue = document;
  if (typeof node === "object" && node !== null) decoded.add(node);
  for (const step of tokens) {
    const next: JsonValue | undefined = Array.isArray(node)
      ? node[arrayIndexOrMissing(step, node.length)]
      : isJsonObject(node) && Object.hasOwn(node, step)
        ? node[step]
        : undefined;
    if (next === undefined || next === null || typeof next !== "object") {
      throw new OperationFailure("a parent of the path does not exist or is not an object or array");
    }
    node = next;
    decoded.add(node);
  }
  if (typeof node !== "object" || node === null) throw new OperationFailure("the parent of the path is not an object or array");
  return { container: node, token };
}

/** The index a token names inside an array of `length` elements, or -1 when it names none. */
function arrayIndexOrMissing(token: string, length: number): number {
  return /^\d+$/.test(token) && Number(token) < length ? Number(token) : -1;
}

function getValue(document: JsonValue, pointer: string, decoded: Decoded): JsonValue {
  if (pointer === "") return document;
  const { container, token } = parentOf(document, pointer, decoded);
  if (Array.isArray(container)) return container[arrayIndex(token, container.length, false)] as JsonValue;
  if (!Object.hasOwn(container, token)) throw new OperationFailure("the path does not exist");
  return container[token] as JsonValue;
}

function add(document: JsonValue, pointer: string, value: JsonValue, decoded: Decoded): void {
  const { container, token } = parentOf(document, pointer, decoded);
  if (Array.isArray(container)) container.splice(arrayIndex(token, container.length, true), 0, value);
  else setMember(container, token, value);
}

function remove(document: JsonValue, pointer: string, decoded: Decoded): JsonValue {
  const { container, token } = parentOf(document, pointer, decoded);
  if (Array.isArray(container)) return container.splice(arrayIndex(token, container.length, false), 1)[0] as JsonValue;
  if (!Object.hasOwn(container, token)) throw new OperationFailure("the path does not exist");
  const removed = container[token] as JsonValue;
  delete container[token];
  return removed;
}

/**
 * A copy of `source` as the library makes one, from the text it writes: the objects it had decoded come
 * out with their keys sorted (and the copy is text again: not decoded).
 */
function copyOf(source: JsonValue, decoded: Decoded): JsonValue {
  const copy = cloneJson(source);
  const pending: [JsonValue, JsonValue][] = [[source, copy]];
  while (pending.length > 0) {
    const [from, to] = pending.pop() as [JsonValue, JsonValue];
    if (typeof from !== "object" || from === null || !decoded.has(from)) continue;
    if (Array.isArray(from)) {
      for (let index = 0; index < from.length; index++)
        pending.push([from[index] as JsonValue, (to as JsonValue[])[index] as JsonValue]);
      continue;
    }
    const target = to as JsonObject;
    for (const key of Object.keys(target).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const child = target[key] as JsonValue;
      delete target[key];
      setMember(target, key, child);
      pending.push([from[key] as JsonValue, child]);
    }
  }
  return copy;
}

/** Applies one checked operation; returns the document (a new one only for `replace` of "") and the bytes a copy added. */
function applyOperation(
  document: JsonValue,
  operation: JsonObject,
  copied: number,
  decoded: Decoded,
): { document: JsonValue; copied: number } {
  const path = operation.path as string;
  const from = operation.from as string;
  const value = operation.value as JsonValue;
  switch (operation.op) {
    case "add":
      add(document, path, value, decoded);
      break;
    case "remove":
      remove(document, path, decoded);
      break;
    case "replace": {
      if (path === "") {
        if (typeof value !== "object" || value === null)
          throw new OperationFailure("the whole document can only be replaced by an object or an array");
        decoded.add(value);
        return { document: value, copied };
      }
      const { container, token } = parentOf(document, path, decoded);
      if (Array.isArray(container)) container[arrayIndex(token, container.length, false)] = value;
      else setMember(container, token, value);
      break;
    }
    case "move":
      if (from === "") throw new OperationFailure("the whole document cannot be moved");
      add(document, path, remove(document, from, decoded), decoded);
      break;
    case "copy": {
      if (from === "") throw new OperationFailure("the whole document cannot be copied");
      const source = getValue(document, from, decoded);
      const total = copied + Buffer.byteLength(jsonText(source));
      if (total > MAX_COPY_BYTES) {
        throw new OperationFailure(
          `Unable to complete the copy, the accumulated size increase of copy is ${total}, exceeding the limit ${MAX_COPY_BYTES}`,
        );
      }
      add(document, path, copyOf(source, decoded), decoded);
      return { document, copied: total };
    }
    case "test": {
      const target = getValue(document, path, decoded);
      if (!jsonEqual(target, value)) throw new OperationFailure("Test operation failed");
      // Comparing decodes every object and array of the target.
      addContainers(target, decoded);
      break;
    }
  }
  return { document, copied };
}

/** What is wrong with the shape of an operation, before it meets the document. */
function malformation(operation: unknown): string | undefined {
  if (!isJsonObject(operation)) return "Operation is not an object";
  const { op } = operation;
  if (typeof op !== "string" || !OPERATIONS.has(op))
    return "Operation `op` property is not one of operations defined in RFC-6902";
  if (!isPointer(operation.path))
    return "Operation `path` property is not a JSON Pointer (a string that is empty or starts with `/`)";
  if ((op === "move" || op === "copy") && !isPointer(operation.from)) {
    return "Operation `from` property is not a JSON Pointer (a string that is empty or starts with `/`)";
  }
  if ((op === "add" || op === "replace" || op === "test") && !Object.hasOwn(operation, "value"))
    return "Operation `value` property is required";
  return undefined;
}

function failure(operation: unknown, index: number, reason: string): PatchError {
  const op = isJsonObject(operation) && typeof operation.op === "string" ? operation.op : "operation";
  const path = isJsonObject(operation) && typeof operation.path === "string" ? operation.path : undefined;
  const where = path === undefined ? "" : ` at "${path}"`;
  return unprocessable(
    path === undefined ? `patch[${index}]` : pointerToField(path),
    `jsonpatch ${op} operation ${index} does not apply${where}: ${reason}`,
  );
}

/**
 * The patched document; `decoded` receives the objects and arrays of it the library decoded (see the
 * header), the root first.
 */
export function applyJsonPatch(pod: JsonObject, patch: JsonValue, decoded: Decoded = new Set()): JsonValue {
  if (!Array.isArray(patch)) throw badPatch("", "a JSON Patch body must be an array of operations");
  let document: JsonValue = pod;
  decoded.add(pod);
  let copied = 0;
  patch.forEach((operation, index) => {
    const problem = malformation(operation);
    if (problem !== undefined) throw failure(operation, index, problem);
    try {
      ({ document, copied } = applyOperation(document, operation as JsonObject, copied, decoded));
    } catch (error) {
      if (error instanceof OperationFailure) throw failure(operation, index, error.message);
      throw error;
    }
  });
  return document;
}
