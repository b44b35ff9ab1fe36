/**
 * The apiserver-like front shared by the mock (tools/servers/mock-server.ts) and the proxy
 * (tools/servers/proxy-server.ts): routing a request to an operation of the spec, turning it into the
 * request Prism validates, the body checks the apiserver makes before decoding, and the 422 Status
 * for Prism's violations.
 *
 * Inputs: Prism operations, the request's method, URL, headers and body bytes. Outputs: the matched
 * operation, Prism requests, the decoded body or the Status to refuse the request with. Pure
 * functions; nothing here writes a response.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpRequest } from "@stoplight/prism-http";
import { patchInvalidStatus } from "../../src/engine/errors.js";
import { goJsonKind, goValue } from "../../src/engine/go-text.js";
import { checkPatchOptions, isApply } from "../../src/engine/patch-options.js";
import { failureStatus, invalidStatus, type Status } from "../../src/status/status.js";
import { strictYamlMessage } from "../../src/yaml/apiserver-yaml.js";
import { checkDecodedBody, fieldValidationOf, typedPatchStatus, typedPlaceOf, undecodableStatus } from "./apiserver-decoding.js";
import { acceptForPrism, checkPatchContentType, normalizedAuthorization, notFoundStatus } from "./apiserver-rules.js";
import { decodeBody } from "./request-body.js";
import type { PrismOperation } from "./spec.js";
import { toCause } from "./violations.js";

export interface Route {
  operation: PrismOperation;
  pattern: RegExp;
  /** Names of the path's template parameters, in the order of the pattern's capture groups. */
  parameterNames: string[];
}

export interface RouteMatch {
  /** The operation for the method and path, with its decoded path parameters; absent when none. */
  match?: { operation: PrismOperation; parameters: Record<string, string> };
  /** Methods the path has operations for (upper case); empty when no path matched. */
  allowed: string[];
}

export function toRoute(operation: PrismOperation): Route {
  const parts = operation.path.split(/(\{[^}]+\})/);
  const source = parts.map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  const parameterNames = parts.filter((part) => part.startsWith("{")).map((part) => part.slice(1, -1));
  return { operation, pattern: new RegExp(`^${source}$`), parameterNames };
}

const utf8Lenient = new TextDecoder("utf-8");

/**
 * A path segment with its percent escapes decoded as Go decodes them: to bytes, whatever they spell, so
 * `%ff` is the byte 0xff (shown as U+FFFD, as the apiserver's JSON shows it) instead of a URIError; a
 * `%` without two hex digits after it is left as it is (malformedPathStatus refuses such paths first).
 */
function decodePathSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  const bytes: number[] = [];
  for (let index = 0; index < segment.length; ) {
    const hex = segment.slice(index + 1, index + 3);
    if (segment[index] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 3;
      continue;
    }
    const codePoint = segment.codePointAt(index) ?? 0;
    for (const byte of Buffer.from(String.fromCodePoint(codePoint), "utf8")) bytes.push(byte);
    index += codePoint > 0xffff ? 2 : 1;
  }
  return utf8Lenient.decode(Uint8Array.from(bytes));
}

/** The path with every segment decoded as above and escaped again, so that Prism, which decodes strictly, never meets `%ff`. */
function prismPath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(decodePathSegment(segment)))
    .join("/");
}

export function findRoute(routes: Route[], method: string, path: string): RouteMatch {
  const onPath = routes.filter((candidate) => candidate.pattern.test(path));
  const allowed = onPath.map((candidate) => candidate.operation.method.toUpperCase());
  const chosen = onPath.find((candidate) => candidate.operation.method === method);
  if (chosen === undefined) return { allowed };
  const values = chosen.pattern.exec(path)?.slice(1) ?? [];
  const parameters = Object.fromEntries(
    chosen.parameterNames.map((name, index) => [name, decodePathSegment(values[index] ?? "")]),
  );
  return { match: { operation: chosen.operation, parameters }, allowed };
}

/**
 * 404 for a path the spec does not have, 405 for a method the path has no operation for (`allowed`
 * goes into `Allow`), worded as the apiserver words them, with empty details.
 */
export function routeRefusal(allowed: string[]): Status {
  return allowed.length === 0
    ? failureStatus(404, "the server could not find the requested resource", {})
    : failureStatus(405, "the server does not allow this method on the requested resource", {});
}

