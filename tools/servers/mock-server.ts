/**
 * Mock server for the bundled contract: a Node HTTP server on 127.0.0.1 that keeps a store of Pods and
 * answers GET and PATCH of a Pod as the apiserver does (tools/servers/pod-api.ts, the engine's writePod),
 * the supporting endpoints from the spec's examples through Prism, and every error it finds itself with a
 * Kubernetes `Status`. Every request is validated against the contract, and so is every answer the
 * store computes: an answer that breaks the contract is an internal failure (logged on stderr, 500),
 * never sent.
 *
 * Input: `startMockServer({ specPath, port, profile?, tls?, pods? })` (port 0 picks a free one; `tls` = PEM key and
 * certificate to serve HTTPS, e.g. from tools/servers/tls.ts; `pods` are stored besides the Pods of the
 * contract's examples; `limits` as in tools/servers/listen.ts). Output: `{ url, close() }`. It listens on
 * 127.0.0.1 and ::1, under listen.ts's limits on slow clients and open connections.
 * Rejects at start when the spec cannot be loaded (tools/servers/spec.ts), when a Prism internal the mock
 * relies on is missing (tools/servers/prism-internals.ts) or when the port cannot be bound.
 *
 * Why Prism's programmatic core (`createInstance` of @stoplight/prism-http) behind our own front,
 * and not prism-http-server's `createServer`: that server parses the body itself (JSON for `+json`,
 * plain text for everything else, up to 10 MB), so an apply patch would reach validation as a
 * string, and an oversized body would be read before anyone could refuse it. Here the front reads
 * the body under the apiserver's 3 MiB limit, decodes it by its media type (YAML for apply) and
 * hands Prism the parsed value; Prism still validates body, query and path against the spec and
 * picks the mocked response (`Prefer: code=NNN`, `Prefer: example=key`).
 *
 * The store: seeded with the Pods of the contract's examples (tools/servers/pod-store.ts) plus `pods`;
 * `Prefer: code=…` or `example=…` on a GET or PATCH of a Pod still forces that example answer from
 * Prism, and such a request neither reads nor changes the store. Outside the contract's paths the mock
 * also serves `/mock/pods` (reset and load the store between tests, tools/servers/pod-api.ts), the
 * OpenAPI v3 documents kubectl downloads (`/openapi/v3`, `/openapi/v3/api/v1`, tools/servers/kubectl-openapi.ts)
 * and `GET /api/v1/namespaces/<name>` (every namespace exists; kubectl reads it after a 404).
 * A GET or PATCH of a Pod: a missing Pod is 404; what the contract refuses is answered as the apiserver
 * answers that decoding mistake (tools/servers/front.ts violationStatus); then the engine's answer — its
 * refusal, or the stored Pod.
 *
 * Order of checks, as the apiserver runs them: route (404; 405 with Allow) → credentials (401) →
 * Content-Type (415) → body size (413) → PatchOptions (422) → decoding (400) → JSON Patch size (413)
 * → Prism: contract violations (422 Invalid, one cause per violation) or the mocked response.
 * Routing, request building and the body checks live in tools/servers/front.ts, shared with the proxy;
 * listening and closing in tools/servers/listen.ts.
 * Besides the PATCH, the spec has the supporting endpoints kubectl reads (discovery, GET of the Pod);
 * they go through the same path (401 first, then Prism).
 * Only the `Prefer` header selects responses (Prism's `__code`-style query parameters are not read).
 * `sl-violations` is set exactly when there is something to report, as in Prism's own server.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createInstance, type IHttpConfig } from "@stoplight/prism-http";
import { createLogger } from "@stoplight/prism-core";
import { failureStatus, type Status } from "../../src/status/status.js";
import { bodyTooLargeStatus, checkAccept, MAX_BODY_BYTES, malformedPathStatus } from "./apiserver-rules.js";
import {
  type AcceptedBody,
  checkBody,
  checkContentType,
  findRoute,
  isStatus,
  missingObject,
  routeRefusal,
  takesBody,
  toPrismRequest,
  toRoute,
  violationStatus,
  warningHeaders,
} from "./front.js";
import { HOST, listen, type ListeningServer, SERVER_LIMITS, type ServerLimits, serverOptions } from "./listen.js";
import { kubectlOpenApi } from "./kubectl-openapi.js";
import { CONTROL_PATH, type PodAnswer } from "./pod-api.js";
import { examplePods, PodStore } from "./pod-store.js";
import { installPrismAdjustments, loadSecurityValidator, loadValidators } from "./prism-internals.js";
import { readBody, type BodyRead } from "./request-body.js";
import { sendStatus, setViolationsHeader } from "./send-status.js";
import { loadSpec, type PrismOperation, type Profile } from "./spec.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import { asStored } from "../../src/engine/index.js";
import { createStoreAnswers, type FinishedReply, finishAnswer, type StoreQuestion, type StoreReply } from "./store-answers.js";
import { MAX_BODY_BYTES as MAX_MEMO_BODY_BYTES } from "./answer-memo.js";
import { VerdictMemo } from "./verdict-memo.js";
import { warmValidators } from "./warm-validators.js";
import { toViolation, isError } from "./violations.js";

export interface MockServerOptions {
  /** Bundled spec to serve. */
  specPath: string;
  /** `cce` keeps JSON Patch to CCE's documented operations (tools/servers/spec.ts); default `kubernetes`. */
  profile?: Profile;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** PEM key and certificate: serve HTTPS with them instead of plain HTTP. */
  /** `clientCa`: PEM CA(s) whose client certificates are required (mutual TLS); without it none is asked for. */
  tls?: { key: string; cert: string; clientCa?: string };
  /** Pods to store besides those of the contract's examples (a later one replaces an example of the same name). */
  pods?: Pod[];
  /** Time and connection limits (tools/servers/listen.ts); default SERVER_LIMITS. */
  limits?: ServerLimits;
  /**
   * Who keeps the store and answers from it: a worker of `--workers` asks the primary over IPC
   * (tools/servers/mock-workers.ts); by default this process keeps it (and `pods` are ignored otherwise).
   */
  storeOwner?: StoreOwner;
}

