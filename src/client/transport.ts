// The client's own `fetch`: one HTTP/1.1 exchange through node:http or node:https for each Request the client
// builds (pod-patch-client.ts). Node's global fetch cannot be told which CA to trust or which client
// certificate to present without undici's Agent from npm (docs/decisions/0011-client-transport.md); node's
// https agent takes `ca`, `cert`, `key` and `rejectUnauthorized` itself, costs no dependency and no bundle
// bytes, and on loopback is faster than the global fetch (bench/client.ts).
//
// Input: the Request the client built (URL, method, headers, body), the attempt's timeout and the caller's
// AbortSignal (kept out of the Request: a signal there costs every request an AbortController and a listener
// inside fetch's Request). Output: a Response with the whole body read (at most 64 MiB), or a rejection with a
// `TransportFailure` that says whether the request may have reached the server — the fact the retry rules of
// pod-patch-client.ts rest on.
// Redirects are not followed: a 3xx comes back as it is, so a token is never sent to another address.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
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

/**
 * What the transport rejects with (a plain object: it never leaves the client, which turns it into a
 * NoAnswerError): node's error code and message; `sent`, false while the request cannot have reached the
 * server (no connection yet, or its TLS handshake not done); `timedOut` when the attempt's time ran out.
 */
export interface TransportFailure {
  code?: string;
  message?: string;
  sent: boolean;
  timedOut?: boolean;
}

/**
 * One attempt: sends `request` (whose own signal is not used) and rejects with a TransportFailure when no
 * answer came within `timeoutMs` or when `signal` (the caller's) aborts.
 */
export type Send = (request: Request, timeoutMs: number, signal?: AbortSignal) => Promise<Response>;

/** A Send over node's http/https client, with one keep-alive agent per client. */
export function nodeTransport(https: boolean, tls: TlsSettings): Send {
  const agent = https
    ? new HttpsAgent({
        keepAlive: true,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: !tls.insecureSkipTlsVerify,
        servername: tls.tlsServerName,
      })
    : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  return async (request, timeoutMs, signal) => {
    // Text, not bytes: node then writes the head and the body in one write.
    const body = request.body && (await request.text());
    return new Promise<Response>((resolve, reject) => {
      let sent = false;
      // Called with node's error, with a failure of its own, or with the abort event (no code, no message).
      const fail = (error?: object, timedOut?: boolean): void => {
        const { code, message } = error as TransportFailure;
        done();
        outgoing.destroy();
        reject({ code, message, sent, timedOut } satisfies TransportFailure);
      };
      const timer = setTimeout(fail, timeoutMs, {}, true);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", fail);
      };
      const outgoing = send(
        request.url,
        { method: request.method, headers: Object.fromEntries(request.headers), agent, servername: tls.tlsServerName },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on("data", (chunk: Buffer) => {
            size += chunk.length;
            // No Pod or Status comes near 64 MiB: a larger answer is refused rather than buffered.
            if (size > 2 ** 26) fail({ code: "ANSWER_TOO_LARGE", message: "the answer is larger than 64 MiB" });
            else chunks.push(chunk);
          });
          incoming.on("error", fail);
          incoming.on("end", () => {
            done();
            const { rawHeaders: raw } = incoming;
            try {
              const headers = new Headers();
              for (let index = 0; index < raw.length; index += 2) headers.append(raw[index] as string, raw[index + 1] as string);
              // A status outside 200–599 or a header value fetch does not allow throws here.
              resolve(
                new Response(size ? Buffer.concat(chunks) : null, {
                  status: incoming.statusCode,
                  statusText: incoming.statusMessage,
                  headers,
                }),
              );
            } catch (error) {
              fail({ code: "INVALID_ANSWER", message: (error as Error).message });
            }
          });
        },
      );
      outgoing.on("error", fail);
      outgoing.on("socket", (socket) => {
        // A reused keep-alive socket is already connected; a new one counts once its (TLS) handshake is done.
        if (outgoing.reusedSocket) sent = true;
        else socket.once(https ? "secureConnect" : "connect", () => (sent = true));
      });
      signal?.addEventListener("abort", fail);
      // Aborted while the body was read: the listener above came too late.
      if (signal?.aborted) fail({});
      outgoing.end(body);
    });
  };
}
