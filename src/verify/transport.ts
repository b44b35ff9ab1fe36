/**
 * How `verify` reaches a cluster: one request in, the raw answer out, so that what is sent is exactly what
 * a probe says (any media type, malformed bodies, repeated query options) and what comes back is the status,
 * the headers and the body as text.
 *
 * Input: a kubeconfig context as the client reads it (src/kubeconfig: resolveKubeconfig — contexts, merged
 * KUBECONFIG lists, CA data or file, client certificates, insecure-skip-tls-verify with a warning — and its
 * credential sources: a token, a token file, an exec plugin), and the route: `apiserver` (the credential as
 * `Authorization: Bearer`, or the client certificate) or `gateway` (CCE's API-gateway route: the token in
 * `X-Auth-Token`). Requests go through the client's own transport and TLS checks (credentialTransports,
 * src/client/pod-patch-client.ts); a 401 to a request with credentials fetches the credential again once, as
 * the client does (a rotated token file, an expired exec credential).
 * Output: a `Transport` whose `origin` names the server without credentials or URL userinfo.
 * Failures: KubeconfigError or ExecCredentialError for a kubeconfig that cannot be used, NoAnswerError when
 * no answer arrives (refused, timeout, TLS); their messages never hold a token, a key or URL userinfo.
 */
import type { AuthSource, AuthState } from "../client/pod-patch-client.js";
import { checkBaseUrl, credentialTransports } from "../client/pod-patch-client.js";
import { noAnswer } from "../client/no-answer.js";
import { credentialSource } from "../kubeconfig/credentials.js";
import { fromContext } from "../kubeconfig/index.js";
import { type KubeconfigOptions, type ResolvedContext, resolveKubeconfig } from "../kubeconfig/kubeconfig.js";

export interface ClusterRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/api/v1/namespaces/default/pods/web?dryRun=All`. */
  path: string;
  /** Header names lower-case. */
  headers?: Record<string, string>;
  body?: string;
  /** Send no credential headers (to see the server's 401); a client certificate of the connection is still presented. */
  anonymous?: boolean;
}

export interface ClusterAnswer {
  status: number;
  /** Header names lower-case; a repeated header's values joined with ", " (as fetch's Headers joins them). */
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  /** `https://host:port` of the server: never credentials, never URL userinfo. */
  readonly origin: string;
  send(request: ClusterRequest): Promise<ClusterAnswer>;
}

export type Route = "apiserver" | "gateway";

/** The server answered, but refuses the credentials or cannot serve what verify must read. */
export class ClusterAccessError extends Error {
  override name = "ClusterAccessError";
}

/** What a transport needs of a kubeconfig context (a ResolvedContext, or the same facts from a control plane). */
export type ClusterAccess = Pick<ResolvedContext, "context" | "server" | "tls" | "credential">;

const REQUEST_TIMEOUT_MS = 30_000;

/** The credential headers of `state` for the route: the gateway takes the token in X-Auth-Token. */
function routed(state: AuthState, route: Route): Record<string, string> {
  if (route === "apiserver") return state.headers;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(state.headers)) {
    const token = name.toLowerCase() === "authorization" ? /^Bearer (.+)$/.exec(value)?.[1] : undefined;
    if (token === undefined) headers[name] = value;
    else headers["x-auth-token"] = token;
  }
  return headers;
}

/** The Warning headers of an answer, one text each (`299 - "…"`), from the joined header. */
export function warningsOf(answer: ClusterAnswer): string[] {
  const header = answer.headers.warning;
  return header === undefined ? [] : header.split(/, (?=\d{3} )/);
}

/** A transport to the cluster of `access`; the credential goes where the route wants it. */
export function createTransport(access: ClusterAccess, route: Route, userAgent: string): Transport {
  const { baseUrl, origin, transportFor } = fromContext(access, () => {
    const checked = checkBaseUrl(access.server);
    return { ...checked, transportFor: credentialTransports(checked.origin, checked.https, access.tls, false) };
  });
  const auth: AuthSource | undefined = credentialSource(access.credential);
  async function attempt(request: ClusterRequest, state: AuthState): Promise<ClusterAnswer> {
    // Without credentials means without the credential headers: a client certificate belongs to the TLS
    // connection (the same keep-alive agent), so it is still presented.
    const headers = request.anonymous === true ? {} : routed(state, route);
    let response: Response;
    try {
      response = await transportFor(state)(
        new Request(`${baseUrl}${request.path}`, {
          method: request.method,
          headers: { "user-agent": userAgent, ...headers, ...request.headers },
          ...(request.body === undefined ? {} : { body: request.body }),
        }),
        REQUEST_TIMEOUT_MS,
      );
    } catch (error) {
      throw noAnswer(error, origin, 1, state.headers, REQUEST_TIMEOUT_MS);
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  }

  return {
    origin,
    async send(request) {
      if (auth === undefined) return attempt(request, { headers: {} });
      const answer = await attempt(request, await auth.current());
      if (answer.status !== 401 || request.anonymous === true || !auth.refresh()) return answer;
      return attempt(request, await auth.current());
    },
  };
}

/** A transport to the cluster of a kubeconfig context, and that context's namespace. */
export function openCluster(
  options: KubeconfigOptions,
  route: Route,
  userAgent: string,
): { transport: Transport; namespace: string } {
  const resolved = resolveKubeconfig(options);
  return { transport: createTransport(resolved, route, userAgent), namespace: resolved.namespace };
}
