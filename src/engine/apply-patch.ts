// applyPatch: one entry point for the four patch media types of the operation, applied locally to a
// Pod as the apiserver would before validation. Inputs: the Pod, the parsed patch body (a JSON Patch
// array, or an object for merge / strategic / apply; YAML is parsed by the caller), the media type.
// Output: a new Pod; the inputs are never mutated. Throws PatchError carrying the Kubernetes Status:
// 400 for a body of the wrong shape, 415 for an unknown media type, 422 for a patch that cannot apply.
import type { PatchMediaType, Pod } from "../operation/patch-pod.js";
import { badPatch, invalidPatch, PatchError, podFailure } from "./errors.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json.js";
import { applyJsonPatch } from "./json-patch.js";
import { applyMergePatch } from "./merge-patch.js";
import { podNode } from "./metadata.js";
import { serverSideApply } from "./server-side-apply.js";
import { strategicMergePatch } from "./strategic-merge.js";

function ownedObject(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw badPatch("", `${what} must be a JSON object`);
  return cloneJson(value);
}

function patchDocument(pod: JsonObject, patch: unknown, mediaType: PatchMediaType): JsonValue {
  switch (mediaType) {
    case "application/json-patch+json":
      return applyJsonPatch(pod, patch);
    case "application/merge-patch+json":
      return applyMergePatch(pod, ownedObject(patch, "a merge patch"));
    case "application/strategic-merge-patch+json":
      return strategicMergePatch(pod, ownedObject(patch, "a strategic merge patch"), podNode);
    case "application/apply-patch+yaml":
      return serverSideApply(pod, ownedObject(patch, "an apply configuration"));
    default:
      throw new PatchError(podFailure(415, `the body of the request was in an unknown format: ${String(mediaType)}`, []));
  }
}

/** The Pod after `patch`, or a PatchError with the Status the apiserver would answer. */
export function applyPatch(pod: Pod, patch: unknown, mediaType: PatchMediaType): Pod {
  const result = patchDocument(ownedObject(pod, "the Pod"), patch, mediaType);
  if (!isJsonObject(result)) throw invalidPatch("", "the patched document is not a JSON object");
  // The result is the patched Pod document; like the apiserver's, it is validated separately (checkPodUpdate).
  return result as Pod;
}
