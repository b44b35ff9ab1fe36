/**
 * Reads and decodes request bodies for the mock, so Prism gets a parsed value and never parses (or
 * hangs on) a body itself.
 *
 * readBody — input: the incoming request and a byte limit; output: the bytes, or "too-large" as
 * soon as the declared Content-Length or the bytes received pass the limit. Nothing more is kept
 * then: the rest of the upload is discarded so the client can read the 413 on a live connection
 * (closing at once makes it fail with EPIPE/ECONNRESET instead), and once DISCARD_LIMIT_FACTOR times
 * the limit has been thrown away the connection is destroyed. Rejects when the client aborts.
 * decodeBody — input: media-type essence and bytes; output: the parsed value (`+json`/`application/json`
 * as JSON, `+yaml`/`application/yaml` as YAML, anything else as text; no bytes = undefined), or a
 * message saying why it could not be decoded.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";

export type BodyRead = { kind: "complete"; bytes: Buffer } | { kind: "too-large" };
export type DecodedBody = { ok: true; value: unknown } | { ok: false; message: string };

/** How much of an oversized upload is drained (as a multiple of the limit) before the connection is cut. */
const DISCARD_LIMIT_FACTOR = 4;

/** Throws the rest of the upload away, cutting the connection once it passes `limit` × DISCARD_LIMIT_FACTOR bytes. */
function discardRest(request: IncomingMessage, limit: number): void {
  let discarded = 0;
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit * DISCARD_LIMIT_FACTOR) request.socket.destroy();
  });
}

export function readBody(request: IncomingMessage, limit: number): Promise<BodyRead> {
  const declaredLength = Number(request.headers["content-length"] ?? "0");
  if (declaredLength > limit) {
    discardRest(request, limit);
    return Promise.resolve({ kind: "too-large" });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stopListening = (): void => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= limit) {
        chunks.push(chunk);
        return;
      }
      stopListening();
      chunks.length = 0;
      discardRest(request, limit);
      resolve({ kind: "too-large" });
    };
    const onEnd = (): void => {
      stopListening();
      resolve({ kind: "complete", bytes: Buffer.concat(chunks) });
    };
    const onError = (error: Error): void => {
      stopListening();
      reject(error);
    };
    const onClose = (): void => {
      stopListening();
      reject(new Error("client closed the connection before the body was complete"));
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
    request.on("close", onClose);
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function syntaxOf(essence: string): "json" | "yaml" | "text" {
  if (essence === "application/json" || essence.endsWith("+json")) return "json";
  if (essence === "application/yaml" || essence.endsWith("+yaml")) return "yaml";
  return "text";
}

export function decodeBody(essence: string, bytes: Buffer): DecodedBody {
  if (bytes.length === 0) return { ok: true, value: undefined };
  const syntax = syntaxOf(essence);
  try {
    const text = utf8.decode(bytes);
    if (syntax === "json") return { ok: true, value: JSON.parse(text) };
    if (syntax === "yaml") return { ok: true, value: parseYaml(text, { logLevel: "error" }) };
    return { ok: true, value: text };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
    return { ok: false, message: `the body could not be decoded as ${essence}: ${reason}` };
  }
}
