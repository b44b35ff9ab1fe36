// Typed client for PATCH /api/v1/namespaces/{namespace}/pods/{name}: a thin layer over openapi-fetch that
// binds each patch media type to its body type, sets the Content-Type header itself, checks the path
// parameters against the contract before any request, and always reports failures as a Kubernetes Status.
import createClient, { createQuerySerializer } from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import {
  patchMediaTypes,
  patchPodOperation,
  pathParameterRules,
  type PatchMediaType,
  type PatchQuery,
  type Pod,
} from "../operation/patch-pod.js";
import type { TypedPatchBodies } from "../patches/index.js";
import { failureStatus, type Status } from "../status/status.js";

type ApplyMediaType = "application/apply-patch+yaml";

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
  signal?: AbortSignal;
} & PatchPodQueryOption<M>;

/** The argument of `patchPod`: a union discriminated by `contentType`. */
export type PatchPodRequest = { [M in PatchMediaType]: PatchPodRequestFor<M> }[PatchMediaType];

/** `data` on 200/201; otherwise `error`, always a Kubernetes Status whose `code` is the HTTP status. */
export type PatchPodResult =
  | { data: Pod; error?: undefined; status: 200 | 201; response: Response }
  | { data?: undefined; error: Status; status: number; response: Response };

/** `xAuthToken` for the API gateway route (X-Auth-Token), `bearerToken` for the apiserver route. */
export type PodPatchCredentials = { xAuthToken: string; bearerToken?: never } | { bearerToken: string; xAuthToken?: never };

export interface PodPatchClientOptions {
  /** Scheme, host and optional path prefix in front of `/api/v1/...`. */
  baseUrl: string;
  credentials?: PodPatchCredentials;
  /** Replacement for `globalThis.fetch`, for example one that uses a custom TLS agent. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request; Content-Type and the credential header are set by the client. */
  headers?: Record<string, string>;
}

export interface PodPatchClient {
  patchPod(request: PatchPodRequest): Promise<PatchPodResult>;
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

const visibleAscii = /^[\x21-\x7E]+$/;

/** Checked here because fetch's own error for a bad header value would print the token. */
function checkedToken(field: keyof PodPatchCredentials, token: unknown): string {
  if (typeof token !== "string" || !visibleAscii.test(token)) {
    throw new TypeError(`credentials.${field} must be a non-empty string of visible ASCII characters (value not shown)`);
  }
  return token;
}

function credentialHeader(credentials: PodPatchCredentials | undefined): Record<string, string> {
  if (credentials === undefined) {
    return {};
  }
  const { xAuthToken, bearerToken } = credentials;
  if (xAuthToken !== undefined && bearerToken !== undefined) {
    throw new TypeError("credentials: give either xAuthToken or bearerToken, not both");
  }
  if (xAuthToken !== undefined) {
    return { "X-Auth-Token": checkedToken("xAuthToken", xAuthToken) };
  }
  return { Authorization: `Bearer ${checkedToken("bearerToken", bearerToken)}` };
}

function isStatus(body: unknown): body is Status {
  return (
    typeof body === "object" &&
    body !== null &&
    (body as { kind?: unknown }).kind === "Status" &&
    typeof (body as { code?: unknown }).code === "number"
  );
}

/** The server's Status as sent, or one built from the HTTP status that keeps the server's text as `message`. */
function toStatus(body: unknown, response: Response): Status {
  if (isStatus(body)) {
    return body;
  }
  let message: string;
  if (body === undefined || body === "") {
    const statusText = response.statusText === "" ? "" : ` ${response.statusText}`;
    message = `HTTP ${response.status}${statusText} (empty body)`;
  } else if (typeof body === "string") {
    message = body;
  } else {
    message = JSON.stringify(body);
  }
  return failureStatus(response.status, message);
}

/** The path `podPath` writes out; this line stops compiling if the generated operation's path changes. */
const podPathTemplate: "/api/v1/namespaces/{namespace}/pods/{name}" = patchPodOperation.path;

/**
 * The URL with both path parameters, plain strings checked against the contract before any request.
 * openapi-fetch's default serializer scans the URL with a regex and handles label/matrix styles, arrays and
 * objects; even two `replace` calls cost about 2 µs a PATCH on loopback, a template next to nothing. This
 * relies on openapi-fetch 0.17 passing `${baseUrl}${schemaPath}` (createFinalURL), which is undocumented:
 * an upgrade must re-check it; the URL checks of the request-on-the-wire tests catch a change.
 */
function podPath(url: string, { namespace, name }: Record<string, unknown>): string {
  const baseUrl = url.slice(0, url.length - podPathTemplate.length);
  return `${baseUrl}/api/v1/namespaces/${encodeURIComponent(namespace as string)}/pods/${encodeURIComponent(name as string)}`;
}

/**
 * Every patch media type takes JSON (an apply body is JSON, which is YAML), so the body is always
 * stringified; openapi-fetch's default would also look for FormData and a form Content-Type each call.
 */
function patchBody(body: unknown): string {
  return JSON.stringify(body);
}

/**
 * What openapi-fetch builds for each call in place of a `Request` (its `Request` option): the URL and the
 * init it computed, nothing else. A real Request made each PATCH about 1.3× slower than a plain fetch on
 * loopback (bench/client.ts): undici constructs it, then copies it again inside fetch() and pipes its body
 * through an identity TransformStream. openapi-fetch only reads `method` from it (and copies `signal`
 * onto it); it would hand it to middleware, which this client never registers.
 */
class PlannedRequest {
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {}

