/**
 * One HTTPS exchange with a server that presents a private CA — the real apiserver here — through node's
 * own client, so that what is sent is exactly what the caller gives (no fetch defaults, no header
 * rewriting) and what comes back is every header and the raw body. An `http:` URL (the mock, the
 * proxy) is sent the same way in plain HTTP, so one request can be put to each and compared.
 *
 * Input: URL, method, headers, body, the CA to trust. Output: `{ status, headers, body }` with headers
 * lower-cased (a repeated header, such as `Warning`, as an array). Rejects on a network error or when no
 * complete answer arrives within `timeoutMs`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpsExchange {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** PEM certificates to trust for an https URL (ignored for http). */
  ca: string;
  timeoutMs?: number;
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function httpsExchange(exchange: HttpsExchange): Promise<HttpsAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const request = exchange.url.startsWith("http:") ? httpRequest : httpsRequest;
    const req = request(
      exchange.url,
      {
        method: exchange.method ?? "GET",
        ca: exchange.ca,
        headers: exchange.headers ?? {},
        timeout: exchange.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`no answer from ${new URL(exchange.url).origin} within ${exchange.timeoutMs ?? 30_000} ms`)),
    );
    req.on("error", reject);
    req.end(exchange.body);
  });
}
