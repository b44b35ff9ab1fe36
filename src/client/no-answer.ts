// The one error a request ends with when no HTTP answer came back — a timeout, a refused connection, a failed
// TLS handshake, a connection lost mid-exchange, a reply that is not HTTP — and the one place that tells these
// apart, from the client's own transport (transport.ts, which knows whether the request left) or from any
// fetch (whose errors carry a system error code in their `cause` chain). An HTTP answer, whatever its status,
// is never a NoAnswerError: it is a Kubernetes Status (pod-patch-client.ts). Messages never carry a token or
// URL user information: they name the server by origin and scrub every credential the client holds.
import type { TransportFailure } from "./transport.js";

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
 * Reasons by error code, the first matching group wins. The first four are raised before the request could
 * leave (no connection, or a TLS handshake that failed: OpenSSL's verification codes and node's TLS errors).
 * In TLS 1.3 a refused client certificate is reported after the client wrote its request, but the server
 * refused the connection, not the request, so it still never reached the apiserver.
 */
const reasons =
  /^(?:(?<ConnectionRefused>ECONNREFUSED$)|(?<HostNotFound>ENOTFOUND|EAI_)|(?<Unreachable>(EHOSTUNREACH|ENETUNREACH|ENETDOWN|EADDRNOTAVAIL)$)|(?<TlsFailure>ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_|HOSTNAME_MISMATCH)|(?<InvalidAnswer>HPE_|ANSWER_TOO_LARGE|INVALID_|UND_ERR_(HEADERS|RESPONSE|INFO))|(?<ConnectionLost>(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET)$))/;

/**
 * What `error`, thrown while waiting for an answer from `server` (an origin), means, with a message safe to log:
 * `secrets` (credential header values) are scrubbed from it. `attemptMs` is the time each attempt had.
 */
export function noAnswer(
  error: unknown,
  server: string,
  attempts: number,
  secrets: Record<string, string>,
  attemptMs: number,
): NoAnswerError {
  const timeoutMs = (error as TransportFailure | undefined)?.timedOut && attemptMs;
  // The first string `code` along the `cause` chain (fetch wraps system errors in a TypeError), with its message.
  let code: string | undefined;
  let detail = timeoutMs ? `none within ${timeoutMs} ms` : String((error as Error | undefined)?.message ?? error);
  for (let current = error, depth = 0; !timeoutMs && !code && current && depth < 5; depth += 1) {
    const { code: given, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof given === "string") [code, detail] = [given, String(message ?? "")];
    current = cause;
  }
  const groups = Object.entries(reasons.exec(code as string)?.groups ?? {});
  const found = groups.findIndex(([, matched]) => matched);
  const reason = timeoutMs ? "Timeout" : ((groups[found]?.[0] ?? "NetworkError") as NoAnswerReason);
  for (const value of Object.values(secrets)) {
    const secret = value.replace(/^Bearer /, "");
    if (secret) detail = detail.replaceAll(secret, "[redacted]");
  }
  return new NoAnswerError(
    `no answer from ${server}: ${reason}${code ? ` (${code})` : ""}: ${detail.replace(/\/\/[^/?#\s@]*@/g, "//[redacted]@")}${attempts > 1 ? ` (${attempts} attempts)` : ""}`,
    reason,
    code,
    found < 0 || found > 3 ? ((error as TransportFailure | undefined)?.sent ?? true) : false,
    attempts,
  );
}
