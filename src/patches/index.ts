// Typed patches for the Pod: a JSON Patch builder with paths checked at compile time, the pointer
// helper, and merge, strategic merge and apply body types derived from the generated model.
import type { PatchMediaType } from "../operation/patch-pod.js";
import type { PodApplyPatch } from "./apply.js";
import type { JsonPatchBody } from "./json-patch-builder.js";
import type { PodMergePatch } from "./merge.js";
import type { PodStrategicMergePatch } from "./strategic.js";

export type { ApplyPatch, PodApplyPatch } from "./apply.js";
export {
  cceJsonPatch,
  type CceJsonPatchOp,
  jsonPatch,
  type JsonPatchBody,
  type JsonPatchBuilder,
  type JsonPatchChecks,
  type JsonPatchOp,
  type JsonPatchOperationCheck,
  type JsonPatchOperationInput,
  type JsonPatchPath,
  type JsonPatchTarget,
  type JsonPatchValue,
} from "./json-patch-builder.js";
export type { MergePatch, PodMergePatch } from "./merge.js";
export { escapeSegment, pointer, type EscapeSegment, type Pointer, type PointerSegment } from "../json-pointer/pointer.js";
export type { PatchDirective, PodStrategicMergePatch, StrategicMergePatch } from "./strategic.js";

/** The typed body of each patch media type; a media type the contract adds without a type here fails to compile. */
export type TypedPatchBodies = {
  [M in PatchMediaType]: {
    "application/json-patch+json": JsonPatchBody;
    "application/merge-patch+json": PodMergePatch;
    "application/strategic-merge-patch+json": PodStrategicMergePatch;
    "application/apply-patch+yaml": PodApplyPatch;
  }[M];
};
