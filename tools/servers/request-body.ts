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
 * as JSON, `+yaml`/`application/yaml` as YAML the way the apiserver reads it, src/yaml/apiserver-yaml.ts:
 * YAML 1.1 scalars, merge keys, aliases expanded under upstream's bound on the work they cause; anything
 * else as text; no bytes = undefined), or a message saying why it could not be decoded (and the decoder's
 * own words, `detail`; for YAML the apiserver's whole "error converting YAML to JSON: …") — including a
 * JSON body that starts with a UTF-8 byte order mark (Go's JSON decoder refuses it; YAML accepts it) and a
 * body nested deeper than MAX_NESTING_DEPTH levels (see there).
 */
import type { IncomingMessage } from "node:http";
import { decodeApiserverYaml, MAX_YAML_NESTING_DEPTH } from "../../src/yaml/apiserver-yaml.js";

export type BodyRead = { kind: "complete"; bytes: Buffer } | { kind: "too-large" };
/** `detail` is the decoder's own complaint; `message` the mock's sentence around it. */
/** `strictErrors` (YAML only): what strict decoding adds, reported under fieldValidation=Strict (src/yaml/apiserver-yaml.ts). */
export type DecodedBody = { ok: true; value: unknown; strictErrors?: string[] } | { ok: false; message: string; detail: string };

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

/**
 * How deeply a body may nest objects and arrays (YAML: collections) before it is refused with 400: the
 * YAML decoder's limit (its parser recurses), applied to JSON bodies too, since Prism and the validators
 * recurse on node's ≈1 MB stack as well, and an overflow that happens while V8 compiles a regular
 * expression is not a catchable RangeError but a fatal "RegExpCompiler Allocation failed" that kills the
 * mock (found by test/contract/fuzz.test.ts). The apiserver allows 10000 levels
 * (docs/decisions/0004-proxy-forwarder-and-nesting-limit.md); real patches nest fewer than 20.
 */
export const MAX_NESTING_DEPTH = MAX_YAML_NESTING_DEPTH;

/**
 * True when JSON text that parsed nests objects/arrays deeper than `limit`: its brackets outside strings,
 * counted in one pass over the text (walking the parsed value allocated a step per value, and a body of
 * 100,000 labels is 100,000 values).
 */
function textNestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit === 0x22) {
      // A string: to its closing quote, escapes skipped.
      for (index++; index < text.length; index++) {
        const inside = text.charCodeAt(index);
        if (inside === 0x5c) index++;
        else if (inside === 0x22) break;
      }
    } else if (unit === 0x7b || unit === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (unit === 0x7d || unit === 0x5d) depth--;
  }
  return false;
}

function syntaxOf(essence: string): "json" | "yaml" | "text" {
  if (essence === "application/json" || essence.endsWith("+json")) return "json";
  if (essence === "application/yaml" || essence.endsWith("+yaml")) return "yaml";
  return "text";
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

export function decodeBody(essence: string, bytes: Buffer): DecodedBody {
  if (bytes.length === 0) return { ok: true, value: undefined };
  const syntax = syntaxOf(essence);
  if (syntax === "json" && bytes.subarray(0, 3).equals(BYTE_ORDER_MARK)) {
    // Go's JSON decoder reads the mark as the character 'ï'; TextDecoder would silently drop it.
    const detail = "invalid character 'ï' looking for beginning of value";
    return { ok: false, message: `the body could not be decoded as ${essence}: ${detail}`, detail };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `the body could not be decoded as ${essence}: ${detail}`, detail };
  }
  if (syntax === "text") return { ok: true, value: text };
  if (syntax === "yaml") {
    const decoded = decodeApiserverYaml(text);
    return decoded.ok ? decoded : { ok: false, message: `error decoding YAML: ${decoded.message}`, detail: decoded.message };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!textNestsDeeper(text, MAX_NESTING_DEPTH)) return { ok: true, value };
    const deep = `it nests deeper than ${MAX_NESTING_DEPTH} levels (the mock's limit)`;
    return { ok: false, message: `the body could not be decoded as ${essence}: ${deep}`, detail: deep };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n", 1)[0] ?? "") : String(error);
    return { ok: false, message: `the body could not be decoded as ${essence}: ${reason}`, detail: reason };
  }
}
