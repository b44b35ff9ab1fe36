// The contract's PATCH /api/v1/namespaces/{namespace}/pods/{name} as the package sees it: the run-time
// facts the generate stage writes (generated/patch-pod-operation.ts: operation, media types, path
// parameter rules, status codes) and every type TypeScript derives from the generated model here.
import type { components, operations } from "../../generated/openapi.js";
import type { patchMediaTypes, patchPodOperation } from "../../generated/patch-pod-operation.js";

export {
  cceJsonPatchOps,
  declaredStatusCodes,
  patchMediaTypes,
  patchPodOperation,
  pathParameterRules,
} from "../../generated/patch-pod-operation.js";

/**
 * The apiserver's limit on a request body (MaxRequestBodyBytes, 3 MiB: kubernetes v1.35.4
 * staging/src/k8s.io/apiserver/pkg/server/config.go); the mock and the proxy answer 413 above it and the
 * patch CLI reads no more of a file. Written as a literal: a product would stay in every client bundle
 * (bundlers keep a top-level expression they do not evaluate, even unused).
 */
export const MAX_BODY_BYTES = 3_145_728;

/** The schemas of the contract, by name. */
export type Schemas = components["schemas"];

export type Pod = Schemas["Pod"];

/** A request media type of the operation; the header alone picks the patch format. */
export type PatchMediaType = (typeof patchMediaTypes)[number];

type PatchOperation = operations[typeof patchPodOperation.operationId];

/** The body schema of each patch media type, as generated from the spec. */
export type PatchBodies = PatchOperation["requestBody"]["content"];

/** The body type bound to one media type. */
export type PatchBody<M extends PatchMediaType> = PatchBodies[M];

/** Query options of the operation. */
export type PatchQuery = NonNullable<PatchOperation["parameters"]["query"]>;
