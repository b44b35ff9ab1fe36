// Typed client for PATCH /api/v1/namespaces/{namespace}/pods/{name} (and the GET of the same Pod), its types
// derived from the generated contract (generated/openapi.ts). It binds each patch media type to its body type
// (a JSON Patch written as an array literal is path- and value-checked like one built with jsonPatch()),
// checks the path parameters and its own options before any request, builds the request itself (the two
// path parameters, a query of scalars and lists, a JSON body: docs/decisions/0017-client-without-openapi-fetch.md
// says why not through openapi-fetch), sends it through its own node:http(s) transport (TLS settings:
// transport.ts), bounds each attempt by a timeout, retries only what the apiserver refused before touching
// the object, and reports every outcome typed: an HTTP answer as a Kubernetes Status, no answer as a
// NoAnswerError (no-answer.ts). docs/client.md is the user's page for all of it.
import type { paths } from "../../generated/openapi.js";
import {
  type PatchMediaType,
  type PatchQuery,
  type Pod,
  patchMediaTypes,
  type patchPodOperation,
  pathParameterRules,
} from "../operation/patch-pod.js";
import type { TypedPatchBodies } from "../patches/index.js";
import type { JsonPatchChecks, JsonPatchOperationInput } from "../patches/json-patch-builder.js";
import { failureStatus, type Status } from "../status/status.js";
import { noAnswer } from "./no-answer.js";
import { nodeTransport, type Send, type TlsSettings, type TransportFailure } from "./transport.js";

type ApplyMediaType = "application/apply-patch+yaml";
type JsonPatchMediaType = "application/json-patch+json";

/**
 * The body each media type accepts: the typed patches of src/patches, derived from the Pod model and its
 * merge metadata and kept within the contract's body schemas (an apply body also carries `metadata.name`).
 */
export type PatchPodBody<M extends PatchMediaType> = TypedPatchBodies[M];

/** Query options of an apply patch: the apiserver refuses one without `fieldManager`. */
export type ApplyPatchQuery = Omit<PatchQuery, "fieldManager"> & Required<Pick<PatchQuery, "fieldManager">>;

/** Query options of the other patch types: the apiserver refuses `force` (even `false`) with them. */
export type NonApplyPatchQuery = Omit<PatchQuery, "force"> & { force?: never };

type PatchPodQueryOption<M extends PatchMediaType> = M extends ApplyMediaType
  ? { query: ApplyPatchQuery }
  : { query?: NonApplyPatchQuery };

