// JSON merge patch (RFC 7396) on a Pod through json-merge-patch, with one adjustment so the result is
// the apiserver's (and kubectl's): their library (evanphx/json-patch) also drops `null` members of
// objects inside a patch array when that array replaces anything but an object, where RFC 7396 keeps
// arrays verbatim. Inputs: the Pod and the patch (copies the caller owns). Output: the patched Pod.
import jsonMergePatch from "json-merge-patch";
import { isJsonObject, member, pruneNulls, type JsonObject, type JsonValue } from "./json.js";

/** Prunes what evanphx prunes and json-merge-patch would not: arrays merged over a non-object. */
function pruneArrays(target: JsonValue | undefined, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = isJsonObject(target) ? member(target, key) : undefined;
    if (Array.isArray(value) && !isJsonObject(current)) pruneNulls(value);
    else if (isJsonObject(value)) pruneArrays(current, value);
  }
}

export function applyMergePatch(pod: JsonObject, patch: JsonObject): JsonObject {
  pruneArrays(pod, patch);
  return jsonMergePatch.apply(pod, patch);
}
