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
import type { IHttpRequest } from "@stoplight/prism-http";
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import { checkPatchOptions } from "../../src/engine/patch-options.js";
import { checkJsonPatchSize } from "./apiserver-rules.js";
import { mediaTypeEssence, mediaTypeMatches } from "./media-type.js";
import { decodeBody } from "./request-body.js";
import type { PrismOperation } from "./spec.js";
import { failureStatus, invalidStatus, type Status } from "../../src/status/status.js";
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

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
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

/** 404 for a path the spec does not have, 405 for a method the path has no operation for (`allowed` goes into `Allow`). */
export function routeRefusal(path: string, allowed: string[]): Status {
  return allowed.length === 0
    ? failureStatus(404, `the server could not find the requested resource (${path})`)
    : failureStatus(405, "the server does not allow this method on the requested resource");
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

/** The request as Prism validates it, without a body. */
export function toPrismRequest(operation: PrismOperation, url: URL, headers: IncomingHttpHeaders): IHttpRequest {
  return {
    // The route matched, so this is one of the spec's methods, which Prism types as its HttpMethod union.
    method: operation.method as IHttpRequest["method"],
    url: { path: url.pathname, query: queryValues(url.searchParams) },
    headers: flatHeaders(headers),
  };
}

/** True when the operation declares a request body. */
export function takesBody(operation: PrismOperation): boolean {
  return (operation.request?.body?.contents ?? []).length > 0;
}

/** The essence of a Content-Type the operation declares, or the 415 Status the apiserver answers otherwise. */
export function checkContentType(operation: PrismOperation, contentType: string | undefined): { essence: string } | Status {
  const declared = (operation.request?.body?.contents ?? []).map((content) => content.mediaType);
  const essence = contentType === undefined ? undefined : mediaTypeEssence(contentType);
  if (essence !== undefined && declared.some((mediaType) => mediaTypeMatches(essence, mediaType))) return { essence };
  const found = contentType === undefined ? "no Content-Type" : `Content-Type "${contentType}"`;
  return failureStatus(
    415,
    `the body of the request was in an unknown format (${found}) - accepted media types include: ${declared.join(", ")}`,
  );
}

/**
 * The checks after the body is read, in the apiserver's order: PatchOptions (422), decoding by media
 * type (400), JSON Patch size (413). Returns the decoded body, or the Status to refuse it with.
 */
export function checkBody(operation: PrismOperation, essence: string, bytes: Buffer, url: URL): { value: unknown } | Status {
  const optionsProblem = operation.method === "patch" ? checkPatchOptions(essence, url.searchParams) : undefined;
  if (optionsProblem !== undefined) return optionsProblem;
  const decoded = decodeBody(essence, bytes);
  if (!decoded.ok) return failureStatus(400, decoded.message);
  return checkJsonPatchSize(essence, decoded.value) ?? { value: decoded.value };
}

/** True for a Status (a refusal) rather than an accepted value of the checks above. */
export function isStatus(value: object): value is Status {
  return "kind" in value && value.kind === "Status";
}

/**
 * 422 Invalid for Prism's violations, one cause each. Violations only in the query are about the
 * patch options (kind PatchOptions, as the apiserver reports them); otherwise the object is the one
 * the operation declares (`x-kubernetes-group-version-kind`) under the `{name}` of the path.
 */
export function violationStatus(
  operation: PrismOperation,
  pathParameters: Record<string, string>,
  errors: IPrismDiagnostic[],
  body: unknown,
): Status {
  const queryNames = (operation.request?.query ?? []).map((parameter) => parameter.name);
  const causes = errors.map((diagnostic) => toCause(diagnostic, body, queryNames));
  if (errors.every((diagnostic) => diagnostic.path?.[0] === "query")) {
    return invalidStatus({ kind: "PatchOptions", group: "meta.k8s.io", name: "" }, causes);
  }
  const gvk = operation.extensions?.["x-kubernetes-group-version-kind"] as { group?: string; kind?: string } | undefined;
  return invalidStatus({ kind: gvk?.kind ?? "Object", group: gvk?.group ?? "", name: pathParameters.name ?? "" }, causes);
}
