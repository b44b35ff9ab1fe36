/**
 * How `verify` reaches a cluster: one request in, the raw answer out, through node's own HTTP client so
 * that what is sent is exactly what a probe says (any media type, malformed bodies, repeated query
 * options) and what comes back is every header and the body as text.
 *
 * Input: a kubeconfig (path, optional context) and the route: `apiserver` (token as `Authorization:
 * Bearer`, or the client certificate) or `gateway` (CCE's API-gateway route: the token in `X-Auth-Token`).
 * Output: a `Transport` whose `origin` names the server without credentials or URL userinfo.
 * Failures: `ClusterAccessError` for a kubeconfig that cannot be used, `ClusterUnreachableError` when no
 * answer arrives (refused, timeout, TLS); their messages never hold a token, a key or URL userinfo.
 *
 * The kubeconfig reading here covers token, tokenFile, client certificate and key (data or file), CA
 * (data or file) and insecure-skip-tls-verify. It is the one part to replace by the client's kubeconfig
 * loader (createPodPatchClientFromKubeconfig, src/client/) once that lands: nothing else reads kubeconfigs.
 */
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";

export interface ClusterRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/api/v1/namespaces/default/pods/web?dryRun=All`. */
  path: string;
  /** Header names lower-case. */
  headers?: Record<string, string>;
  body?: string;
  /** Send no credentials (to see the server's 401). */
  anonymous?: boolean;
}

export interface ClusterAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Transport {
  /** `https://host:port` of the server: never credentials, never URL userinfo. */
  readonly origin: string;
  send(request: ClusterRequest): Promise<ClusterAnswer>;
  close(): void;
}

export type Route = "apiserver" | "gateway";

export class ClusterAccessError extends Error {
  override name = "ClusterAccessError";
}

export class ClusterUnreachableError extends Error {
  override name = "ClusterUnreachableError";
}

export interface KubeconfigAccess {
  /** The server URL without userinfo. */
  server: URL;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
  /** The context's namespace, when it names one. */
  namespace?: string;
}

type YamlMap = Record<string, unknown>;

const asMap = (value: unknown): YamlMap =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as YamlMap) : {};
const asString = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function named(list: unknown, name: string, what: string, file: string): YamlMap {
  const entry = (Array.isArray(list) ? list : []).map(asMap).find((item) => item.name === name);
  if (entry === undefined) throw new ClusterAccessError(`${file}: no ${what} named "${name}"`);
  return entry;
}

