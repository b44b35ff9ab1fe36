// Public entry point of the package: the Pod PATCH client and the contract types its callers need.
export {
  createPodPatchClient,
  InvalidPathParameterError,
  type ApplyPatchQuery,
  type NonApplyPatchQuery,
  type PatchPodBody,
  type PatchPodRequest,
  type PatchPodRequestFor,
  type PatchPodResult,
  type PodPatchClient,
  type PodPatchClientOptions,
  type PodPatchCredentials,
} from "./client/pod-patch-client.js";
export { patchMediaTypes, type PatchBody, type PatchMediaType, type PatchQuery, type Pod } from "./operation/patch-pod.js";
export type { Status } from "./status/status.js";
export {
  escapeSegment,
  jsonPatch,
  pointer,
  type ApplyPatch,
  type EscapeSegment,
  type JsonPatchBody,
  type JsonPatchBuilder,
  type JsonPatchOp,
  type JsonPatchPath,
  type JsonPatchValue,
  type MergePatch,
  type PatchDirective,
  type Pointer,
  type PointerSegment,
  type PodApplyPatch,
  type PodMergePatch,
  type PodStrategicMergePatch,
  type StrategicMergePatch,
  type TypedPatchBodies,
} from "./patches/index.js";
export {
  applyPatch,
  checkPodUpdate,
  PatchError,
  updatableSpecFieldsMessage,
  updateRejection,
  type PodUpdateViolation,
} from "./engine/index.js";