/** One request for one media type; the media type fixes the body type and the query rules. */
export type PatchPodRequestFor<M extends PatchMediaType> = {
  namespace: string;
  name: string;
  contentType: M;
  body: PatchPodBody<M>;
  /** Aborts the request (and any wait between retries); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
} & PatchPodQueryOption<M>;

/** A request for any media type: a union discriminated by `contentType`. */
export type PatchPodRequest = { [M in PatchMediaType]: PatchPodRequestFor<M> }[PatchMediaType];

/**
 * What `patchPod` takes: a PatchPodRequest, except that a JSON Patch body may also be an array literal, whose
 * paths and values are checked against the Pod (JsonPatchChecks) as jsonPatch() checks them. The `[]` in the
 * body's type makes TypeScript read the literal as a tuple, so each operation is checked on its own.
 */
export type PatchPodInput =
  | Exclude<PatchPodRequest, { contentType: JsonPatchMediaType }>
  | (Omit<PatchPodRequestFor<JsonPatchMediaType>, "body"> & { body: readonly JsonPatchOperationInput[] | [] });

/** The checks `patchPod` adds to request `R`: for a JSON Patch, every operation whose path is a literal. */
export type CheckedPatchPodInput<R> = R extends { contentType: JsonPatchMediaType; body: infer B }
  ? { body: JsonPatchChecks<Pod, B> }
  : unknown;

/** `data` on 200/201; otherwise `error`, always a Kubernetes Status whose `code` is the HTTP status. */
export type PatchPodResult =
  | { data: Pod; error?: undefined; status: 200 | 201; response: Response }
  | { data?: undefined; error: Status; status: number; response: Response };

export interface ReadPodRequest {
  namespace: string;
  name: string;
  query?: NonNullable<paths["/api/v1/namespaces/{namespace}/pods/{name}"]["get"]["parameters"]["query"]>;
  signal?: AbortSignal;
}

/** `data` on 200; otherwise `error`, a Kubernetes Status as for PATCH. */
export type ReadPodResult =
  | { data: Pod; error?: undefined; status: 200; response: Response }
  | { data?: undefined; error: Status; status: number; response: Response };

/** `xAuthToken` for the API gateway route (X-Auth-Token), `bearerToken` for the apiserver route. */
export type PodPatchCredentials = { xAuthToken: string; bearerToken?: never } | { bearerToken: string; xAuthToken?: never };

export interface PodPatchClientOptions {
  /**
   * Scheme, host and optional path prefix in front of `/api/v1/...`, e.g. `https://192.168.0.198:5443`.
   * Refused with InvalidOptionError when it carries a query, a fragment or `user:password@`.
   */
  baseUrl: string;
  credentials?: PodPatchCredentials;
  /** PEM CA certificate(s) to trust for an https `baseUrl`, instead of the system's roots (a kubeconfig's certificate-authority). */
  ca?: TlsSettings["ca"];
  /** PEM client certificate for mutual TLS (with `key`). */
  cert?: TlsSettings["cert"];
  /** PEM private key of `cert`. */
  key?: TlsSettings["key"];
  /** Accept any server certificate. Insecure: a warning is emitted when the client is created; not with `ca`. */
  insecureSkipTlsVerify?: boolean;
  /** Verify the server's certificate for this name (and send it as SNI) instead of the URL's host. */
  tlsServerName?: string;
  /** Time allowed for each attempt, from sending to the whole answer; default 60000 (the apiserver's own request timeout is 60 s). */
  timeoutMs?: number;
  /** Retries of a request the apiserver refused before touching the Pod (429, 503 with Retry-After, connection refused); default 3. */
  maxRetries?: number;
  /** The longest wait before a retry; a Retry-After asking for more ends the retries with that answer. Default 30000. */
  maxRetryDelayMs?: number;
  /**
   * Sends each request instead of the client's own transport (for a proxy agent, tracing, tests); called with
   * the Request the client built. Not together with the TLS options, which only the own transport applies.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request (`Accept` defaults to application/json); Content-Type and the credential header are set by the client. */
  headers?: Record<string, string>;
}

export interface PodPatchClient {
  /** Sends one PATCH; resolves with the Pod or a Status, rejects with NoAnswerError when no answer came. */
  patchPod<R extends PatchPodInput>(request: R & CheckedPatchPodInput<R>): Promise<PatchPodResult>;
  /** GETs the Pod (e.g. for its resourceVersion); same rules as patchPod. */
  readPod(request: ReadPodRequest): Promise<ReadPodResult>;
}

/** Thrown when the client is created with an option it cannot use; the message never shows a credential. */
export class InvalidOptionError extends TypeError {
  override name = "InvalidOptionError";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

type PathParameter = keyof typeof pathParameterRules;

const pathParameterPatterns = {
  namespace: new RegExp(pathParameterRules.namespace.pattern),
  name: new RegExp(pathParameterRules.name.pattern),
};

/** Thrown before any request when `namespace` or `name` breaks the contract's rule for it. */
export class InvalidPathParameterError extends Error {
  override name = "InvalidPathParameterError";

  constructor(
    readonly parameter: PathParameter,
    readonly value: string,
    readonly rule: string,
  ) {
    // At most 64 characters of the value are shown.
    super(
      `Invalid Pod ${parameter} ${JSON.stringify(value.slice(0, 64))}${value.length > 64 ? `… (${value.length} characters)` : ""}: must be ${rule}`,
    );
  }
}

/** Throws InvalidPathParameterError when `value` breaks the contract's rule for `parameter`; also the openapi-fetch entry's check. */
export function checkPathParameter(parameter: PathParameter, value: unknown): void {
  const { pattern, minLength, maxLength } = pathParameterRules[parameter];
  // Length first, so the pattern never runs on an over-long value.
  if (
    typeof value !== "string" ||
    value.length < minLength ||
    value.length > maxLength ||
    !pathParameterPatterns[parameter].test(value)
  ) {
    throw new InvalidPathParameterError(
      parameter,
      String(value),
      `a DNS-1123 ${parameter === "name" ? "subdomain" : "label"}: ${minLength} to ${maxLength} characters matching ${pattern}`,
    );
  }
}

/**
 * The base URL requests are sent under (origin and path, no trailing slash) and the origin that messages
 * name. A query or fragment would swallow the path appended to it (the PATCH would go elsewhere, token and
 * all), and user information is no way to send credentials; all three are refused without echoing them.
 */
export function checkBaseUrl(baseUrl: unknown): { baseUrl: string; origin: string; https: boolean } {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl as string);
  } catch {}
  if (
    !url ||
    !/^https?:$/.test(url.protocol) ||
    url.username ||
    url.password ||
    /^[^/]*\/\/[^/?#]*@|[?#]/.test(baseUrl as string)
  ) {
    throw new InvalidOptionError(
      "baseUrl",
      "must be http(s)://host[:port][/path], without user:password@, query or fragment (value not shown)",
    );
  }
  return { baseUrl: url.origin + url.pathname.replace(/\/+$/, ""), origin: url.origin, https: url.protocol === "https:" };
}

/** The credential header; the token is checked here because fetch's own error for a bad header value would print it. */
function credentialHeader(credentials: PodPatchCredentials | undefined): Record<string, string> {
  if (!credentials) return {};
  const { xAuthToken, bearerToken } = credentials;
  const field = xAuthToken === undefined ? "bearerToken" : "xAuthToken";
  const token = credentials[field];
  if (xAuthToken !== undefined && bearerToken !== undefined) {
    throw new InvalidOptionError("credentials", "give either xAuthToken or bearerToken, not both");
  }
  if (typeof token !== "string" || !/^[\x21-\x7E]+$/.test(token)) {
    throw new InvalidOptionError(
      `credentials.${field}`,
      "must be a non-empty string of visible ASCII characters (value not shown)",
    );
  }
  return xAuthToken === undefined ? { Authorization: `Bearer ${token}` } : { "X-Auth-Token": token };
}

const isStatus = (body: unknown): body is Status =>
  (body as Status | null)?.kind === "Status" && typeof (body as Status).code === "number";

/** The body `text` of an answer as JSON when it is JSON, else the text itself. */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The Status an answer that brought no Pod stands for, its body `body` (parsed, or the text): the server's
 * Status as sent, or one built from the HTTP status that keeps the server's text (HTML from a gateway, say)
 * as `message`. Also how the openapi-fetch entry (openapi-fetch-client.ts) makes every error a Status.
 */
export function answerStatus({ status, statusText }: Response, body: unknown): Status {
  return isStatus(body)
    ? body
    : failureStatus(
        status,
        body === ""
          ? `HTTP ${status}${statusText && ` ${statusText}`} (empty body)`
          : typeof body === "string"
            ? body
            : JSON.stringify(body),
      );
}

/**
 * The outcome of an HTTP answer whose body is `text`: the Pod of a 200/201 whose body is a JSON object;
 * otherwise its Status (answerStatus) — for a 2xx from the text as it came, for any other answer from its
 * JSON if it is JSON.
 */
function outcome(response: Response, text: string): PatchPodResult {
  const { status, ok } = response;
  const json = jsonOrText(text);
  if ((status === 200 || status === 201) && json && typeof json === "object" && !Array.isArray(json) && !isStatus(json)) {
    return { data: json as Pod, status, response };
  }
  return { error: answerStatus(response, ok ? text : json), status, response };
}

/**
 * How long to wait before retrying an answer, or `undefined` when it must not be retried. Only 429 (too many
 * requests: refused before any work) and 503 with a Retry-After (the apiserver or its gateway not serving
 * yet) qualify. The wait is the Retry-After header (seconds or an HTTP date), else the Status's
 * `details.retryAfterSeconds`, whatever the body's format; a 429 without either backs off like a refused
 * connection.
 */
function retryDelayMs({ status, response, error }: PatchPodResult, attempt: number): number | undefined {
  if (status !== 429 && status !== 503) return;
  const header = response.headers.get("Retry-After")?.trim() ?? "";
  const date = Date.parse(header);
  const seconds = /^\d+$/.test(header)
    ? +header
    : date >= 0
      ? Math.max(0, (date - Date.now()) / 1000)
      : (error?.details?.retryAfterSeconds ?? -1);
  return seconds >= 0 ? seconds * 1000 : status === 429 ? backoffMs(attempt) : undefined;
}

/** 250 ms, 500 ms, 1 s, … after the first, second, third failed attempt. */
const backoffMs = (attempt: number): number => 125 * 2 ** attempt;

/** Waits `ms`, or rejects with the reason of `signal` as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort);
    if (signal?.aborted) onAbort();
  });
}

/** The credential of one attempt: its headers, and the client certificate that goes with it, if any. */
export interface AuthState {
  headers: Record<string, string>;
  cert?: string;
  key?: string;
}

/** Where a client's credentials come from when they can change (the kubeconfig's exec plugins and token files). */
export interface AuthSource {
  current(): AuthState | Promise<AuthState>;
  /** After a 401: forget the cached credential; `true` when a fresh one may differ, which is worth one retry. */
  refresh(): boolean;
}

type Fetch = (request: Request) => Promise<Response>;

/**
 * A path the contract's template matches, `{namespace}` and `{name}` filled in (and maybe a query): a compile
 * error here means generated/ names another path than the one the client sends to.
 */
type PodPath = typeof patchPodOperation.path extends `/api/v1/namespaces/{namespace}/pods/{name}`
  ? `/api/v1/namespaces/${string}/pods/${string}`
  : never;

/**
 * The query as `?name=value&…` (values URI-encoded; a list as one pair per item, `undefined` and `null` left
 * out): every query option of the contract is a scalar or a list of scalars (`dryRun`), sent in OpenAPI's
 * default query style (form, exploded).
 */
function queryString(query: object | undefined): string {
  const pairs = Object.entries(query ?? {}).flatMap(([name, value]) =>
    [value].flat().flatMap((item) => (item == null ? [] : [`${name}=${encodeURIComponent(item)}`])),
  );
  return pairs[0] ? `?${pairs.join("&")}` : "";
}

/**
 * The headers of a request, merged in order with names matched case-insensitively: a later value replaces
 * an earlier one (the client's Content-Type and credential header replace the caller's), `null` removes one.
 */
function mergeHeaders(...all: Array<Record<string, string | null | undefined>>): Headers {
  const headers = new Headers();
  for (const [name, value] of all.flatMap(Object.entries)) {
    if (value === null) headers.delete(name);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * A caller's `fetch` under the transport's rules: the Request it gets carries a signal that aborts when the
 * attempt's time runs out or the caller aborts.
 */
const viaFetch =
  (fetch: Fetch): Send =>
  async (request, timeoutMs, signal) => {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    const timer = setTimeout(abort, timeoutMs);
    signal?.addEventListener("abort", abort);
    try {
      return await fetch(new Request(request, { signal: controller.signal }));
    } catch (error) {
      throw controller.signal.aborted ? ({ sent: true, timedOut: !signal?.aborted } satisfies TransportFailure) : error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    }
  };

/** An integer option from `minimum` to 2^31 - 1 (the longest timer node allows), or its default. */
function checkCount(option: string, value: number | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum || value >= 2 ** 31) {
    throw new InvalidOptionError(option, `must be an integer from ${minimum} to 2147483647`);
  }
  return value;
}

/**
 * The transport of each attempt, for a server at `origin` with the TLS settings `tls`: checked once (TLS
 * settings only apply to https through the client's own transport, cert and key go together,
 * insecureSkipTlsVerify never with ca; InvalidOptionError otherwise), with a warning when verification is
 * off, and one keep-alive transport per client certificate (an exec plugin may hand out a new one: then a
 * new agent connects with it). Also how `verify` (src/verify/transport.ts) reaches a cluster.
 */
export function credentialTransports(
  origin: string,
  https: boolean,
  tls: TlsSettings,
  customFetch: boolean,
): (state: AuthState) => Send {
  const { ca, cert, key, insecureSkipTlsVerify } = tls;
  const tlsGiven = Object.keys(tls).filter((name) => tls[name as keyof TlsSettings]);
  const tlsProblem =
    tlsGiven[0] && (!https || customFetch)
      ? "only apply to an https: baseUrl, through the client's own transport (no custom fetch)"
      : !cert !== !key
        ? "cert and key go together"
        : insecureSkipTlsVerify && ca
          ? "insecureSkipTlsVerify would ignore ca"
          : "";
  if (tlsProblem) throw new InvalidOptionError(tlsGiven.join(", "), tlsProblem);
  if (insecureSkipTlsVerify) {
    process.emitWarning(`TLS certificate verification is disabled for ${origin}`, { code: "POD_PATCH_INSECURE_TLS" });
  }
  let transport: { cert: string | undefined; send: Send } | undefined;
  return (state) => {
    if (transport?.cert !== (state.cert ?? cert) || !transport) {
      transport = {
        cert: state.cert ?? cert,
        send: nodeTransport(https, state.cert ? { ...tls, cert: state.cert, key: state.key } : tls),
      };
    }
    return transport.send;
  };
}

/** Creates the client. Credentials stay in this closure: the returned object holds only its two methods. */
export function createPodPatchClient(options: PodPatchClientOptions): PodPatchClient {
  return createClientFrom(options);
}

/** The options of a connection to the cluster, shared by this client and the openapi-fetch entry. */
export type ConnectionOptions = Omit<PodPatchClientOptions, "maxRetries" | "maxRetryDelayMs">;

/** A connection's checked options: where requests go, the static credential, each attempt's time and sender. */
export interface Connection {
  baseUrl: string;
  /** The server as messages name it: no path, no user information. */
  origin: string;
  staticAuth: AuthState;
  timeoutMs: number;
  /** The sender of an attempt made with credential `state` (the caller's fetch, or the own transport for its client certificate). */
  sendFor(state: AuthState): Send;
  /** `Accept: application/json` (the caller's headers may change it: the apiserver answers 406 to what it cannot give) and the caller's headers. */
  defaultHeaders: Record<string, string>;
}

/**
 * Checks a connection's options (InvalidOptionError for one that cannot be used; the header of this module
 * says which) and prepares what each attempt needs. The one home of these checks: createClientFrom and the
 * openapi-fetch entry (openapi-fetch-client.ts) both start here.
 */
export function connect(options: ConnectionOptions): Connection {
  const { baseUrl, origin, https } = checkBaseUrl(options.baseUrl);
  const staticAuth: AuthState = { headers: credentialHeader(options.credentials) };
  // The apiserver's own request timeout is 60 s.
  const timeoutMs = checkCount("timeoutMs", options.timeoutMs, 60_000, 1);
  const { ca, cert, key, insecureSkipTlsVerify, tlsServerName } = options;
  const transportFor = credentialTransports(
    origin,
    https,
    { ca, cert, key, insecureSkipTlsVerify, tlsServerName },
    options.fetch !== undefined,
  );
  const customSend = options.fetch && viaFetch(options.fetch);
  return {
    baseUrl,
    origin,
    staticAuth,
    timeoutMs,
    sendFor: (state) => customSend || transportFor(state),
    defaultHeaders: { Accept: "application/json", ...options.headers },
  };
}

/** createPodPatchClient, with credentials that may change (src/kubeconfig); not part of the public API. */
export function createClientFrom(options: PodPatchClientOptions, auth?: AuthSource): PodPatchClient {
  const { baseUrl, origin, staticAuth, timeoutMs, sendFor, defaultHeaders } = connect(options);
  const maxRetries = checkCount("maxRetries", options.maxRetries, 3, 0);
  const maxRetryDelayMs = checkCount("maxRetryDelayMs", options.maxRetryDelayMs, 30_000, 0);

  /**
   * Runs attempts of one request (its method, its path and query, its body and Content-Type) until an outcome
   * that is not retried, under the rules of the header comment. Each attempt is a new Request (a body is read
   * once), built inside the attempt: a header value or a body that cannot be sent is a NoAnswerError too,
   * never a raw TypeError. Every body is sent as JSON (an apply patch too: JSON is YAML).
   */
  async function exchange(
    method: "GET" | "PATCH",
    path: string,
    signal: AbortSignal | undefined,
    body?: unknown,
    contentType?: string,
  ): Promise<PatchPodResult> {
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const state = auth ? await auth.current() : staticAuth;
      signal?.throwIfAborted();
      const send = sendFor(state);
      let delay: number | undefined;
      try {
        const request = new Request(baseUrl + path, {
          method,
          headers: mergeHeaders(defaultHeaders, state.headers, { "Content-Type": contentType }),
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const response = await send(request, timeoutMs, signal);
        const result = outcome(response, await response.text());
        if (result.status === 401 && auth && !refreshed && attempt <= maxRetries && auth.refresh()) {
          refreshed = true;
          continue;
        }
        delay = attempt > maxRetries ? undefined : retryDelayMs(result, attempt);
        if (delay === undefined || delay > maxRetryDelayMs) return result;
      } catch (error) {
        signal?.throwIfAborted();
        const failure = noAnswer(error, origin, attempt, state.headers, timeoutMs);
        if (failure.reason !== "ConnectionRefused" || attempt > maxRetries) throw failure;
        delay = Math.min(backoffMs(attempt), maxRetryDelayMs);
      }
      await sleep(delay, signal);
    }
  }

  /** The contract's path (typed by it: generated/patch-pod-operation.ts) for a checked namespace and name, with the query. */
  function target(namespace: unknown, name: unknown, query: object | undefined): PodPath {
    checkPathParameter("namespace", namespace);
    checkPathParameter("name", name);
    // Checked DNS-1123 names need no encoding; it is kept so that nothing could ever leave the path.
    return `/api/v1/namespaces/${encodeURIComponent(namespace as string)}/pods/${encodeURIComponent(name as string)}${queryString(query)}`;
  }

  async function patchPod({ namespace, name, contentType, body, query, signal }: PatchPodInput): Promise<PatchPodResult> {
    const path = target(namespace, name, query);
    if (!patchMediaTypes.includes(contentType)) {
      throw new TypeError(`contentType must be one of ${patchMediaTypes.join(", ")}; got ${JSON.stringify(contentType)}`);
    }
    return exchange("PATCH", path, signal, body, contentType);
  }

  async function readPod({ namespace, name, query, signal }: ReadPodRequest): Promise<ReadPodResult> {
    return (await exchange("GET", target(namespace, name, query), signal)) as ReadPodResult;
  }

  return { patchPod: patchPod as PodPatchClient["patchPod"], readPod };
}
