// The typed fetch client of the pipeline: openapi-fetch's `Client<paths>` over the
// contract's generated types (generated/openapi.ts), for callers who want openapi-fetch's API — `client.PATCH`,
// `client.GET`, middleware — rather than this package's `patchPod`. Shipped as the subpath
// `pod-patch-contract/openapi-fetch` (src/openapi-fetch.ts), so the high-level client (pod-patch-client.ts),
// which builds its requests itself to stay small (docs/decisions/0017-client-without-openapi-fetch.md), never
// loads openapi-fetch.
//
// Input: the high-level client's connection options (baseUrl, credentials, ca, cert, key,
// insecureSkipTlsVerify, tlsServerName, timeoutMs, fetch, headers), checked by the same code (`connect` in
// pod-patch-client.ts: InvalidOptionError for one that cannot be used), or a kubeconfig context (src/kubeconfig).
// Output: `createClient<paths, "application/json">` called with documented options only — `baseUrl`, `headers`
// (Accept) and `fetch`, a function that sends each Request through the same transport as the high-level client (TLS
// settings, one keep-alive pool, each request bounded by `timeoutMs`), adds the credential header at the last
// moment (middleware never sees it; a 401 to a renewable kubeconfig credential is sent once more with the
// renewed one) and hands openapi-fetch an answer it reads as the contract says:
// - an HTTP answer that is not 2xx: its body a Kubernetes Status — the server's, or one built from the HTTP
//   status that keeps the server's text as `message` (answerStatus) — so `error` is always a Status;
// - no answer (timeout, refused, TLS): the promise rejects with NoAnswerError (no-answer.ts), never a raw
//   TypeError, never a token or URL user information in its message; the caller's `signal` rejects with its
//   reason;
// - a `namespace` or `name` the contract forbids: InvalidPathParameterError before anything is sent (a
//   middleware registered first: middleware is openapi-fetch's documented way to see the parameters);
// - a request to anywhere but under `baseUrl` (a per-request `baseUrl`, a middleware's new Request) rejects
//   with InvalidOptionError before anything is sent, so the credential never leaves for another server.
// No retries: openapi-fetch's middleware is its documented extension point, and the high-level client is the
// one with the contract's retry rules (docs/client.md).
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import { fromKubeconfig, type KubeconfigClientOptions } from "../kubeconfig/index.js";
import { noAnswer } from "./no-answer.js";
import {
  type AuthSource,
  answerStatus,
  checkPathParameter,
  type ConnectionOptions,
  connect,
  InvalidOptionError,
  jsonOrText,
} from "./pod-patch-client.js";

/** openapi-fetch's client for the contract's paths (the Pod's PATCH and GET, and the discovery paths kubectl reads). */
export type PodPatchFetchClient = Client<paths, "application/json">;

/** The high-level client's connection options; retries are not among them (this client makes none). */
export type PodPatchFetchClientOptions = ConnectionOptions;

/** Options of createPodPatchFetchClientFromKubeconfig: which kubeconfig and context, the timeout and headers. */
export type KubeconfigFetchClientOptions = Omit<KubeconfigClientOptions, "maxRetries" | "maxRetryDelayMs">;

export type KubeconfigPodPatchFetchClient = PodPatchFetchClient & {
  /** The kubeconfig context the client was made from. */
  readonly context: string;
  /** That context's namespace (`default` when it names none). */
  readonly namespace: string;
};

/**
 * The answer openapi-fetch gets: a 2xx as it came; any other answer with a Kubernetes Status as its body (the
 * server's bytes when they are one; otherwise the Status answerStatus builds, as JSON), its status and headers.
 * A 304 cannot carry a body and comes as it is (the apiserver sends none to these requests).
 */
async function withStatus(response: Response): Promise<Response> {
  if (response.ok || response.status === 304) return response;
  const text = await response.text();
  const body = jsonOrText(text);
  const status = answerStatus(response, body);
  const init = { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) };
  if (status === body) return new Response(text, init);
  init.headers.delete("Content-Length");
  init.headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify(status), init);
}

/** The client, with credentials that may change (a kubeconfig's token file or exec plugin). */
function fetchClientFrom(options: PodPatchFetchClientOptions, auth?: AuthSource): PodPatchFetchClient {
  const { baseUrl, origin, staticAuth, timeoutMs, sendFor, defaultHeaders } = connect(options);

  async function send(request: Request): Promise<Response> {
    const { url, method, signal } = request;
    // The prefix ends at a path boundary: https://host/prefix must not match https://host/prefix-other.
    if (!url.startsWith(`${baseUrl}/`)) {
      throw new InvalidOptionError(
        "baseUrl",
        "a request goes only under the client's own baseUrl (a per-request baseUrl or a middleware's URL elsewhere is refused; value not shown)",
      );
    }
    // Read once: a 401 to a renewable credential sends it again.
    const body = request.body ? await request.text() : undefined;
    for (let refreshed = false; ; refreshed = true) {
      const state = auth ? await auth.current() : staticAuth;
      signal.throwIfAborted();
      let response: Response;
      try {
        const headers = new Headers(request.headers);
        // The credential replaces whatever the caller's headers said under that name.
        for (const [name, value] of Object.entries(state.headers)) headers.set(name, value);
        response = await sendFor(state)(new Request(url, { method, headers, body }), timeoutMs, signal);
      } catch (error) {
        signal.throwIfAborted();
        throw noAnswer(error, origin, 1, state.headers, timeoutMs);
      }
      if (response.status !== 401 || !auth || refreshed || !auth.refresh()) return withStatus(response);
    }
  }

  const client = createClient<paths, "application/json">({ baseUrl, headers: defaultHeaders, fetch: send });
  // The path parameters, checked as the high-level client checks them, before anything is sent: a name such as
  // `..` would otherwise be resolved away by the URL and the request would go to another resource.
  client.use({
    onRequest({ schemaPath, params }) {
      for (const parameter of ["namespace", "name"] as const) {
        if (schemaPath.includes(`{${parameter}}`)) checkPathParameter(parameter, params.path?.[parameter]);
      }
    },
  });
  return client;
}

/** openapi-fetch's client for the contract, sending through this package's transport (see the header). */
export function createPodPatchFetchClient(options: PodPatchFetchClientOptions): PodPatchFetchClient {
  return fetchClientFrom(options);
}

/**
 * The same for the cluster of a kubeconfig context, found and read as createPodPatchClientFromKubeconfig
 * reads it (src/kubeconfig: KubeconfigError for one that cannot be used, ExecCredentialError at the first
 * request when an exec plugin fails).
 */
export async function createPodPatchFetchClientFromKubeconfig(
  options: KubeconfigFetchClientOptions = {},
): Promise<KubeconfigPodPatchFetchClient> {
  return fromKubeconfig(options, fetchClientFrom);
}