/** Node's headers as Prism's name → value map (repeated headers joined with ", "). */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

function queryValues(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    result[name] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return result;
}

/**
 * The request as Prism validates it, without a body. What Prism would choke on where the apiserver does
 * not is put the way the apiserver reads it: the path's escapes (decoded as Go decodes them, then escaped
 * again), `Accept` (its ranges without parameters) and
 * `Authorization` (a bearer scheme in any case, as the apiserver's authenticator reads it).
 */
export function toPrismRequest(operation: PrismOperation, url: URL, headers: IncomingHttpHeaders): IHttpRequest {
  const flat = flatHeaders(headers);
  const accept = acceptForPrism(flat.accept);
  const authorization = normalizedAuthorization(flat.authorization);
  delete flat.accept;
  delete flat.authorization;
  return {
    // The route matched, so this is one of the spec's methods, which Prism types as its HttpMethod union.
    method: operation.method as IHttpRequest["method"],
    url: { path: prismPath(url.pathname), query: queryValues(url.searchParams) },
    headers: {
      ...flat,
      ...(accept === undefined ? {} : { accept }),
      ...(authorization === undefined ? {} : { authorization }),
    },
  };
}

/** True when the operation declares a request body. */
export function takesBody(operation: PrismOperation): boolean {
  return (operation.request?.body?.contents ?? []).length > 0;
}

/**
 * The patch type of the request when the operation declares it, matched as the apiserver matches it
 * (apiserver-rules.ts `checkPatchContentType`), or the apiserver's 415.
 */
export function checkContentType(operation: PrismOperation, contentType: string | undefined): { essence: string } | Status {
  const declared = (operation.request?.body?.contents ?? []).map((content) => content.mediaType);
  const checked = checkPatchContentType(contentType, declared);
  return "patchType" in checked ? { essence: checked.patchType } : checked;
}

/** A body the checks accept: its decoded value and the warnings the apiserver would send with the answer. */
export interface AcceptedBody {
  value: unknown;
  warnings: string[];
}

/**
 * The checks after the body is read, in the apiserver's order: PatchOptions (422), the object's lookup
 * (`target.missing`, the NotFound to answer for an object that cannot exist), decoding by media type
 * (400), then what the apiserver's decoders refuse (apiserver-decoding.ts: 400, 413, 422, 500)
 * or warn about (`target.name`: the name in the URL, which a body's `metadata.name` must match). Returns
 * the decoded body with its warnings, or the Status to refuse it with.
 */
export function checkBody(
  operation: PrismOperation,
  essence: string,
  bytes: Buffer,
  url: URL,
  target: { name?: string; missing?: Status } = {},
): AcceptedBody | Status {
  const isPatch = operation.method === "patch";
  const optionsProblem = isPatch ? checkPatchOptions(essence, url.searchParams) : undefined;
  if (optionsProblem !== undefined) return optionsProblem;
  if (target.missing !== undefined) return target.missing;
  const mode = fieldValidationOf(url.searchParams);
  const decoded = decodeBody(essence, bytes);
  if (!decoded.ok) return isPatch ? undecodableStatus(essence, mode, bytes, decoded.detail) : failureStatus(400, decoded.message);
  if (!isPatch) return { value: decoded.value, warnings: [] };
  const verdict = checkDecodedBody(essence, mode, decoded.value, target.name);
  if ("status" in verdict) return verdict.status;
  // applyPatcher decodes the body again strictly after the apply, under Strict only (patch.go).
  const strictErrors = decoded.strictErrors ?? [];
  if (mode === "Strict" && strictErrors.length > 0) {
    return failureStatus(400, `error strict decoding YAML: ${strictYamlMessage(strictErrors)}`);
  }
  return { value: decoded.value, warnings: verdict.warnings };
}

/** True when a path parameter breaks its schema's pattern or length (Prism reports it; the apiserver finds no such object). */
function breaksSchema(value: string, schema: { pattern?: string; minLength?: number; maxLength?: number } | undefined): boolean {
  if (schema === undefined) return false;
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return true;
  if (schema.maxLength !== undefined && length > schema.maxLength) return true;
  return schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value);
}