function readReferenced(base: string, path: string, what: string): string {
  const full = isAbsolute(path) ? path : join(base, path);
  try {
    return readFileSync(full, "utf8");
  } catch (error) {
    throw new ClusterAccessError(`cannot read the ${what} file ${full}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/** data (base64) or a file beside the kubeconfig. */
function material(entry: YamlMap, key: string, base: string, what: string): string | undefined {
  const data = asString(entry[`${key}-data`]);
  if (data !== undefined) return Buffer.from(data, "base64").toString("utf8");
  const file = asString(entry[key]);
  return file === undefined ? undefined : readReferenced(base, file, what);
}

export function defaultKubeconfigPath(): string {
  const fromEnv = process.env.KUBECONFIG?.split(":").find((path) => path !== "");
  return fromEnv ?? join(homedir(), ".kube", "config");
}

/** The cluster, credentials and namespace of one context of a kubeconfig. */
export function readKubeconfig(path: string, context?: string): KubeconfigAccess {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ClusterAccessError(`cannot read the kubeconfig ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let config: YamlMap;
  try {
    config = asMap(parseYaml(text));
  } catch (error) {
    throw new ClusterAccessError(`${path} is not YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const contextName = context ?? asString(config["current-context"]);
  if (contextName === undefined) throw new ClusterAccessError(`${path} has no current-context; pass --context`);
  const contextEntry = asMap(named(config.contexts, contextName, "context", path).context);
  const clusterName = asString(contextEntry.cluster);
  const userName = asString(contextEntry.user);
  if (clusterName === undefined) throw new ClusterAccessError(`${path}: context "${contextName}" names no cluster`);
  const cluster = asMap(named(config.clusters, clusterName, "cluster", path).cluster);
  const user = userName === undefined ? {} : asMap(named(config.users, userName, "user", path).user);
  const serverText = asString(cluster.server);
  if (serverText === undefined) throw new ClusterAccessError(`${path}: cluster "${clusterName}" has no server`);
  let server: URL;
  try {
    server = new URL(serverText);
  } catch {
    throw new ClusterAccessError(`${path}: cluster "${clusterName}" has a server that is not a URL`);
  }
  if (server.protocol !== "https:" && server.protocol !== "http:")
    throw new ClusterAccessError(`${path}: cluster "${clusterName}": the server must be an http(s) URL`);
  server.username = "";
  server.password = "";
  if (user.exec !== undefined || user["auth-provider"] !== undefined) {
    throw new ClusterAccessError(
      `${path}: user "${userName}" uses an exec or auth-provider plugin, which verify does not run yet; use a token or a client certificate`,
    );
  }
  const base = dirname(path);
  const tokenFile = asString(user.tokenFile);
  const token = asString(user.token) ?? (tokenFile === undefined ? undefined : readReferenced(base, tokenFile, "token").trim());
  const ca = material(cluster, "certificate-authority", base, "certificate-authority");
  const cert = material(user, "client-certificate", base, "client-certificate");
  const key = material(user, "client-key", base, "client-key");
  const namespace = asString(contextEntry.namespace);
  return {
    server,
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(token === undefined ? {} : { token }),
    ...(namespace === undefined ? {} : { namespace }),
  };
}

const REQUEST_TIMEOUT_MS = 30_000;

/** A transport to the cluster of `access`; the token goes where the route wants it. */
export function createTransport(access: KubeconfigAccess, route: Route, userAgent: string): Transport {
  const origin = access.server.origin;
  const basePath = access.server.pathname.replace(/\/$/, "");
  const secure = access.server.protocol === "https:";
  const agent = secure
    ? new HttpsAgent({
        keepAlive: true,
        maxSockets: 4,
        ...(access.ca === undefined ? {} : { ca: access.ca }),
        ...(access.cert === undefined ? {} : { cert: access.cert }),
        ...(access.key === undefined ? {} : { key: access.key }),
        rejectUnauthorized: !access.insecureSkipTlsVerify,
      })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const credentials: Record<string, string> =
    access.token === undefined
      ? {}
      : route === "gateway"
        ? { "x-auth-token": access.token }
        : { authorization: `Bearer ${access.token}` };
  const scrub = (text: string): string => (access.token === undefined ? text : text.split(access.token).join("<token>"));

  const send = (request: ClusterRequest): Promise<ClusterAnswer> =>
    new Promise((resolveAnswer, reject) => {
      const headers = { "user-agent": userAgent, ...(request.anonymous === true ? {} : credentials), ...request.headers };
      const options = {
        method: request.method,
        host: access.server.hostname,
        port: access.server.port === "" ? undefined : Number(access.server.port),
        path: `${basePath}${request.path}`,
        headers,
        agent,
        timeout: REQUEST_TIMEOUT_MS,
      };
      const onAnswer = (res: import("node:http").IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (error) =>
          reject(new ClusterUnreachableError(`${origin}: the answer broke off (${scrub(error.message)})`)),
        );
      };
      const req = secure ? httpsRequest(options, onAnswer) : httpRequest(options, onAnswer);
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on("error", (error: NodeJS.ErrnoException) =>
        reject(
          new ClusterUnreachableError(
            `cannot reach ${origin}: ${scrub(error.code === undefined ? error.message : `${error.code} ${error.message}`)}`,
          ),
        ),
      );
      req.end(request.body);
    });
  return { origin, send, close: () => agent.destroy() };
}
