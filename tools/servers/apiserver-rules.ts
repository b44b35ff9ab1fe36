/**
 * The apiserver's PATCH rules that OpenAPI cannot express, checked by the mock before Prism runs
 * (kubernetes v1.35.4 `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`, the 3 MiB
 * MaxRequestBodyBytes of `staging/src/k8s.io/apiserver/pkg/server/config.go`).
 * The PatchOptions rules live in src/engine/patch-options.ts (shared with verify's predictions).
 *
 * Inputs: the request's media-type essence, its query and its parsed body. Outputs: a Status to
 * answer with, or undefined when the rule passes. Pure functions.
 */
import { MAX_BODY_BYTES } from "../../src/operation/patch-pod.js";
import { failureStatus, type Status } from "../../src/status/status.js";

export { MAX_BODY_BYTES };

/** The apiserver's limit on the operations of one JSON Patch. */
const MAX_JSON_PATCH_OPERATIONS = 10_000;

const JSON_PATCH = "application/json-patch+json";

/** 413 for a body the apiserver would not read to the end. */
export function bodyTooLargeStatus(): Status {
  return failureStatus(413, `Request entity too large: limit is ${MAX_BODY_BYTES}`);
}

/** 413 for a JSON Patch with more operations than the apiserver applies. */
export function checkJsonPatchSize(essence: string, body: unknown): Status | undefined {
  if (essence !== JSON_PATCH || !Array.isArray(body) || body.length <= MAX_JSON_PATCH_OPERATIONS) return undefined;
  return failureStatus(413, `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`);
}
