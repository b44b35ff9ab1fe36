// JSON merge patch (RFC 7396) on a Pod as the apiserver applies it (evanphx/json-patch v4 MergePatch,
// kubernetes v1.35.4 vendors v4.13.0): a `null` member deletes, an object merges into an object, anything
// else replaces. One behaviour goes beyond RFC 7396, as upstream's does: a value that lands where there was
// nothing, `null`, or a non-object loses the `null` members of its objects at any depth (objects inside
// lists too; `null` list elements stay), while a list replacing an existing object is taken as it is.
// Inputs: the Pod and the patch, copies the caller owns (both are changed). Output: the patched Pod.
// Keys are plain data (`__proto__` is a member like any other) and nothing recurses, so a patch may nest
// as deeply as the apiserver allows.
import { isJsonObject, member, pruneNulls, setMember, type JsonObject } from "./json.js";

/** mergeDocs: merges `patch` into `target` in place, objects pairwise through a work list. */
export function applyMergePatch(pod: JsonObject, patch: JsonObject): JsonObject {
  const pending: [target: JsonObject, patch: JsonObject][] = [[pod, patch]];
  while (pending.length > 0) {
    const [target, changes] = pending.pop() as [JsonObject, JsonObject];
    for (const key of Object.keys(changes)) {
      const value = changes[key] ?? null;
      if (value === null) {
        delete target[key];
        continue;
      }
      const current = member(target, key) ?? null;
      if (isJsonObject(current) && isJsonObject(value)) {
        pending.push([current, value]);
        continue;
      }
      // merge(): a value replacing nothing or a non-object is pruned; one replacing an object is not.
      if (!isJsonObject(current)) pruneNulls(value);
      setMember(target, key, value);
    }
  }
  return pod;
}
