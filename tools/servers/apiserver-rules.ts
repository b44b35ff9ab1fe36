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

/** One clause of an Accept header as goautoneg's ParseAccept reads it; undefined for one it skips. */
interface AcceptClause {
  type: string;
  subtype: string;
  parameters: Map<string, string>;
}

function parseAcceptClause(entry: string): AcceptClause | undefined {
  const [range = "", ...parameterTexts] = entry.split(";");
  const parts = range.split("/").map((part) => part.trim());
  // A range without exactly one "/" names nothing ("json", "a/b/c"); a lone "*" is not the full wildcard to the apiserver.
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return undefined;
  const parameters = new Map<string, string>();
  for (const text of parameterTexts) {
    const [name, value, ...more] = text.split("=");
    if (value === undefined || more.length > 0) continue;
    parameters.set((name ?? "").trim(), value.trim());
  }
  return { type: (parts[0] as string).toLowerCase(), subtype: (parts[1] as string).toLowerCase(), parameters };
}

/**
 * The clauses of `Accept` the apiserver serves, in order: exactly one of the representations, or the
 * full wildcard `*` `/` `*` (neither a lone `*` nor `application/` `*`); `q` is not consulted (`q=0` is served); a conversion (`as=`)
 * only with its group and version. Worked out from v1.35.4's answers (test/differential/hostile.test.ts
 * records them) rather than from goautoneg, whose source alone would accept `*` and `application/*`.
 */
function servedClauses(accept: string): AcceptClause[] {
  return accept
    .split(",")
    .map(parseAcceptClause)
    .filter((clause): clause is AcceptClause => {
      if (clause === undefined) return false;
      const range = `${clause.type}/${clause.subtype}`;
      if (range !== "*/*" && !REPRESENTATIONS.includes(range)) return false;
      return !clause.parameters.has("as") || (clause.parameters.has("g") && clause.parameters.has("v"));
    });
}

/**
 * 406 when `Accept` names none of the representations the apiserver serves (servedClauses), as
 * NegotiateOutputMediaType refuses it before the body is read. An absent or blank Accept is any.
 */
export function checkAccept(accept: string | undefined): Status | undefined {
  if (accept === undefined || accept.trim() === "") return undefined;
  if (servedClauses(accept).length > 0) return undefined;
  return failureStatus(406, `406: Not Acceptable\n\nAvailable representations: ${REPRESENTATIONS.join(", ")}`, {});
}

/**
 * The Accept header as Prism should see it: each range that parses as `type/subtype`, without parameters
 * (Prism's own parser throws on what the apiserver shrugs off, such as `application/json;q=` or a lone
 * `*`); Prism then judges the ranges against the contract's answers (text/html: 406). Undefined when
 * nothing parses, or for an absent header.
 */
export function acceptForPrism(accept: string | undefined): string | undefined {
  if (accept === undefined) return undefined;
  const ranges = accept
    .split(",")
    .map(parseAcceptClause)
    .filter((clause): clause is AcceptClause => clause !== undefined)
    .map((clause) => `${clause.type}/${clause.subtype}`);
  return ranges.length === 0 ? undefined : [...new Set(ranges)].join(", ");
}

/**
 * The credential in `Authorization` as the apiserver's bearer-token authenticator reads it
 * (k8s.io/apiserver/pkg/authentication/request/bearertoken): the header trimmed, split on single spaces,
 * the scheme compared without case (`bearer x` and `BEARER x` work), the second part the token, anything
 * after it ignored. Returns the header to hand on (`Bearer <token>`), undefined for a bearer header whose
 * token is empty (`Bearer` alone, or two spaces before the token: refused), or the header unchanged when
 * it is not a bearer credential at all.
 */
export function normalizedAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parts = header.trim().split(" ");
  if ((parts[0] ?? "").toLowerCase() !== "bearer") return header;
  const token = parts[1] ?? "";
  return token === "" ? undefined : `Bearer ${token}`;
}

/**
 * Go's HTTP server refuses a request whose path has a `%` not followed by two hex digits (url.ParseRequestURI:
 * `invalid URL escape "%zz"`) with a plain 400 before any handler runs; the mock answers a Status 400
 * saying the same. Undefined for a well-formed path (`%ff` is well formed: it names a byte, then no object).
 */
export function malformedPathStatus(target: string): Status | undefined {
  const path = target.split("?", 1)[0] ?? "";
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(path);
  if (bad === null) return undefined;
  const badEscape = path.slice(bad.index, bad.index + 3);
  return failureStatus(400, `the request path is not a valid URL: invalid URL escape ${JSON.stringify(badEscape)}`, {});
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