/**
 * The apiserver's NotFound for an object the path cannot name: a namespace or name that breaks the
 * contract's DNS-1123 rules is never stored, so the apiserver answers `<resource> "<name>" not found`
 * (it does not validate names on PATCH or GET). Undefined when the path parameters are valid.
 */
export function missingObject(operation: PrismOperation, parameters: Record<string, string>): Status | undefined {
  const name = parameters.name;
  if (name === undefined) return undefined;
  const invalid = (operation.request?.path ?? []).some((parameter) =>
    breaksSchema(parameters[parameter.name] ?? "", parameter.schema as Parameters<typeof breaksSchema>[1]),
  );
  if (!invalid) return undefined;
  const resource = /\/([^/{}]+)\/\{name\}$/.exec(operation.path)?.[1] ?? "objects";
  return notFoundStatus(resource, name);
}

/**
 * `Warning` header values as the apiserver writes them (apimachinery's NewWarningHeader): `299 - "<text>"`,
 * only `"` and `\` escaped, the UTF-8 bytes carried as they are (node writes header values byte for
 * byte as Latin-1). Warning texts never hold control characters (NewWarningHeader refuses them).
 */
export function warningHeaders(warnings: string[]): string[] {
  return warnings.map((text) => Buffer.from(`299 - "${text.replace(/["\\]/g, "\\$&")}"`, "utf8").toString("latin1"));
}

/** True for a Status (a refusal) rather than an accepted value of the checks above. */
export function isStatus(value: object): value is Status {
  return "kind" in value && value.kind === "Status";
}

/**
 * The keywords whose violation the apiserver meets while decoding the patched object into a Pod, not
 * while validating the Pod: a wrong type, a wrong kind or apiVersion, a time that is not RFC 3339, a
 * number beyond int32/int64. Server-side apply reads the body as a typed value first, where only a
 * wrong type (or an unknown field) fails; a number out of range wraps and is left to validation.
 */
const DECODING_KEYWORDS = new Set(["type", "const", "format", "pattern", "additionalProperties", "oneOf", "anyOf"]);
const TYPED_PATCH_KEYWORDS = new Set(["type", "additionalProperties"]);

/** The value a body diagnostic points at. */
function valueAt(diagnostic: IPrismDiagnostic, body: unknown): unknown {
  const segments = (diagnostic.path ?? []).slice(1).map(String);
  return segments.reduce<unknown>(
    (node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined),
    body,
  );
}

/** A decoding failure of the patched object in Go's form (the kind of the value found, where, the contract's complaint). */
function decodingDetail(diagnostic: IPrismDiagnostic, body: unknown): string {
  const field = (diagnostic.path ?? [])
    .slice(1)
    .map(String)
    .filter((segment) => !/^\d+$/.test(segment))
    .join(".");
  return `json: cannot unmarshal ${goJsonKind(valueAt(diagnostic, body))} into Go struct field ${field}: ${diagnostic.message}`;
}

/** What server-side apply says of a value of the wrong type, in its words: `expected string, got 5`. */
function typeMismatch(diagnostic: IPrismDiagnostic, body: unknown): string {
  const expected = /must be (\w+)/.exec(diagnostic.message)?.[1] ?? "another type";
  const word =
    ({ object: "map", array: "list", integer: "numeric", number: "numeric" } as Record<string, string>)[expected] ?? expected;
  return `expected ${word}, got ${JSON.stringify(valueAt(diagnostic, body))}`;
}

/**
 * Server-side apply's complaints about the values of the wrong type Prism found, as structured-merge-diff
 * v6.4.2 words them (typed/validate.go): `<path>: expected …, got …` each, except in an associative list
 * (x-kubernetes-list-type: map), which is read only up to its first element that is not a map: that
 * element ends the list with one complaint, `element <i>: associative list with keys may not have non-map
 * elements`, and nothing after it in the list is looked at (validatingObjectWalker.visitListItems).
 * Prism lists a list's elements in order, so the first such diagnostic is the first such element.
 */
