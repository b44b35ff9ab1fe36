/**
 * Mock server for the bundled contract: a Node HTTP server on 127.0.0.1 that answers from the
 * spec's examples through Prism, and answers every error it finds itself with a Kubernetes `Status`.
 *
 * Input: `startMockServer({ specPath, port })` (port 0 picks a free one). Output: `{ url, close() }`.
 * Rejects at start when the spec cannot be loaded (src/mock/spec.ts), when a Prism internal the mock
 * relies on is missing (src/mock/prism-internals.ts) or when the port cannot be bound.
 *
 * Why Prism's programmatic core (`createInstance` of @stoplight/prism-http) behind our own front,
 * and not prism-http-server's `createServer`: that server parses the body itself (JSON for `+json`,
 * plain text for everything else, up to 10 MB), so an apply patch would reach validation as a
 * string, and an oversized body would be read before anyone could refuse it. Here the front reads
 * the body under the apiserver's 3 MiB limit, decodes it by its media type (YAML for apply) and
 * hands Prism the parsed value; Prism still validates body, query and path against the spec and
 * picks the mocked response (`Prefer: code=NNN`, `Prefer: example=key`).
 *
 * Order of checks, as the apiserver runs them: route (404; 405 with Allow) → credentials (401) →
 * Content-Type (415) → body size (413) → PatchOptions (422) → decoding (400) → JSON Patch size (413)
 * → Prism: contract violations (422 Invalid, one cause per violation) or the mocked response.
 * Only the `Prefer` header selects responses (Prism's `__code`-style query parameters are not read).
 * `sl-violations` is set exactly when there is something to report, as in Prism's own server.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createInstance, type IHttpConfig, type IHttpRequest } from "@stoplight/prism-http";
import { createLogger, type IPrismDiagnostic } from "@stoplight/prism-core";
import {
  bodyTooLargeStatus,
  checkJsonPatchSize,
  checkPatchOptions,
  MAX_BODY_BYTES,
} from "./mock/apiserver-rules.js";
import { mediaTypeEssence, mediaTypeMatches } from "./mock/media-type.js";
import { installSuffixAwareMediaTypeMatch, loadSecurityValidator } from "./mock/prism-internals.js";
import { decodeBody, readBody, type BodyRead } from "./mock/request-body.js";
import { loadOperations, type PrismOperation } from "./mock/spec.js";
import { failureStatus, invalidStatus, sendStatus, setViolationsHeader, type Status } from "./mock/status.js";
import { isError, toCause, toViolation } from "./mock/violations.js";

export interface MockServerOptions {
  /** Bundled spec to serve. */
  specPath: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting connections, drops open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

const BASE_CONFIG: IHttpConfig = {
  checkSecurity: true,
  validateRequest: true,
  validateResponse: true,
  errors: false,
  isProxy: false,
  upstreamProxy: undefined,
  mock: { dynamic: false },
};

interface Route {
  operation: PrismOperation;
  pattern: RegExp;
  /** Names of the path's template parameters, in the order of the pattern's capture groups. */
  parameterNames: string[];
}

interface RouteMatch {
  /** The operation for the method and path, with its decoded path parameters; absent when none. */
  match?: { operation: PrismOperation; parameters: Record<string, string> };
  /** Methods the path has operations for (upper case); empty when no path matched. */
  allowed: string[];
}

function toRoute(operation: PrismOperation): Route {
  const parts = operation.path.split(/(\{[^}]+\})/);
  const source = parts
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
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

/** `code` and `example` of a Prefer header (RFC 7240; other preferences are ignored), or why they are unusable. */
function mockPreferences(header: string | undefined): { code?: number; exampleKey?: string } | string {
  const preferences: { code?: number; exampleKey?: string } = {};
  for (const item of (header ?? "").split(/[,;]/)) {
    const [name = "", ...valueParts] = item.split("=");
    const value = valueParts.join("=").trim().replace(/^"(.*)"$/, "$1");
    const key = name.trim().toLowerCase();
    if (key === "code") {
      if (!/^\d{3}$/.test(value)) return `Prefer: code must be a three-digit HTTP status code, got "${value}"`;
      preferences.code = Number(value);
    } else if (key === "example") {
      if (value === "") return "Prefer: example needs the key of a named example";
      preferences.exampleKey = value;
    }
  }
  return preferences;
}

