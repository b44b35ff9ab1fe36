/**
 * The proxy's connection to the real API server: sends a request's bytes and headers as they came
 * and returns the answer's status, headers and bytes as they came.
 *
 * Input: `createUpstream(url, tls)` with the upstream base URL (http or https; a path prefix is kept)
 * and, for https, the CA to trust, a client certificate and key for mutual TLS, and `insecure` to
 * skip verification (only when asked). `send(upstream, request)` with method, path plus query,
 * headers and body. Output: the upstream's reply; rejects on connection or TLS failures.
 * Headers pass through untouched (X-Auth-Token, Authorization, Content-Type…) except the hop-by-hop
 * ones (RFC 9110 §7.6.1), `Host` (set to the upstream's) and `Content-Length` (set to the bytes sent).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { posix } from "node:path";

export interface UpstreamTls {
  /** PEM CA certificate(s) to trust instead of the system's. */
  ca?: string;
  /** PEM client certificate for mutual TLS (with `key`). */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** Accept any server certificate. */
  insecure?: boolean;
}

export interface Upstream {
  url: URL;
  agent: HttpAgent;
}

export interface ForwardedRequest {
  method: string;
  /** Path and query as the client sent them (`/api/v1/...?...`). */
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface UpstreamReply {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The headers without hop-by-hop ones (including those `Connection` names) and without `host`/`content-length`. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase());
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !HOP_BY_HOP.has(name) && !named.includes(name) && name !== "host" && name !== "content-length",
    ),
  );
}

export function createUpstream(url: string, tls: UpstreamTls): Upstream {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") return { url: parsed, agent: new HttpAgent({ keepAlive: true }) };
  if (parsed.protocol !== "https:") throw new Error(`upstream must be an http or https URL, got "${url}"`);
  const agent = new HttpsAgent({
    keepAlive: true,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls.insecure !== true,
  });
  return { url: parsed, agent };
}

export function send(upstream: Upstream, forwarded: ForwardedRequest): Promise<UpstreamReply> {
  const incoming = new URL(forwarded.pathAndQuery, "http://placeholder");
  const headers: OutgoingHttpHeaders = {
    ...endToEndHeaders(forwarded.headers),
    host: upstream.url.host,
    ...(forwarded.body.length > 0 || forwarded.headers["content-length"] !== undefined
      ? { "content-length": forwarded.body.length }
      : {}),
  };
  const options = {
    method: forwarded.method,
    protocol: upstream.url.protocol,
    hostname: upstream.url.hostname,
    port: upstream.url.port,
    path: `${posix.join(upstream.url.pathname, incoming.pathname)}${incoming.search}`,
    headers,
    agent: upstream.agent,
  };
  const requestFn = upstream.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = requestFn(options, (reply) => {
      const chunks: Buffer[] = [];
      reply.on("data", (chunk: Buffer) => chunks.push(chunk));
      reply.on("error", reject);
      reply.on("end", () =>
        resolve({ statusCode: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(forwarded.body);
  });
}