  get method(): string | undefined {
    return this.init.method;
  }
}

/**
 * The `fetch` openapi-fetch calls with each PlannedRequest: the global fetch (taken when the client is
 * created, as openapi-fetch does) with URL and init, or the caller's fetch with the real Request it expects.
 */
function sendPlanned(custom: PodPatchClientOptions["fetch"]): (request: Request) => Promise<Response> {
  if (custom !== undefined) {
    return (request) => {
      const { url, init } = request as unknown as PlannedRequest;
      return custom(new Request(url, init));
    };
  }
  const globalFetch = globalThis.fetch;
  return (request) => {
    const { url, init } = request as unknown as PlannedRequest;
    return globalFetch(url, init);
  };
}

/** Creates the client. Credentials stay in this closure: the returned object holds only `patchPod`. */
export function createPodPatchClient(options: PodPatchClientOptions): PodPatchClient {
  const authorization = credentialHeader(options.credentials);
  // One header object per media type, built once: openapi-fetch only reads it when merging the headers.
  const requestHeaders = new Map<string, Record<string, string>>(
    patchMediaTypes.map((mediaType) => [mediaType, { ...authorization, "Content-Type": mediaType }]),
  );
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.headers,
    pathSerializer: podPath,
    bodySerializer: patchBody,
    // openapi-fetch 0.17 builds this same default serializer anew on every call when the option is not a
    // function (an upgrade must re-check); the query strings of the request-on-the-wire tests pin its output.
    querySerializer: createQuerySerializer(),
    Request: PlannedRequest as unknown as typeof Request,
    fetch: sendPlanned(options.fetch),
  });

  async function patchPod(request: PatchPodRequest): Promise<PatchPodResult> {
    const { namespace, name, contentType, body, query, signal } = request;
    checkPathParameter("namespace", namespace);
    checkPathParameter("name", name);
    const headers = requestHeaders.get(contentType);
    if (headers === undefined) {
      throw new TypeError(`contentType must be one of ${patchMediaTypes.join(", ")}; got ${JSON.stringify(contentType)}`);
    }
    const { data, error, response } = await client.PATCH(patchPodOperation.path, {
      params: { path: { namespace, name }, query },
      body,
      headers,
      signal,
    });
    if ((response.status === 200 || response.status === 201) && data !== undefined) {
      return { data, status: response.status, response };
    }
    return { error: toStatus(response.ok ? data : error, response), status: response.status, response };
  }

  return { patchPod };
}