function findRoute(routes: Route[], method: string, path: string): RouteMatch {
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

function serialize(body: unknown): string {
  if (body === undefined) return "";
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** Reads and checks the body of an operation that declares one; answers and returns undefined when it is refused. */
async function acceptBody(
  operation: PrismOperation,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<{ value: unknown; essence: string } | undefined> {
  const declared = (operation.request?.body?.contents ?? []).map((content) => content.mediaType);
  const contentType = request.headers["content-type"];
  const essence = contentType === undefined ? undefined : mediaTypeEssence(contentType);
  if (essence === undefined || !declared.some((mediaType) => mediaTypeMatches(essence, mediaType))) {
    const found = contentType === undefined ? "no Content-Type" : `Content-Type "${contentType}"`;
    sendStatus(
      response,
      failureStatus(
        415,
        `the body of the request was in an unknown format (${found}) - accepted media types include: ${declared.join(", ")}`,
      ),
    );
    return undefined;
  }
  let read: BodyRead;
  try {
    read = await readBody(request, MAX_BODY_BYTES);
  } catch {
    response.destroy();
    return undefined;
  }
  if (read.kind === "too-large") {
    sendStatus(response, bodyTooLargeStatus());
    return undefined;
  }
  const optionsProblem = operation.method === "patch" ? checkPatchOptions(essence, url.searchParams) : undefined;
  if (optionsProblem !== undefined) {
    sendStatus(response, optionsProblem);
    return undefined;
  }
  const decoded = decodeBody(essence, read.bytes);
  if (!decoded.ok) {
    sendStatus(response, failureStatus(400, decoded.message));
    return undefined;
  }
  const sizeProblem = checkJsonPatchSize(essence, decoded.value);
  if (sizeProblem !== undefined) {
    sendStatus(response, sizeProblem);
    return undefined;
  }
  return { value: decoded.value, essence };
}

export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  installSuffixAwareMediaTypeMatch();
  const validateSecurity = loadSecurityValidator();
  const operations = await loadOperations(options.specPath);
  const routes = operations.map(toRoute);
  const prism = createInstance(BASE_CONFIG, { logger: createLogger("mock", { level: "silent" }) });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    const method = (request.method ?? "GET").toLowerCase();
    const { match, allowed } = findRoute(routes, method, url.pathname);
    if (match === undefined) {
      if (allowed.length === 0) {
        sendStatus(response, failureStatus(404, `the server could not find the requested resource (${url.pathname})`));
      } else {
        sendStatus(response, failureStatus(405, "the server does not allow this method on the requested resource"), {
          headers: { allow: allowed.join(", ") },
        });
      }
      return;
    }
    const { operation, parameters } = match;
    const prismRequest: IHttpRequest = {
      // The route matched, so this is one of the spec's methods, which Prism types as its HttpMethod union.
      method: operation.method as IHttpRequest["method"],
      url: { path: url.pathname, query: queryValues(url.searchParams) },
      headers: flatHeaders(request.headers),
    };
    if (validateSecurity({ resource: operation, element: prismRequest })._tag === "Left") {
      sendStatus(response, failureStatus(401, "Unauthorized"));
      return;
    }
    if ((operation.request?.body?.contents ?? []).length > 0) {
      const body = await acceptBody(operation, request, response, url);
      if (body === undefined) return;
      prismRequest.body = body.value;
      // Prism re-parses Content-Type; hand it the accepted media type without parameters.
      prismRequest.headers = { ...prismRequest.headers, "content-type": body.essence };
    }
    const preferences = mockPreferences(prismRequest.headers?.prefer);
    if (typeof preferences === "string") {
      sendStatus(response, failureStatus(400, preferences));
      return;
    }
    const result = await prism.request(prismRequest, operations, {
      ...BASE_CONFIG,
      mock: { dynamic: false, ...preferences },
    })();
    if (result._tag === "Left") {
      const error: Error & { status?: number; detail?: string } = result.left;
      if (error.status === undefined || error.status >= 500) throw error;
      sendStatus(response, failureStatus(error.status, error.detail ?? error.message));
      return;
    }
    const { output, validations } = result.right;
    const requestViolations = validations.input.map((diagnostic) => toViolation(diagnostic, "request"));
    const errors = validations.input.filter(isError);
    if (errors.length > 0) {
      sendStatus(response, violationStatus(operation, parameters, errors, prismRequest.body), {
        violations: requestViolations,
      });
      return;
    }
    const responseViolations = validations.output.map((diagnostic) => toViolation(diagnostic, "response"));
    setViolationsHeader(response, [...requestViolations, ...responseViolations]);
    for (const [name, value] of Object.entries(output.headers ?? {})) {
      if (value !== null && value !== undefined) response.setHeader(name, String(value));
    }
    const payload = serialize(output.body);
    response.writeHead(output.statusCode, { "content-length": Buffer.byteLength(payload) });
    response.end(payload);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`mock: internal failure on ${request.method} ${request.url}: ${message}`);
      try {
        sendStatus(response, failureStatus(500, `mock failure: ${message}`));
      } catch {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * 422 Invalid for Prism's violations, one cause each. Violations only in the query are about the
 * patch options (kind PatchOptions, as the apiserver reports them); otherwise the object is the one
 * the operation declares (`x-kubernetes-group-version-kind`) under the `{name}` of the path.
 */
function violationStatus(
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
