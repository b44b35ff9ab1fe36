// The one error a request ends with when no HTTP answer came back — a timeout, a refused connection, a failed
// TLS handshake, a connection lost mid-exchange, a reply that is not HTTP — and the one place that tells these
// apart, from the client's own transport (transport.ts, which knows whether the request left) or from any
// fetch (whose errors carry a system error code in their `cause` chain). An HTTP answer, whatever its status,
// is never a NoAnswerError: it is a Kubernetes Status (pod-patch-client.ts). Messages never carry a token or
// URL user information: they name the server by origin and scrub every credential the client holds.
import { TransportFailure } from "./transport.js";

/** Why no answer came back. */
export type NoAnswerReason =
  | "Timeout"
  | "ConnectionRefused"
  | "HostNotFound"
  | "Unreachable"
  | "TlsFailure"
  | "ConnectionLost"
  | "InvalidAnswer"
  | "NetworkError";

/** Thrown (the promise rejects) when a request got no HTTP answer, after any retries the rules allow. */
export class NoAnswerError extends Error {
  override name = "NoAnswerError";
  constructor(
    message: string,
    readonly reason: NoAnswerReason,
    /** The system or TLS error code behind it (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …), when there is one. */
    readonly code: string | undefined,
    /**
     * `false` only when the request certainly never reached the server (refused, host not found, TLS
     * handshake failed): then sending it again cannot apply it twice. `true` means the server may have acted.
     */
    readonly mayHaveBeenApplied: boolean,
    /** Attempts made, retries included. */
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** Errors raised before a connection exists: nothing was sent. */
const beforeConnection: Record<string, NoAnswerReason> = {
  ECONNREFUSED: "ConnectionRefused",
  ENOTFOUND: "HostNotFound",
  EAI_AGAIN: "HostNotFound",
  EAI_FAIL: "HostNotFound",
  EAI_NONAME: "HostNotFound",
  EHOSTUNREACH: "Unreachable",
  ENETUNREACH: "Unreachable",
  ENETDOWN: "Unreachable",
  EADDRNOTAVAIL: "Unreachable",
};

/** OpenSSL verification codes and node's TLS errors: the handshake failed, so no request was sent. */
const tlsCode =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_|HOSTNAME_MISMATCH)/;
const invalidAnswerCode = /^(HPE_|ANSWER_TOO_LARGE|INVALID_STATUS|INVALID_ANSWER|UND_ERR_(HEADERS|RESPONSE|INFO))/;

/** The first string `code` along the `cause` chain (fetch wraps system errors in a TypeError). */
function codeOf(error: unknown): { code: string | undefined; detail: string } {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") return { code, detail: typeof message === "string" ? message : "" };
    if (cause === undefined) break;
    current = cause;
  }
  return { code: undefined, detail: error instanceof Error ? error.message : String(error) };
}

const descriptions: Record<NoAnswerReason, string> = {
  Timeout: "no complete answer in time",
  ConnectionRefused: "connection refused",
  HostNotFound: "host not found",
  Unreachable: "network unreachable",
  TlsFailure: "TLS handshake failed",
  ConnectionLost: "connection lost before the answer was complete",
  InvalidAnswer: "the answer is not valid HTTP",
  NetworkError: "request failed",
};

export interface NoAnswerContext {
  /** The server's origin, e.g. `https://192.168.0.198:5443`. */
  server: string;
  attempts: number;
  /** Set when the client's own per-attempt timer ended the attempt. */
  timeoutMs?: number;
  /** Credentials the message must never show. */
  secrets: readonly string[];
}

/** What `error`, thrown while waiting for an answer, means; with a message safe to log. */
export function noAnswer(error: unknown, context: NoAnswerContext): NoAnswerError {
  const { code, detail } = codeOf(error);
  const sent = error instanceof TransportFailure ? error.requestSent : true;
  let reason: NoAnswerReason;
  let mayHaveBeenApplied = sent;
  if (context.timeoutMs !== undefined) {
    reason = "Timeout";
  } else if (code !== undefined && beforeConnection[code] !== undefined) {
    reason = beforeConnection[code];
    mayHaveBeenApplied = false;
  } else if (code !== undefined && tlsCode.test(code)) {
    // TLS 1.3 reports a refused client certificate after the client wrote its request; the server refused
    // the connection, not the request, so it still never reached the apiserver.
    reason = "TlsFailure";
    mayHaveBeenApplied = false;
  } else if (code !== undefined && invalidAnswerCode.test(code)) {
    reason = "InvalidAnswer";
  } else if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED" || code === "UND_ERR_SOCKET") {
    reason = "ConnectionLost";
  } else {
    reason = "NetworkError";
  }
  let shown = context.timeoutMs !== undefined ? `none within ${context.timeoutMs} ms` : detail;
  for (const secret of context.secrets) if (secret !== "") shown = shown.split(secret).join("[redacted]");
  shown = shown.replace(/\/\/[^/?#\s@]*@/g, "//[redacted]@");
  const retries = context.attempts > 1 ? ` (${context.attempts} attempts)` : "";
  const message = `no answer from ${context.server}: ${descriptions[reason]}${code === undefined ? "" : ` (${code})`}${shown === "" ? "" : `: ${shown}`}${retries}`;
  return new NoAnswerError(message, reason, code, mayHaveBeenApplied, context.attempts);
}