/** The one keeper of the store (tools/servers/store-answers.ts), in this process or asked in another. */
export interface StoreOwner {
  answer(question: StoreQuestion): StoreReply | Promise<StoreReply>;
  control(method: string, bytes: Buffer): PodAnswer | undefined | Promise<PodAnswer | undefined>;
}

/** The most diagnostics a remembered verdict on a request may hold (tools/servers/verdict-memo.ts). */
const MEMO_MAX_DIAGNOSTICS = 32;

/** The operation whose GET and PATCH the store answers. */
const POD_PATH = "/api/v1/namespaces/{namespace}/pods/{name}";

/** A Namespace as the apiserver answers `GET /api/v1/namespaces/<name>` for one that exists (outside the contract). */
function activeNamespace(name: string): unknown {
  return {
    kind: "Namespace",
    apiVersion: "v1",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

/** Sends JSON text with `status` and `headers`. */
function sendPayload(
  response: ServerResponse,
  status: number,
  payload: string,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  response.end(payload);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  sendPayload(response, status, JSON.stringify(body), headers);
}

/** `url` is `http://127.0.0.1:<port>`, or `https://…` with `tls`. */
export type MockServer = ListeningServer;

const BASE_CONFIG: IHttpConfig = {
  checkSecurity: true,
  validateRequest: true,
  validateResponse: true,
  errors: false,
  isProxy: false,
  upstreamProxy: undefined,
  mock: { dynamic: false },
};

/**
 * `code` and `example` of a Prefer header (RFC 7240; other preferences are ignored), or why they are
 * unusable: a code must be one the operation declares (Prism would otherwise answer 404, which reads as
 * "no such Pod").
 */
function mockPreferences(header: string | undefined, operation: PrismOperation): { code?: number; exampleKey?: string } | string {
  const preferences: { code?: number; exampleKey?: string } = {};
  for (const item of (header ?? "").split(/[,;]/)) {
    const [name = "", ...valueParts] = item.split("=");
    const value = valueParts
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1");
    const key = name.trim().toLowerCase();
    if (key === "code") {
      if (!/^\d{3}$/.test(value)) return `Prefer: code must be a three-digit HTTP status code, got "${value}"`;
      const declared = operation.responses.map((response) => response.code);
      if (!declared.includes(value) && !declared.includes("default")) {
        return `Prefer: code=${value} is not an answer this operation declares; declared: ${declared.join(", ")}`;
      }
      preferences.code = Number(value);
    } else if (key === "example") {
      if (value === "") return "Prefer: example needs the key of a named example";
      preferences.exampleKey = value;
    }
  }
  return preferences;
}

function serialize(body: unknown): string {
  if (body === undefined) return "";
  return typeof body === "string" ? body : JSON.stringify(body);
}

/**
 * Reads and checks the body of an operation that declares one; answers and returns undefined when it
 * is refused. `target.missing` is the NotFound for a Pod that cannot exist, answered where the
 * apiserver looks the object up: after the patch options, before the body is decoded.
 */
async function acceptBody(
  operation: PrismOperation,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  target: { name?: string; missing?: Status },
): Promise<(AcceptedBody & { essence: string; bytes: Buffer }) | undefined> {
  const contentType = checkContentType(operation, request.headers["content-type"]);
  const refusal = isStatus(contentType) ? contentType : checkAccept(request.headers.accept);
  if (refusal !== undefined) {
    sendStatus(response, refusal);
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
  const essence = (contentType as { essence: string }).essence;
  const checked = checkBody(operation, essence, read.bytes, url, target);
  if (isStatus(checked)) {
    sendStatus(response, checked);
    return undefined;
  }
  return { ...checked, essence, bytes: read.bytes };
}

export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  installPrismAdjustments();
  const validateSecurity = loadSecurityValidator();
  const validators = loadValidators();
  const { document, operations } = await loadSpec(options.specPath, options.profile);
  const routes = operations.map(toRoute);
  // Every schema compiled now, before the port is announced, not during some user's first request.
  warmValidators(operations, validators);
  const prism = createInstance(BASE_CONFIG, { logger: createLogger("mock", { level: "silent" }) });
  const owner: StoreOwner =
    options.storeOwner ??
    createStoreAnswers(
      operations,
      new PodStore([...examplePods(document), ...(options.pods ?? [])], asStored),
      validators.output,
    );
  const openApi = kubectlOpenApi(document);
  // Prism's verdicts on requests seen before (tools/servers/verdict-memo.ts): the same bytes, the same verdict.
  const securityVerdicts = new VerdictMemo<ReturnType<typeof validateSecurity>>(() => true);
  const requestVerdicts = new VerdictMemo<ReturnType<typeof validators.input>>(
    (verdict) => verdict._tag === "Right" || verdict.left.length <= MEMO_MAX_DIAGNOSTICS,
  );

  /** Sends what the store's owner answered. */
  function sendReply(response: ServerResponse, reply: FinishedReply): void {
    if (reply.kind === "status") {
      sendStatus(response, reply.status, reply.violations === undefined ? {} : { violations: reply.violations });
      return;
    }
    setViolationsHeader(response, reply.violations);
    sendPayload(response, reply.status, reply.payload, reply.headers);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const malformed = malformedPathStatus(request.url ?? "/");
    if (malformed !== undefined) {
      sendStatus(response, malformed);
      return;
    }
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    const method = (request.method ?? "GET").toLowerCase();
    if (url.pathname === CONTROL_PATH) {
      const read = await readBody(request, MAX_BODY_BYTES);
      if (read.kind === "too-large") {
        sendStatus(response, bodyTooLargeStatus());
        return;
      }
      const answer = await owner.control(method.toUpperCase(), read.bytes);
      if (answer === undefined)
        sendStatus(response, routeRefusal(["GET", "PUT", "POST", "DELETE"]), {
          headers: { allow: "GET, PUT, POST, DELETE" },
        });
      else sendJson(response, answer.status, answer.body);
      return;
    }
    if (method === "get" && url.pathname === "/openapi/v3") {
      sendJson(response, 200, openApi.index);
      return;
    }
    if (method === "get" && url.pathname === "/openapi/v3/api/v1") {
      sendJson(response, 200, openApi.groupVersion, { etag: `"${openApi.hash}"` });
      return;
    }
    const namespace = /^\/api\/v1\/namespaces\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(url.pathname)?.[1];
    if (method === "get" && namespace !== undefined) {
      // kubectl reads the namespace after a 404 to word its error; every namespace exists here.
      sendJson(response, 200, activeNamespace(namespace));
      return;
    }
    const { match, allowed } = findRoute(routes, method, url.pathname);
    if (match === undefined) {
      sendStatus(response, routeRefusal(allowed), allowed.length === 0 ? {} : { headers: { allow: allowed.join(", ") } });
      return;
    }
    const { operation, parameters } = match;
    const prismRequest = toPrismRequest(operation, url, request.headers);
    const security = securityVerdicts.verdict(operation.id, prismRequest, "", undefined, () =>
      validateSecurity({ resource: operation, element: prismRequest }),
    );
    if (security._tag === "Left") {
      sendStatus(response, failureStatus(401, "Unauthorized"));
      return;
    }
    // A namespace or name that breaks the contract's DNS rules names no Pod: the apiserver answers 404.
    const missing = missingObject(operation, parameters);
    const preferences = mockPreferences(prismRequest.headers?.prefer, operation);
    const forced = typeof preferences === "object" && (preferences.code !== undefined || preferences.exampleKey !== undefined);
    // The Pod's GET and PATCH are answered from the store, unless an answer is forced (Prefer): then Prism's.
    const stateful = !forced && operation.path === POD_PATH && (method === "get" || method === "patch");
    let warnings: string[] = [];
    let essence: string | undefined;
    let bytes: Buffer | undefined;
    if (takesBody(operation)) {
      const body = await acceptBody(operation, request, response, url, {
        // The engine checks the body's name where the apiserver does, after the patched object is decoded
        // (a value of the wrong type is refused first); a forced answer has no engine, so the front does.
        ...(parameters.name === undefined || stateful ? {} : { name: parameters.name }),
        ...(missing === undefined ? {} : { missing }),
      });
      if (body === undefined) return;
      prismRequest.body = body.value;
      warnings = body.warnings;
      essence = body.essence;
      bytes = body.bytes;
      // Prism re-parses Content-Type; hand it the accepted media type without parameters.
      prismRequest.headers = { ...prismRequest.headers, "content-type": body.essence };
    } else {
      const refusal = checkAccept(request.headers.accept) ?? missing;
      if (refusal !== undefined) {
        sendStatus(response, refusal);
        return;
      }
    }
    if (typeof preferences === "string") {
      sendStatus(response, failureStatus(400, preferences));
      return;
    }
    if (stateful) {
      const checked = requestVerdicts.verdict(operation.id, prismRequest, essence ?? "", bytes, () =>
        validators.input({ resource: operation, element: prismRequest }),
      );
      const question: StoreQuestion = {
        method,
        operationId: operation.id,
        parameters,
        ...(method === "patch" ? { body: prismRequest.body } : {}),
        ...(bytes === undefined || bytes.length > MAX_MEMO_BODY_BYTES ? {} : { bodyBytes: bytes.toString("latin1") }),
        ...(essence === undefined ? {} : { essence }),
        query: url.search,
        ...(request.headers["user-agent"] === undefined ? {} : { userAgent: request.headers["user-agent"] }),
        warnings,
        diagnostics: checked._tag === "Left" ? checked.left : [],
        request: `${request.method} ${request.url}`,
        // A worker checks what the owner computed and does not store: the owner's core is the one shared.
        ...(options.storeOwner === undefined ? {} : { checkUnstored: true }),
      };
      sendReply(response, finishAnswer(validators.output, operation, question, await owner.answer(question)));
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
      sendStatus(response, violationStatus(operation, parameters, errors, prismRequest.body, essence), {
        violations: requestViolations,
      });
      return;
    }
    const responseViolations = validations.output.map((diagnostic) => toViolation(diagnostic, "response"));
    setViolationsHeader(response, [...requestViolations, ...responseViolations]);
    for (const [name, value] of Object.entries(output.headers ?? {})) {
      // Warnings come from the front's decoding (a header example would warn about nothing).
      if (value !== null && value !== undefined && name.toLowerCase() !== "warning") response.setHeader(name, String(value));
    }
    if (warnings.length > 0 && output.statusCode < 300) response.setHeader("warning", warningHeaders(warnings));
    const payload = serialize(output.body);
    response.writeHead(output.statusCode, { "content-length": Buffer.byteLength(payload) });
    response.end(payload);
  }

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`mock: internal failure on ${request.method} ${request.url}: ${message}`);
      try {
        sendStatus(response, failureStatus(500, `mock failure: ${message}`));
      } catch {
        response.destroy();
      }
    });
  };
  const limits = options.limits ?? SERVER_LIMITS;
  const { clientCa, ...identity } = options.tls ?? {};
  const server =
    options.tls === undefined
      ? createHttpServer(serverOptions(limits), listener)
      : createHttpsServer(
          {
            ...serverOptions(limits),
            ...identity,
            ...(clientCa === undefined ? {} : { ca: clientCa, requestCert: true, rejectUnauthorized: true }),
          },
          listener,
        );
  return listen(server, options.port, { tls: options.tls !== undefined, ipv6Loopback: true, limits });
}
