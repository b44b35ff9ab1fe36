/**
 * The apiserver's PATCH rules that OpenAPI cannot express, and the Status it answers each with, checked
 * by the mock (and the proxy's front) before Prism runs. Each function follows kubernetes v1.35.4:
 * `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go` (PatchResource: Content-Type, output
 * negotiation, body limit, the 10000-operation JSON Patch limit) and
 * `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/` (415 and 406 answers). The
 * PatchOptions rules live in src/engine/patch-options.ts (shared with verify's predictions).
 * Their answers are compared with the real server's by test/differential/errors.test.ts.
 *
 * Inputs: the request's headers, query, path parameters and decoded body. Outputs: a Status to answer
 * with, or undefined when the rule passes. Pure functions.
 */
import { MAX_BODY_BYTES } from "../../src/operation/patch-pod.js";
import { failureStatus, type Status } from "../../src/status/status.js";

export { MAX_BODY_BYTES };

/** The apiserver's limit on the operations of one JSON Patch. */
const MAX_JSON_PATCH_OPERATIONS = 10_000;

const JSON_PATCH = "application/json-patch+json";

/** apimachinery's NewRequestEntityTooLargeError. */
function requestEntityTooLarge(detail: string): Status {
  return failureStatus(413, `Request entity too large: ${detail}`);
}

/** 413 for a body the apiserver would not read to the end. */
export function bodyTooLargeStatus(): Status {
  return requestEntityTooLarge(`limit is ${MAX_BODY_BYTES}`);
}

/**
 * The patch type of a request, checked twice as the apiserver checks it:
 * 1. go-restful's route matching (github.com/emicklei/go-restful/v3 route.go matchesContentType): each
 *    comma-separated entry of Content-Type, parameters dropped and spaces trimmed, compared exactly
 *    (letter case too) with the declared media types; no match is its bare 415
 *    `415: Unsupported Media Type` with empty details;
 * 2. PatchResource: the header up to its first `;` (when that is not the first character), compared
 *    exactly; no match is NewUnsupportedMediaTypeError, which lists the patch types.
 * So `APPLICATION/MERGE-PATCH+JSON` fails the first, `application/merge-patch+json ;charset=utf-8` the
 * second. Returns the patch type, or the Status to refuse the request with.
 */
export function checkPatchContentType(contentType: string | undefined, declared: string[]): { patchType: string } | Status {
  const value = contentType ?? "";
  const routed = value.split(",").some((entry) => declared.includes((entry.split(";", 1)[0] ?? "").trim()));
  if (!routed) return failureStatus(415, "415: Unsupported Media Type", {});
  const semicolon = value.indexOf(";");
  const patchType = semicolon > 0 ? value.slice(0, semicolon) : value;
  if (declared.includes(patchType)) return { patchType };
  return failureStatus(
    415,
    `the body of the request was in an unknown format - accepted media types include: ${declared.join(", ")}`,
  );
}

/** The representations the apiserver answers a Pod in (negotiation's "Available representations"). */
const REPRESENTATIONS = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

/**
 * 406 when `Accept` names none of the representations (wildcards count, `q=0` does not), as
 * NegotiateOutputMediaType refuses it before the body is read. An absent or empty Accept is any.
 */
export function checkAccept(accept: string | undefined): Status | undefined {
  if (accept === undefined || accept.trim() === "") return undefined;
  for (const entry of accept.split(",")) {
    const [range = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    if (parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter))) continue;
    const [type, subtype] = range.split("/");
    for (const offered of REPRESENTATIONS) {
      const [offeredType, offeredSubtype] = offered.split("/");
      if ((type === "*" || type === offeredType) && (subtype === "*" || subtype === offeredSubtype)) return undefined;
    }
  }
  return failureStatus(406, `406: Not Acceptable\n\nAvailable representations: ${REPRESENTATIONS.join(", ")}`, {});
}

/** The NotFound the apiserver answers for an object that does not exist: `pods "web" not found`. */
export function notFoundStatus(resource: string, name: string): Status {
  return failureStatus(404, `${resource} "${name}" not found`, { name, kind: resource });
}

/** 413 for a JSON Patch with more operations than the apiserver applies. */
export function checkJsonPatchSize(patchType: string, body: unknown): Status | undefined {
  if (patchType !== JSON_PATCH || !Array.isArray(body) || body.length <= MAX_JSON_PATCH_OPERATIONS) return undefined;
  return requestEntityTooLarge(
    `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`,
  );
}
