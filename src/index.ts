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
} from "./client.js";
export {
  patchMediaTypes,
  type PatchBody,
  type PatchMediaType,
  type PatchQuery,
  type Pod,
  type Status,
} from "../generated/client.js";
