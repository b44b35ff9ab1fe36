// `pod-patch-contract/openapi-fetch`: openapi-fetch's typed client (`Client<paths>`) for the contract, sending
// through this package's transport with its credentials and checks (src/client/openapi-fetch-client.ts;
// docs/client.md says when to use it rather than the main entry's createPodPatchClient). A subpath of its own,
// so that only a program that imports it loads openapi-fetch.
export {
  createPodPatchFetchClient,
  createPodPatchFetchClientFromKubeconfig,
  type KubeconfigFetchClientOptions,
  type KubeconfigPodPatchFetchClient,
  type PodPatchFetchClient,
  type PodPatchFetchClientOptions,
} from "./client/openapi-fetch-client.js";
export { InvalidOptionError, InvalidPathParameterError, type PodPatchCredentials } from "./client/pod-patch-client.js";
export { NoAnswerError, type NoAnswerReason } from "./client/no-answer.js";
export { ExecCredentialError, KubeconfigError } from "./kubeconfig/index.js";
export type { components, operations, paths } from "../generated/openapi.js";
export type { Status } from "./status/status.js";
