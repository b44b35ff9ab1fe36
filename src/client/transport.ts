// The client's own `fetch`: one HTTP/1.1 exchange through node:http or node:https, given to openapi-fetch as
// its documented `fetch` option. Node's global fetch cannot be told which CA to trust or which client
// certificate to present without undici's Agent from npm (docs/decisions/0011-client-transport.md); node's
// https agent takes `ca`, `cert`, `key` and `rejectUnauthorized` itself, costs no dependency and no bundle
// bytes, and on loopback is faster than the global fetch (bench/client.ts).
//
// Input: the Request openapi-fetch built (URL, method, headers, body, signal). Output: a Response with the
// whole body read (at most `maxAnswerBytes`), or a rejection with a `TransportFailure` that says whether the
// request may have reached the server — the fact the retry rules of pod-patch-client.ts rest on.
// Redirects are not followed: a 3xx comes back as it is, so a token is never sent to another address.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** The TLS settings of a client, certificates and keys as PEM text; all optional. */
export interface TlsSettings {
  ca?: string | string[];
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name to verify the server's certificate against (and send as SNI) instead of the URL's host. */
  tlsServerName?: string;
}

/** No Pod or Status comes near this; a larger answer is refused rather than buffered. */
const maxAnswerBytes = 64 * 1024 * 1024;

/** Why an exchange ended without a usable answer; `requestSent` false means the server cannot have acted on it. */
export class TransportFailure extends Error {
  override name = "TransportFailure";
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly requestSent: boolean,
  ) {
    super(message);
  }
}

/** A fetch-compatible function over node's http/https client, with one keep-alive agent per client. */
export function nodeTransport(https: boolean, tls: TlsSettings): (request: Request) => Promise<Response> {
  const agent = https
    ? new HttpsAgent({
        keepAlive: true,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: tls.insecureSkipTlsVerify !== true,
        servername: tls.tlsServerName,
      })
    : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  return async (request) => {
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const { signal } = request;
    return new Promise<Response>((resolve, reject) => {
      if (signal.aborted) {
        reject(new TransportFailure("aborted", "ABORT_ERR", false));
        return;
      }
      let sent = false;
      const fail = (error: TransportFailure): void => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      };
      const outgoing = send(request.url, { method: request.method, headers, agent, servername: tls.tlsServerName }, (incoming) =>
        readAnswer(incoming).then((response) => {
          signal.removeEventListener("abort", onAbort);
          resolve(response);
        }, fail),
      );
      outgoing.on("error", (error: Error & { code?: string }) => fail(new TransportFailure(error.message, error.code, sent)));
      const onAbort = (): void => {
        fail(new TransportFailure("aborted", "ABORT_ERR", sent));
        outgoing.destroy();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      outgoing.on("socket", (socket) => {
        // A reused keep-alive socket is already connected; a new one counts once its (TLS) handshake is done.
        if (outgoing.reusedSocket) sent = true;
        else socket.once(https ? "secureConnect" : "connect", () => (sent = true));
      });
      outgoing.end(body);
    });
  };
}

function readAnswer(incoming: IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxAnswerBytes) {
        incoming.destroy();
        reject(new TransportFailure(`the answer is larger than ${maxAnswerBytes} bytes`, "ANSWER_TOO_LARGE", true));
      } else chunks.push(chunk);
    });
    incoming.on("error", (error: Error & { code?: string }) => reject(new TransportFailure(error.message, error.code, true)));
    incoming.on("end", () => {
      const status = incoming.statusCode ?? 0;
      if (status < 200 || status > 599) {
        reject(new TransportFailure(`the server answered with HTTP status ${status}`, "INVALID_STATUS", true));
        return;
      }
      try {
        const headers = new Headers();
        for (const [name, values] of Object.entries(incoming.headersDistinct))
          for (const value of values ?? []) headers.append(name, value);
        // 204, 205 and 304 can carry no body in a Response.
        const body = status === 204 || status === 205 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, statusText: incoming.statusMessage ?? "", headers }));
      } catch (error) {
        reject(new TransportFailure(`the answer is not valid HTTP: ${(error as Error).message}`, "INVALID_ANSWER", true));
      }
    });
  });
}
