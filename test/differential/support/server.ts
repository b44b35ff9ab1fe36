/**
 * Talking to the real apiserver from a differential suite: one request in, one recorded answer out, in
 * the form the recordings keep (status, the headers that matter to a client, the body parsed when it is
 * JSON), plus the few set-up calls the suites share (namespace, Pod creation, deletion). `askRaw` sends
 * bytes over a bare TCP or TLS connection, for what happens below HTTP's request handling (plain HTTP on
 * the TLS port, a request line Go's server refuses).
 */
import type { IncomingHttpHeaders } from "node:http";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { httpsExchange } from "../../../tools/apiserver/http.js";
import type { ApiserverConnection } from "./live-apiserver.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/api/v1/namespaces/default/pods/web?dryRun=All`. */
  path: string;
  /** Header names lower-case; `authorization` is added unless given (set it to "" to send none). */
  headers?: Record<string, string>;
  body?: string;
}

export interface ApiAnswer {
  status: number;
  /** The answer's Content-Type, when it has one. */
  contentType?: string;
  /** The texts of every `Warning` header, in order. */
  warnings?: string[];
  retryAfter?: string;
  body: Json;
}

/** Where to send a request: the real apiserver, or (plain http, `caCert` unused) the mock or the proxy. */
export type Endpoint = Pick<ApiserverConnection, "url" | "token" | "caCert">;

/**
 * What the server writes back for `bytes` sent as they are (`tls`: inside a TLS connection trusting
 * `caCert`, else on the bare TCP port), until it closes the connection or `waitMs` pass — with any `Date:`
 * header line removed, the one part that changes from run to run.
 */
export function askRaw(server: Endpoint, bytes: string, options: { tls: boolean; waitMs?: number }): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    let received = "";
    const socket: Socket = options.tls
      ? connectTls({ host: hostname, port: Number(port), ca: server.caCert }, () => socket.write(bytes))
      : connectTcp(Number(port), hostname, () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 5_000);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received.replace(/^Date: .*\r\n/im, ""));
    });
  });
}

export async function ask(server: Endpoint, request: ApiRequest): Promise<ApiAnswer> {
  return (await askWithHeaders(server, request)).answer;
}

/** `ask`, with every header of the answer besides (the proxy's `sl-violations`, for one). */
export async function askWithHeaders(
  server: Endpoint,
  request: ApiRequest,
): Promise<{ answer: ApiAnswer; headers: IncomingHttpHeaders }> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}`, ...request.headers };
  if (headers.authorization === "") delete headers.authorization;
  const answer = await httpsExchange({
    url: `${server.url}${request.path}`,
    method: request.method,
    headers,
    ca: server.caCert,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = answer.body.toString("utf8");
  const contentType = answer.headers["content-type"];
  let body: Json = text;
  if (contentType?.startsWith("application/json") === true && text !== "") body = JSON.parse(text) as Json;
  const warning = answer.headers.warning;
  const warnings = warning === undefined ? [] : Array.isArray(warning) ? warning : [warning];
  const retryAfter = answer.headers["retry-after"];
  return {
    answer: {
      status: answer.status,
      ...(contentType === undefined ? {} : { contentType }),
      ...(warnings.length === 0 ? {} : { warnings }),
      ...(retryAfter === undefined ? {} : { retryAfter }),
      body,
    },
    headers: answer.headers,
  };
}

function expectStatus(answer: ApiAnswer, allowed: number[], what: string): ApiAnswer {
  if (!allowed.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Creates the namespace unless it exists. */
export async function ensureNamespace(server: ApiserverConnection, namespace: string): Promise<void> {
  const body = JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  const answer = await ask(server, {
    method: "POST",
    path: "/api/v1/namespaces",
    headers: { "content-type": "application/json" },
    body,
  });
  expectStatus(answer, [201, 409], `create namespace ${namespace}`);
}

/** Creates a Pod (deleting any Pod of that name first, without grace) and returns it as the server stored it. */
export async function createPod(
  server: ApiserverConnection,
  namespace: string,
  pod: { [key: string]: Json },
): Promise<{ [key: string]: Json }> {
  const name = (pod.metadata as { name: string }).name;
  await deletePod(server, namespace, name);
  const answer = await ask(server, {
    method: "POST",
    path: `/api/v1/namespaces/${namespace}/pods`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(pod),
  });
  return expectStatus(answer, [201], `create pod ${namespace}/${name}`).body as { [key: string]: Json };
}

/** Removes a Pod whatever its finalizers (cleared first), so that the next run starts from nothing. */
export async function removePod(server: ApiserverConnection, namespace: string, name: string): Promise<void> {
  await ask(server, {
    method: "PATCH",
    path: `/api/v1/namespaces/${namespace}/pods/${name}`,
    headers: { "content-type": "application/merge-patch+json" },
    body: JSON.stringify({ metadata: { finalizers: null } }),
  });
  await deletePod(server, namespace, name);
}

export async function deletePod(server: ApiserverConnection, namespace: string, name: string): Promise<void> {
  const answer = await ask(server, {
    method: "DELETE",
    path: `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`,
  });
  expectStatus(answer, [200, 404], `delete pod ${namespace}/${name}`);
}
