// Typed client for PATCH /api/v1/namespaces/{namespace}/pods/{name} (and the GET of the same Pod): a thin layer
// over openapi-fetch, used only through its documented options (baseUrl, headers, fetch, querySerializer,
// bodySerializer, parseAs, signal). It binds each patch media type to its body type (a JSON Patch written as
// an array literal is path- and value-checked like one built with jsonPatch()), checks the path parameters
// and its own options before any request, sends through its own node:http(s) transport (TLS settings:
// transport.ts), bounds each attempt by a timeout, retries only what the apiserver refused before touching
// the object, and reports every outcome typed: an HTTP answer as a Kubernetes Status, no answer as a
// NoAnswerError (no-answer.ts). docs/client.md is the user's page for all of it.
import createClient from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import {
  type PatchMediaType,
  type PatchQuery,
  type Pod,
  patchMediaTypes,
  patchPodOperation,
  pathParameterRules,
} from "../operation/patch-pod.js";
import type { TypedPatchBodies } from "../patches/index.js";
import type { JsonPatchChecks, JsonPatchOperationInput } from "../patches/json-patch-builder.js";
import { failureStatus, type Status } from "../status/status.js";
import { noAnswer } from "./no-answer.js";
import { nodeTransport, type TlsSettings } from "./transport.js";

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
   * the Request openapi-fetch built. Not together with the TLS options, which only the own transport applies.
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

const pathParameterKinds: Record<PathParameter, string> = {
  namespace: "a DNS-1123 label",
  name: "a DNS-1123 subdomain",
};

const pathParameterPatterns: Record<PathParameter, RegExp> = {
  namespace: new RegExp(pathParameterRules.namespace.pattern),
  name: new RegExp(pathParameterRules.name.pattern),
};

const longestValueShown = 64;

/** Thrown before any request when `namespace` or `name` breaks the contract's rule for it. */
export class InvalidPathParameterError extends Error {
  override name = "InvalidPathParameterError";
  readonly parameter: PathParameter;
  readonly value: string;
  readonly rule: string;

  constructor(parameter: PathParameter, value: string, rule: string) {
    const shown =
      value.length > longestValueShown
        ? `${JSON.stringify(value.slice(0, longestValueShown))}… (${value.length} characters)`
        : JSON.stringify(value);
    super(`Invalid Pod ${parameter} ${shown}: must be ${rule}`);
    this.parameter = parameter;
    this.value = value;
    this.rule = rule;
  }
}

function checkPathParameter(parameter: PathParameter, value: unknown): void {
  const { pattern, minLength, maxLength } = pathParameterRules[parameter];
  // Length first, so the pattern never runs on an over-long value.
  if (
    typeof value !== "string" ||
    value.length < minLength ||
    value.length > maxLength ||
    !pathParameterPatterns[parameter].test(value)
  ) {
    const rule = `${pathParameterKinds[parameter]}: ${minLength} to ${maxLength} characters matching ${pattern}`;
    throw new InvalidPathParameterError(parameter, String(value), rule);
  }
}

/**
 * The base URL as openapi-fetch gets it (origin and path, no trailing slash) and the origin that messages
 * name. A query or fragment would swallow the path openapi-fetch appends (the PATCH would go elsewhere, token
 * and all), and user information is no way to send credentials; all three are refused without echoing them.
 */
