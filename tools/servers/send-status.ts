/**
 * Answering with a Kubernetes `Status` (the bodies themselves come from src/status/status.ts, typed by
 * the contract, so every body the mock and the proxy invent conforms to the spec's Status schema).
 *
 * Inputs: a response, a Status, violations. Outputs: `sendStatus`, which writes the Status as an
 * `application/json` response with an `sl-violations` header (like Prism, the header lists what was
 * wrong with the request), and `setViolationsHeader`. No other side effects.
 *
 * A Status is cut to MAX_STATUS_BYTES (boundedStatus): a body with thousands of invalid fields must not
 * become an answer many times its size. The apiserver does not cut (5,000 invalid env vars: a 2.7 MB
 * 422); the mock and the proxy keep the first causes and say how much they left out.
 */
import type { ServerResponse } from "node:http";
import type { Status } from "../../src/status/status.js";

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  location: string[];
  severity: "Error" | "Warning" | "Information" | "Hint";
  code: string | number;
  message: string;
}

const MAX_VIOLATIONS_HEADER_LENGTH = 8 * 1024 - 100;

/**
 * More violations than the header can ever show (each is at least 60 characters of JSON, so fewer than 140
 * fit): a list cut to this many plus one gives the same header as the whole list, so 40,000 diagnostics
 * need not all become violations.
 */
export const SHOWN_VIOLATIONS = 256;

/** The largest Status the mock and the proxy write (JSON bytes, about). */
export const MAX_STATUS_BYTES = 256 * 1024;

/**
 * The Status within MAX_STATUS_BYTES: causes kept in order while they fit in half the budget, the message
 * cut to a quarter of it, each saying how much was left out. Unchanged when it already fits.
 */
export function boundedStatus(status: Status): Status {
  const causes = status.details?.causes ?? [];
  // An upper bound of the JSON's size without writing it (a Status with 40,000 causes is megabytes):
  // UTF-8 takes at most three bytes per UTF-16 unit, JSON escaping at most six.
  const estimate = (text: string | undefined) => 6 * (text?.length ?? 0);
  let bound = 1024 + estimate(status.message);
  for (const cause of causes) bound += 64 + estimate(cause.message) + estimate(cause.field);
  if (bound <= MAX_STATUS_BYTES) return status;
  // Between the estimate and the limit, the exact size decides; far beyond it, no need to write it all.
  if (bound <= 8 * MAX_STATUS_BYTES && Buffer.byteLength(JSON.stringify(status)) <= MAX_STATUS_BYTES) return status;
  const kept: typeof causes = [];
  let used = 0;
  for (const cause of causes) {
    // A cause whose texts alone pass the budget (a spec diff of megabytes) is not written out to learn it.
    if (used + (cause.message?.length ?? 0) + (cause.field?.length ?? 0) > MAX_STATUS_BYTES / 2) break;
    const bytes = Buffer.byteLength(JSON.stringify(cause)) + 1;
    if (used + bytes > MAX_STATUS_BYTES / 2) break;
    kept.push(cause);
    used += bytes;
  }
  const messageLimit = MAX_STATUS_BYTES / 4;
  const message = status.message ?? "";
  const omitted = causes.length - kept.length;
  const note = [
    message.length > messageLimit ? `${message.length - messageLimit} more characters of this message` : "",
    omitted > 0 ? `${omitted} of ${causes.length} causes` : "",
  ]
    .filter((part) => part !== "")
    .join(" and ");
  return {
    ...status,
    message: `${message.length > messageLimit ? `${message.slice(0, messageLimit)}…` : message} [cut to ${MAX_STATUS_BYTES} bytes: ${note} left out]`,
    ...(status.details === undefined ? {} : { details: { ...status.details, ...(causes.length === 0 ? {} : { causes: kept }) } }),
  };
}

/**
 * Sets Prism's `sl-violations` header (JSON array, cut at Prism's ≈8 KB limit); absent when there is
 * nothing to report. Characters outside ASCII are written as JSON `\uXXXX` escapes: Node refuses
 * anything beyond Latin-1 in a header value (a label key like `日本` would crash the response).
 */
export function setViolationsHeader(response: ServerResponse, violations: Violation[]): void {
  if (violations.length === 0) return;
  // Only as many as can show: a body with 100,000 violations must not be serialized whole for an 8 KB header.
  const shown: Violation[] = [];
  let length = 0;
  for (const violation of violations) {
    if (length > MAX_VIOLATIONS_HEADER_LENGTH) break;
    shown.push(violation);
    length += JSON.stringify(violation).length + 1;
  }
  const value = JSON.stringify(shown).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  response.setHeader(
    "sl-violations",
    shown.length < violations.length || value.length > MAX_VIOLATIONS_HEADER_LENGTH
      ? `Too many violations! ${value.slice(0, MAX_VIOLATIONS_HEADER_LENGTH)}`
      : value,
  );
}

/**
 * Answers with a Status. `violations` fill the `sl-violations` header; by default they are derived
 * from the Status (one per cause, or its message). `headers` adds e.g. `Allow`.
 */
export function sendStatus(
  response: ServerResponse,
  whole: Status,
  options: { violations?: Violation[]; headers?: Record<string, string> } = {},
): void {
  const status = boundedStatus(whole);
  const causes = status.details?.causes ?? [];
  const derived: Violation[] =
    causes.length > 0
      ? causes.map((cause) => ({
          location: ["request", ...(cause.field === undefined ? [] : [cause.field])],
          severity: "Error",
          code: status.code,
          message: cause.message ?? "",
        }))
      : [{ location: ["request"], severity: "Error", code: status.code, message: status.message ?? "" }];
  setViolationsHeader(response, options.violations ?? derived);
  for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value);
  const body = JSON.stringify(status);
  response.writeHead(status.code, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}
