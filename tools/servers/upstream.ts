/**
 * The proxy's connection to the real API server: sends a request's bytes and headers as they came
 * and returns the answer's status and headers as they came, with its body as a stream.
 *
 * Input: `createUpstream(url, tls)` with the upstream base URL (http or https; a path prefix is kept;
 * user and password in it are not used) and, for https, the CA to trust, a client certificate and key
 * for mutual TLS, and `insecure` to skip verification (only when asked). `send(upstream, request,
 * timeoutMs)` with method, path plus query, headers and body. Output: the upstream's answer once its
 * headers arrived; rejects on connection or TLS failures, and with UpstreamTimeout when no headers came
 * within `timeoutMs`. A request reset on a kept-alive connection before any answer is sent again (on another). `readBounded` reads an answer's body up to a limit and a deadline;
 * `decodedBody` undoes its Content-Encoding (gzip, deflate, br), up to a limit.
 * Headers pass through untouched (X-Auth-Token, Authorization, Content-Type…) except the hop-by-hop
 * ones (RFC 9110 §7.6.1), `Host` (set to the upstream's) and `Content-Length` (set to the bytes sent).
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { posix } from "node:path";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

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

/** The upstream's answer: status and headers as they came, the body still arriving. */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** How long the upstream may take to answer when the proxy is not told otherwise: the apiserver's own request timeout. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;

/** No answer (or no complete answer) from the upstream in time. */
export class UpstreamTimeout extends Error {
  override name = "UpstreamTimeout";
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

/**
 * The upstream URL as the proxy prints it: any user and password in it shown as `***` (a startup line or
 * an error message ends up in logs). Text that is not a URL is shown as given, minus anything between
 * `//` and `@`.
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "***";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//***@");
  }
}

export function createUpstream(url: string, tls: UpstreamTls): Upstream {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") return { url: parsed, agent: new HttpAgent({ keepAlive: true }) };
  if (parsed.protocol !== "https:") throw new Error(`upstream must be an http or https URL, got "${displayUrl(url)}"`);
  const agent = new HttpsAgent({
    keepAlive: true,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls.insecure !== true,
  });
  return { url: parsed, agent };
}

/**
 * True when a request failed because the kept-alive connection it was sent on had been closed by the
 * upstream while idle (Node's server after 5 s, Go's after its IdleTimeout): the request is reset
 * (ECONNRESET), or its body's write fails (EPIPE, seen with a 2 MB body), before any answer. Such a request
 * is sent again, as Node's documentation of `request.reusedSocket` advises. The agent may hand out another
 * idle connection the upstream closed at the same time (several are kept after concurrent requests), so
 * again while the connection was a reused one: the agent keeps finitely many, and a new one ends it.
 */
export function closedWhileIdle(error: NodeJS.ErrnoException, reusedSocket: boolean): boolean {
  return reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
}

export function send(upstream: Upstream, forwarded: ForwardedRequest, timeoutMs: number): Promise<UpstreamAnswer> {
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
    const outgoing = requestFn(options, (answer) => {
      clearTimeout(timer);
      resolve({ statusCode: answer.statusCode ?? 502, headers: answer.headers, body: answer });
    });
    const timer = setTimeout(() => outgoing.destroy(new UpstreamTimeout(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (closedWhileIdle(error, outgoing.reusedSocket)) {
        send(upstream, forwarded, timeoutMs).then(resolve, reject);
        return;
      }
      reject(error);
    });
    outgoing.end(forwarded.body);
  });
}

/** An answer body read to its end (`complete`), or the part read before it passed `limit` bytes. */
export type BoundedBody = { complete: true; bytes: Buffer } | { complete: false; head: Buffer[] };

/**
 * Reads `body` up to `limit` bytes: all of it, or (once it passes the limit) the chunks so far, with the
 * stream paused for the caller to relay the rest. Rejects with UpstreamTimeout when the body has not
 * ended within `timeoutMs`, and when the upstream breaks off.
 */
export function readBounded(body: IncomingMessage, limit: number, timeoutMs: number): Promise<BoundedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (): void => {
      clearTimeout(timer);
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received <= limit) return;
      finish();
      body.pause();
      resolve({ complete: false, head: chunks });
    };
    const onEnd = (): void => {
      finish();
      resolve({ complete: true, bytes: Buffer.concat(chunks) });
    };
    const onError = (error: Error): void => {
      finish();
      reject(error);
    };
    const onAborted = (): void => onError(new Error("the upstream broke off its answer"));
    const timer = setTimeout(() => {
      finish();
      body.destroy();
      reject(new UpstreamTimeout(`the answer did not complete within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("aborted", onAborted);
  });
}

/**
 * The body with its Content-Encoding undone (none, identity, gzip, x-gzip, deflate, br), at most `limit`
 * bytes of it; or why it cannot be read (an unknown encoding, corrupt data, more than `limit` bytes once
 * decoded — a small gzip can unpack to gigabytes).
 */
export function decodedBody(bytes: Buffer, contentEncoding: string | undefined, limit: number): Buffer | string {
  const encoding = (contentEncoding ?? "").trim().toLowerCase();
  const options = { maxOutputLength: limit };
  try {
    if (encoding === "" || encoding === "identity") return bytes;
    if (encoding === "gzip" || encoding === "x-gzip") return gunzipSync(bytes, options);
    if (encoding === "deflate") return inflateSync(bytes, options);
    if (encoding === "br") return brotliDecompressSync(bytes, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ERR_BUFFER_TOO_LARGE" ? `it unpacks to more than ${limit} bytes` : `its ${encoding} data is corrupt`;
  }
  return `its Content-Encoding ${JSON.stringify(encoding)} is not one the proxy reads`;
}
