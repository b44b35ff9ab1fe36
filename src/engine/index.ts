// The local patch engine: applyPatch (JSON Patch, merge, strategic merge, server-side apply with field
// ownership), writePod (the whole PATCH as the apiserver carries it out) and
// checkPodUpdate (the apiserver's Pod update rules), with PatchError carrying Kubernetes Status bodies.
export { PatchError } from "./errors.js";
export { applyPatch, type ApplyPatchOptions } from "./apply-patch.js";
export {
  applyWithOwnership,
  trackUpdate,
  type ManagedFieldsEntry,
  type ApplyOptions,
  type UpdateOptions,
  type DeferredFieldsV1,
} from "./server-side-apply.js";
export { decodePod, defaultPod, type DecodedPod } from "./pod-defaults.js";
export { writePod, asStored, defaultFieldManager, type PodWriteOptions, type PodWriteResult } from "./pod-write.js";
export { FieldSet } from "./field-set.js";
export { checkPodUpdate, updatableSpecFieldsMessage, updateRejection, type PodUpdateViolation } from "./pod-update-rules.js";
