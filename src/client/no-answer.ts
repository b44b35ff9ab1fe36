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

/**
 * Reasons by error code, in order; `false` marks errors raised before the request could leave (no connection,
 * or a TLS handshake that failed: OpenSSL's verification codes and node's TLS errors). In TLS 1.3 a refused
 * client certificate is reported after the client wrote its request, but the server refused the connection,
 * not the request, so it still never reached the apiserver.
 */
const reasons: Array<[RegExp, NoAnswerReason, false?]> = [
  [/^ECONNREFUSED$/, "ConnectionRefused", false],
  [/^(ENOTFOUND|EAI_)/, "HostNotFound", false],
  [/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN|EADDRNOTAVAIL)$/, "Unreachable", false],
  [
    /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_|HOSTNAME_MISMATCH)/,
    "TlsFailure",
    false,
  ],
  [/^(HPE_|ANSWER_TOO_LARGE|INVALID_|UND_ERR_(HEADERS|RESPONSE|INFO))/, "InvalidAnswer"],
  [/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET)$/, "ConnectionLost"],
];

/** The first string `code` along the `cause` chain (fetch wraps system errors in a TypeError), with its message. */
function codeOf(error: unknown): [string | undefined, string] {
  for (let current = error, depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") return [code, String(message ?? "")];
    current = cause;
  }
  return [undefined, error instanceof Error ? error.message : String(error)];
}

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
  const timedOut = context.timeoutMs !== undefined;
  const [code, detail] = timedOut ? [undefined, `none within ${context.timeoutMs} ms`] : codeOf(error);
  const rule = timedOut ? undefined : reasons.find(([pattern]) => pattern.test(code ?? ""));
  const reason = timedOut ? "Timeout" : (rule?.[1] ?? "NetworkError");
  let shown = detail;
  for (const secret of context.secrets) if (secret !== "") shown = shown.split(secret).join("[redacted]");
  shown = shown.replace(/\/\/[^/?#\s@]*@/g, "//[redacted]@");
  return new NoAnswerError(
    `no answer from ${context.server}: ${reason}${code === undefined ? "" : ` (${code})`}: ${shown}${context.attempts > 1 ? ` (${context.attempts} attempts)` : ""}`,
    reason,
    code,
    rule?.[2] ?? (error instanceof TransportFailure ? error.requestSent : true),
    context.attempts,
  );
}
