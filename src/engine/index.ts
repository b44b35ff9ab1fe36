// The local patch engine: applyPatch (JSON Patch, merge, strategic merge, an apply approximation) and
// checkPodUpdate (the apiserver's Pod update rules), with PatchError carrying Kubernetes Status bodies.
export { PatchError } from "./errors.js";
export { applyPatch } from "./apply-patch.js";
export { checkPodUpdate, updatableSpecFieldsMessage, updateRejection, type PodUpdateViolation } from "./pod-update-rules.js";