function typedPatchProblems(decoding: IPrismDiagnostic[], body: unknown): string[] {
  const problems: string[] = [];
  const endedLists = new Set<string>();
  for (const diagnostic of decoding) {
    const place = typedPlaceOf(body, (diagnostic.path ?? []).slice(1).map(String));
    if (place.lists.some((list) => endedLists.has(list))) continue;
    const element = place.nonMapElementOf;
    if (element === undefined) problems.push(`${place.path}: ${typeMismatch(diagnostic, body)}`);
    else {
      endedLists.add(element.list);
      problems.push(`${element.list}: element ${element.index}: associative list with keys may not have non-map elements`);
    }
  }
  return problems;
}

/**
 * Where the apiserver meets the mistakes Prism found in a request, in the order it handles a patch:
 * - `options`: only the query breaks the contract (the patch options);
 * - `patch`: a JSON Patch breaks it — an operation that cannot be applied (applyJSPatch);
 * - `decoding`: a value of the wrong type in the body — the patched object does not decode into a Pod
 *   (merge, strategic), the typed patch cannot be built (apply): after the patch is applied, before the
 *   update's checks of the name and the resourceVersion;
 * - `validation`: anything else — the Pod's validation, after those checks.
 * `essence` is the request's media type (none for an answer).
 */
export type RefusalStage = "options" | "patch" | "decoding" | "validation";

/** The diagnostics of the body that are decoding failures for a patch of type `essence`, in Prism's order. */
function decodingDiagnostics(errors: IPrismDiagnostic[], essence: string): IPrismDiagnostic[] {
  const keywords = isApply(essence) ? TYPED_PATCH_KEYWORDS : DECODING_KEYWORDS;
  return errors.filter((diagnostic) => diagnostic.path?.[0] === "body" && keywords.has(String(diagnostic.code)));
}

export function refusalStage(errors: IPrismDiagnostic[], essence?: string): RefusalStage {
  if (errors.every((diagnostic) => diagnostic.path?.[0] === "query")) return "options";
  if (essence === undefined || !errors.some((diagnostic) => diagnostic.path?.[0] === "body")) return "validation";
  if (essence === "application/json-patch+json") return "patch";
  return decodingDiagnostics(errors, essence).length > 0 ? "decoding" : "validation";
}

/**
 * The Status for Prism's violations of a request, shaped as the apiserver answers the same mistake at its
 * stage (refusalStage): the patch options are refused with one cause each (422 PatchOptions); a JSON Patch
 * operation that cannot be applied with applyJSPatch's generic 422; a value of the wrong type in a merge or
 * strategic patch fails the decoding of the patched object (422 on the field `patch`), and in an apply
 * patch the typed patch (500); anything else is a validation failure of the Pod (422 Invalid, kind Pod,
 * one cause per violation).
 */
export function violationStatus(
  operation: PrismOperation,
  pathParameters: Record<string, string>,
  errors: IPrismDiagnostic[],
  body: unknown,
  essence?: string,
): Status {
  const queryNames = (operation.request?.query ?? []).map((parameter) => parameter.name);
  const causes = errors.map((diagnostic) => toCause(diagnostic, body, queryNames));
  const stage = refusalStage(errors, essence);
  if (stage === "options") return invalidStatus({ kind: "PatchOptions", group: "meta.k8s.io", name: "" }, causes);
  // errors.NewGenericServerResponse(422, …), applyJSPatch's answer to any operation that fails to apply.
  if (stage === "patch") return failureStatus(422, "the server rejected our request due to an error in our request", {});
  if (stage === "decoding" && essence !== undefined) {
    const decoding = decodingDiagnostics(errors, essence);
    if (isApply(essence)) return typedPatchStatus(body, typedPatchProblems(decoding, body));
    const [firstDecoding] = decoding;
    if (firstDecoding !== undefined) {
      // The decoder names the first value of the wrong type only: Go's encoding/json "returns an
      // UnmarshalTypeError describing the earliest such error", and apimachinery's unstructured
      // converter (strategic merge) stops at it.
      const dump = essence === "application/strategic-merge-patch+json" ? goValue(body) : JSON.stringify(body);
      return patchInvalidStatus(dump, decodingDetail(firstDecoding, body));
    }
  }
  const gvk = operation.extensions?.["x-kubernetes-group-version-kind"] as { group?: string; kind?: string } | undefined;
  return invalidStatus({ kind: gvk?.kind ?? "Object", group: gvk?.group ?? "", name: pathParameters.name ?? "" }, causes);
}
