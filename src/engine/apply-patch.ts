// applyPatch: one entry point for the four patch media types of the operation, applied locally to a
// Pod as the apiserver would before validation. Inputs: the Pod, the parsed patch body (a JSON Patch
// array, or an object for merge / strategic / apply; YAML is parsed by the caller), the media type.
// Output: a new Pod; the inputs are never mutated. Throws PatchError carrying the Kubernetes Status:
// 400 for a body of the wrong shape or one that is not JSON (NaN, a class instance, nesting deeper than the
// apiserver's 10,000 levels: src/engine/json.ts jsonInput), 415 for an unknown media type, and for a
// patch that cannot apply what the apiserver answers (json-patch.ts, strategic-merge.ts). A JSON Patch's
// result is then decoded as the apiserver decodes it: a value of the wrong type for its field is its 422
// on `patch` (typed-decode.ts). Nothing else is thrown for any input.
import type { PatchMediaType, Pod } from "../operation/patch-pod.js";
import { invalidStatus } from "../status/status.js";
import { badPatch, PatchError, podFailure, unprocessable } from "./errors.js";
import { isJsonObject, jsonInput, type JsonObject, type JsonValue } from "./json.js";
import { applyJsonPatch } from "./json-patch.js";
import { applyMergePatch } from "./merge-patch.js";
import { podNode } from "./metadata.js";
import { applyWithOwnership } from "./server-side-apply.js";
import { strategicMergePatch } from "./strategic-merge.js";
import { decodePatchedPod } from "./typed-decode.js";

function asObject(value: JsonValue, what: string): JsonObject {
  if (!isJsonObject(value)) throw badPatch("", `${what} must be a JSON object`);
  return value;
}

/** PATCH options that matter to the patch itself (server-side apply). */
export interface ApplyPatchOptions {
  /** The applier; required for `application/apply-patch+yaml`, as the apiserver requires it. */
  fieldManager?: string;
  /** Apply only: take over fields other managers own instead of failing with 409. */
  force?: boolean;
  /** Apply only: RFC 3339 time for the manager's managedFields entry; default now. */
  time?: string;
}

/** ValidatePatchOptions: 422 about PatchOptions when an apply names no field manager. */
export function requireApplyManager(fieldManager: string | undefined): asserts fieldManager is string {
  if (fieldManager === undefined || fieldManager === "") {
    throw new PatchError(
      invalidStatus({ kind: "PatchOptions", group: "meta.k8s.io", name: "" }, [
        { reason: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" },
      ]),
    );
  }
}

function serverSideApply(pod: JsonObject, patch: JsonValue, options: ApplyPatchOptions): JsonObject {
  requireApplyManager(options.fieldManager);
  const name = isJsonObject(pod.metadata) && typeof pod.metadata.name === "string" ? pod.metadata.name : "";
  return applyWithOwnership(pod, asObject(patch, "an apply configuration"), name, {
    fieldManager: options.fieldManager,
    force: options.force === true,
    ...(options.time === undefined ? {} : { time: options.time }),
  });
}

function patchDocument(pod: JsonObject, patch: JsonValue, mediaType: PatchMediaType, options: ApplyPatchOptions): JsonValue {
  switch (mediaType) {
    case "application/json-patch+json": {
      // handlers/patch.go jsonPatcher.applyPatchToCurrentObject: the patched text is decoded into a v1.Pod at once.
      const decoded = new Set<object>();
      const patched = applyJsonPatch(pod, patch, decoded);
      if (isJsonObject(patched)) decodePatchedPod(patched, decoded);
      return patched;
    }
    case "application/merge-patch+json":
      // The apiserver decodes a merge patch's result the same way; the engine does not yet (docs/patch-engine.md).
      return applyMergePatch(pod, asObject(patch, "a merge patch"));
    case "application/strategic-merge-patch+json":
      return strategicMergePatch(pod, asObject(patch, "a strategic merge patch"), podNode);
    case "application/apply-patch+yaml":
      return serverSideApply(pod, patch, options);
    default:
      throw new PatchError(podFailure(415, `the body of the request was in an unknown format: ${String(mediaType)}`, []));
  }
}

/** The Pod after `patch`, or a PatchError with the Status the apiserver would answer. */
export function applyPatch(pod: Pod, patch: unknown, mediaType: PatchMediaType, options: ApplyPatchOptions = {}): Pod {
  const result = patchDocument(asObject(jsonInput(pod, "the Pod"), "the Pod"), jsonInput(patch, "the patch"), mediaType, options);
  if (!isJsonObject(result)) throw unprocessable("", "the patched document is not a JSON object");
  // The result is the patched Pod document; like the apiserver's, it is validated separately (checkPodUpdate).
  return result as Pod;
}
