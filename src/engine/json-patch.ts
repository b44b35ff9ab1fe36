// JSON Patch (RFC 6902) on a Pod through fast-json-patch, with its failures turned into the Status
// the apiserver answers with. Inputs: the Pod (a copy the caller owns) and the parsed patch (copied
// here). Output: the patched document. Throws PatchError: 400 when the body is not an array of
// operations, 422 when an operation cannot be applied (remove/test/move on a missing path, a missing
// parent, bad pointer, array index out of range, failed `test`, unknown op, missing value), the cause
// naming the operation's path.
//
// One behaviour follows the apiserver rather than RFC 6902: its library (evanphx/json-patch v4, also in
// kubectl) lets `replace` create a member missing from an existing object, like `add`. Where that
// library accepts what RFC 6901/6902 forbid — a pointer without the leading `/` (its first segment is
// dropped), `copy` from a missing path (copies null), `test` of a missing path against null —
// this engine refuses with a clear error instead.
import fastJsonPatch from "fast-json-patch";
import { pointerSegments, unescapeSegment } from "../json-pointer/pointer.js";
import { badPatch, invalidPatch } from "./errors.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json.js";

/** `/spec/containers/0/image` as the field notation of Kubernetes causes, `spec.containers[0].image`. */
export function pointerToField(pointer: string): string {
  return pointerSegments(pointer).reduce(
    (field, segment) => (/^(\d+|-)$/.test(segment) ? `${field}[${segment}]` : field === "" ? segment : `${field}.${segment}`),
    "",
  );
}

/** `replace` of a member missing from an existing object, which the apiserver applies as `add`. */
function replaceCreatesMember(document: JsonValue, operation: unknown): boolean {
  if (!isJsonObject(operation) || operation.op !== "replace" || typeof operation.path !== "string") return false;
  const slash = operation.path.lastIndexOf("/");
  if (slash < 0) return false;
  const member = unescapeSegment(operation.path.slice(slash + 1));
  try {
    const parent: unknown = fastJsonPatch.getValueByPointer(document, operation.path.slice(0, slash));
    return isJsonObject(parent) && !Object.hasOwn(parent, member);
  } catch {
    return false;
  }
}

function failure(error: InstanceType<typeof fastJsonPatch.JsonPatchError>, operation: unknown, index: number): Error {
  const op = isJsonObject(operation) && typeof operation.op === "string" ? operation.op : "operation";
  const path = isJsonObject(operation) && typeof operation.path === "string" ? operation.path : undefined;
  const reason = error.message.split("\n")[0] ?? error.name;
  const where = path === undefined ? "" : ` at "${path}"`;
  return invalidPatch(
    path === undefined ? `patch[${index}]` : pointerToField(path),
    `jsonpatch ${op} operation ${index} does not apply${where}: ${reason}`,
  );
}

export function applyJsonPatch(pod: JsonObject, patch: unknown): JsonValue {
  if (!Array.isArray(patch)) throw badPatch("", "a JSON Patch body must be an array of operations");
  let document: JsonValue = pod;
  cloneJson(patch).forEach((operation: unknown, index) => {
    const applied =
      replaceCreatesMember(document, operation) && isJsonObject(operation) ? { ...operation, op: "add" } : operation;
    try {
      document = fastJsonPatch.applyOperation<JsonValue>(
        document,
        applied as fastJsonPatch.Operation,
        true,
        true,
        true,
        index,
      ).newDocument;
    } catch (error) {
      if (error instanceof fastJsonPatch.JsonPatchError) throw failure(error, operation, index);
      throw error;
    }
  });
  return document;
}
