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
 * message saying why it could not be decoded (and the decoder's own words, `detail`) — including a body
 * nested deeper than MAX_NESTING_DEPTH levels (see there).
 */
import type { IncomingMessage } from "node:http";
import { CST, Lexer, parse as parseYaml } from "yaml";

export type BodyRead = { kind: "complete"; bytes: Buffer } | { kind: "too-large" };
/** `detail` is the decoder's own complaint; `message` the mock's sentence around it. */
export type DecodedBody = { ok: true; value: unknown } | { ok: false; message: string; detail: string };

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
 * How deeply a body may nest objects and arrays (YAML: collections) before it is refused with 400.
 * The apiserver allows 10000 levels, but the YAML composer, Prism and the validators recurse on
 * node's ≈1 MB stack: about 900 nested YAML collections already overflow it, and an overflow that
 * happens while V8 compiles a regular expression is not a catchable RangeError but a fatal
 * "RegExpCompiler Allocation failed" that kills the mock (found by test/contract/fuzz.test.ts).
 * Real patches nest fewer than 20 levels.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * True when YAML text may nest deeper than `limit`, judged from the lexer's tokens alone (the lexer
 * does not recurse, the composer does). An upper bound: on each line, the open flow collections plus
 * the block indicators (`-`, `?`, `:`) plus twice the indentation plus two (each column of indentation
 * opens at most a mapping and a sequence indented like its key).
 */
function yamlMayNestDeeper(text: string, limit: number): boolean {
  let flow = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === "newline") {
      indent = 0;
      indicators = 0;
      lineStart = true;
      continue;
    }
    if (type === "space" && lineStart) indent = token.length;
    else if (type === "flow-map-start" || type === "flow-seq-start") flow += 1;
    else if (type === "flow-map-end" || type === "flow-seq-end") flow = Math.max(0, flow - 1);
    else if (type === "seq-item-ind" || type === "explicit-key-ind" || type === "map-value-ind") indicators += 1;
    if (type !== "space") lineStart = false;
    if (flow + indicators + 2 * indent + 2 > limit) return true;
  }
  return false;
}

/** True when a decoded value nests objects/arrays deeper than `limit` (walked without recursion). */
function valueNestsDeeper(value: unknown, limit: number): boolean {
  const pending: Array<[node: unknown, depth: number]> = [[value, 0]];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    const [node, depth] = next;
    if (node === null || typeof node !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

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
    if (syntax === "text") return { ok: true, value: text };
    const deep = `it nests deeper than ${MAX_NESTING_DEPTH} levels (the mock's limit)`;
    const tooDeep = { ok: false as const, message: `the body could not be decoded as ${essence}: ${deep}`, detail: deep };
    if (syntax === "yaml" && yamlMayNestDeeper(text, MAX_NESTING_DEPTH)) return tooDeep;
    const value: unknown = syntax === "json" ? JSON.parse(text) : parseYaml(text, { logLevel: "error" });
    return valueNestsDeeper(value, MAX_NESTING_DEPTH) ? tooDeep : { ok: true, value };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n", 1)[0] ?? "") : String(error);
    return { ok: false, message: `the body could not be decoded as ${essence}: ${reason}`, detail: reason };
  }
}