export function checkBaseUrl(baseUrl: unknown): { baseUrl: string; origin: string; https: boolean } {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl as string);
  } catch {}
  if (
    typeof baseUrl !== "string" ||
    !/^https?:$/.test(url?.protocol ?? "") ||
    url?.username !== "" ||
    url.password !== "" ||
    /^[^/]*\/\/[^/?#]*@|[?#]/.test(baseUrl)
  ) {
    throw new InvalidOptionError(
      "baseUrl",
      "must be http(s)://host[:port][/path], without user:password@, query or fragment (value not shown)",
    );
  }
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, "")}`, origin: url.origin, https: url.protocol === "https:" };
}

const visibleAscii = /^[\x21-\x7E]+$/;

/** Checked here because fetch's own error for a bad header value would print the token. */
function checkedToken(field: keyof PodPatchCredentials, token: unknown): string {
  if (typeof token !== "string" || !visibleAscii.test(token)) {
    throw new InvalidOptionError(
      `credentials.${field}`,
      "must be a non-empty string of visible ASCII characters (value not shown)",
    );
  }
  return token;
}

function credentialHeader(credentials: PodPatchCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {};
  const { xAuthToken, bearerToken } = credentials;
  if (xAuthToken !== undefined && bearerToken !== undefined) {
    throw new InvalidOptionError("credentials", "give either xAuthToken or bearerToken, not both");
  }
  if (xAuthToken !== undefined) return { "X-Auth-Token": checkedToken("xAuthToken", xAuthToken) };
  return { Authorization: `Bearer ${checkedToken("bearerToken", bearerToken)}` };
}

const isStatus = (body: unknown): body is Status =>
  (body as Status | null)?.kind === "Status" && typeof (body as Status).code === "number";

/**
 * The outcome of an HTTP answer: the Pod of a 200/201 whose body is a JSON object; otherwise the server's Status
 * as sent, or one built from the HTTP status that keeps the server's text (HTML from a gateway, say) as `message`.
 */
function outcome({ data, error, response }: { data?: string; error?: unknown; response: Response }): PatchPodResult {
  const { status } = response;
  let body = response.ok ? data : error;
  if (status === 200 || status === 201) {
    try {
      const pod: unknown = JSON.parse(data as string);
      if (typeof pod === "object" && pod !== null && !Array.isArray(pod) && !isStatus(pod))
        return { data: pod as Pod, status, response };
    } catch {}
  }
  if (isStatus(body)) return { error: body, status, response };
  if (body === undefined || body === "")
    body = `HTTP ${status}${response.statusText === "" ? "" : ` ${response.statusText}`} (empty body)`;
  return { error: failureStatus(status, typeof body === "string" ? body : JSON.stringify(body)), status, response };
}

/** Every query value of the contract is a scalar: `name=value` pairs, both percent-encoded. */
function serializeQuery(query: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return pairs.join("&");
}

/**
 * How long to wait before retrying an answer, or `undefined` when it must not be retried. Only 429 (too many
 * requests: refused before any work) and 503 with a Retry-After (the apiserver or its gateway not serving
 * yet) qualify. The wait is the Retry-After header (seconds or an HTTP date), else the Status's
 * `details.retryAfterSeconds`, whatever the body's format; a 429 without either backs off like a refused
 * connection.
 */
function retryDelayMs(response: Response, status: Status | undefined, attempt: number): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const header = response.headers.get("Retry-After")?.trim() ?? "";
  const seconds = /^\d+$/.test(header)
    ? Number(header)
    : Date.parse(header) >= 0
      ? Math.max(0, (Date.parse(header) - Date.now()) / 1000)
      : status?.details?.retryAfterSeconds;
  if (typeof seconds === "number" && seconds >= 0) return seconds * 1000;
  return response.status === 429 ? backoffMs(attempt) : undefined;
}

/** 250 ms, 500 ms, 1 s, … after the first, second, third failed attempt. */
function backoffMs(attempt: number): number {
  return 250 * 2 ** (attempt - 1);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
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

export type Fetch = (request: Request) => Promise<Response>;

const defaultTimeoutMs = 60_000;
const defaultMaxRetries = 3;
const defaultMaxRetryDelayMs = 30_000;

function checkCount(option: string, value: number | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum || value > 2_147_483_647) {
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
): (state: AuthState) => Fetch {
  const tlsGiven = Object.keys(tls).filter(
    (name) => tls[name as keyof TlsSettings] !== undefined && tls[name as keyof TlsSettings] !== false,
  );
  const tlsProblem =
    tlsGiven.length > 0 && (!https || customFetch)
      ? "only apply to an https: baseUrl, through the client's own transport (no custom fetch)"
      : (tls.cert === undefined) !== (tls.key === undefined)
        ? "cert and key go together"
        : tls.insecureSkipTlsVerify === true && tls.ca !== undefined
          ? "insecureSkipTlsVerify would ignore ca"
          : undefined;
  if (tlsProblem !== undefined) throw new InvalidOptionError(tlsGiven.join(", "), tlsProblem);
  if (tls.insecureSkipTlsVerify === true) {
    process.emitWarning(`TLS certificate verification is disabled for ${origin}`, { code: "POD_PATCH_INSECURE_TLS" });
  }
  let transport: { cert: string | undefined; send: Fetch } | undefined;
  return (state) => {
    const cert = state.cert ?? tls.cert;
    if (transport === undefined || transport.cert !== cert) {
      const settings = state.cert === undefined ? tls : { ...tls, cert: state.cert, key: state.key };
      transport = { cert, send: nodeTransport(https, settings) };
    }
    return transport.send;
  };
}

/** Creates the client. Credentials stay in this closure: the returned object holds only its two methods. */
export function createPodPatchClient(options: PodPatchClientOptions): PodPatchClient {
  return createClientFrom(options);
}

/** createPodPatchClient, with credentials that may change (src/kubeconfig); not part of the public API. */
export function createClientFrom(options: PodPatchClientOptions, auth?: AuthSource): PodPatchClient {
  const { baseUrl, origin, https } = checkBaseUrl(options.baseUrl);
  const staticAuth: AuthState = { headers: credentialHeader(options.credentials) };
  const timeoutMs = checkCount("timeoutMs", options.timeoutMs, defaultTimeoutMs, 1);
  const maxRetries = checkCount("maxRetries", options.maxRetries, defaultMaxRetries, 0);
  const maxRetryDelayMs = checkCount("maxRetryDelayMs", options.maxRetryDelayMs, defaultMaxRetryDelayMs, 0);
  const tls: TlsSettings = {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    insecureSkipTlsVerify: options.insecureSkipTlsVerify,
    tlsServerName: options.tlsServerName,
  };
  const transportFor = credentialTransports(origin, https, tls, options.fetch !== undefined);
  const client = createClient<paths>({
    baseUrl,
    // Accept is a default the caller's headers may change (the apiserver answers 406 to what it cannot give).
    headers: { Accept: "application/json", ...options.headers },
    querySerializer: serializeQuery,
    bodySerializer: (body: unknown) => JSON.stringify(body),
  });

  type Answer = { data?: string; error?: unknown; response: Response };
  /** What one attempt hands openapi-fetch besides its parameters (all documented per-request options). */
  type AttemptInit = { headers: Record<string, string>; signal: AbortSignal; fetch: Fetch; parseAs: "text" };

  /** Runs attempts of `call` until an outcome that is not retried, under the rules of the header comment. */
  async function exchange(
    call: (init: AttemptInit) => Promise<Answer>,
    signal: AbortSignal | undefined,
  ): Promise<PatchPodResult> {
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const state = auth === undefined ? staticAuth : await auth.current();
      signal?.throwIfAborted();
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      const timer = setTimeout(abort, timeoutMs);
      signal?.addEventListener("abort", abort);
      let result: PatchPodResult;
      try {
        result = outcome(
          await call({
            headers: state.headers,
            signal: controller.signal,
            fetch: options.fetch ?? transportFor(state),
            parseAs: "text",
          }),
        );
      } catch (error) {
        signal?.throwIfAborted();
        const secrets = Object.values(state.headers).flatMap((value) => [value, value.replace(/^Bearer /, "")]);
        const failure = noAnswer(error, {
          server: origin,
          attempts: attempt,
          secrets,
          ...(controller.signal.aborted ? { timeoutMs } : {}),
        });
        if (failure.reason !== "ConnectionRefused" || attempt > maxRetries) throw failure;
        await sleep(Math.min(backoffMs(attempt), maxRetryDelayMs), signal);
        continue;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", abort);
      }
      const { status, response, error } = result;
      if (status === 401 && auth !== undefined && !refreshed && attempt <= maxRetries && auth.refresh()) {
        refreshed = true;
        continue;
      }
      const delay = attempt <= maxRetries ? retryDelayMs(response, error, attempt) : undefined;
      if (delay === undefined || delay > maxRetryDelayMs) return result;
      await sleep(delay, signal);
    }
  }

  async function patchPod(request: PatchPodInput): Promise<PatchPodResult> {
    const { namespace, name, contentType, body, query, signal } = request;
    checkPathParameter("namespace", namespace);
    checkPathParameter("name", name);
    if (!patchMediaTypes.includes(contentType)) {
      throw new TypeError(`contentType must be one of ${patchMediaTypes.join(", ")}; got ${JSON.stringify(contentType)}`);
    }
    return exchange(
      (init) =>
        client.PATCH(patchPodOperation.path, {
          ...init,
          params: { path: { namespace, name }, query },
          body: body as PatchPodRequest["body"],
          headers: { ...init.headers, "Content-Type": contentType },
        }),
      signal,
    );
  }

  async function readPod(request: ReadPodRequest): Promise<ReadPodResult> {
    const { namespace, name, query, signal } = request;
    checkPathParameter("namespace", namespace);
    checkPathParameter("name", name);
    return (await exchange(
      (init) =>
        client.GET(patchPodOperation.path, {
          ...init,
          params: { path: { namespace, name }, query },
          headers: init.headers,
        }),
      signal,
    )) as ReadPodResult;
  }

  return { patchPod: patchPod as PodPatchClient["patchPod"], readPod };
}
