/**
 * Answering with a Kubernetes `Status` (the bodies themselves come from src/status/status.ts, typed by
 * the contract, so every body the mock and the proxy invent conforms to the spec's Status schema).
 *
 * Inputs: a response, a Status, violations. Outputs: `sendStatus`, which writes the Status as an
 * `application/json` response with an `sl-violations` header (like Prism, the header lists what was
 * wrong with the request), and `setViolationsHeader`. No other side effects.
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
 * Sets Prism's `sl-violations` header (JSON array, cut at Prism's ≈8 KB limit); absent when there is
 * nothing to report. Characters outside ASCII are written as JSON `\uXXXX` escapes: Node refuses
 * anything beyond Latin-1 in a header value (a label key like `日本` would crash the response).
 */
export function setViolationsHeader(response: ServerResponse, violations: Violation[]): void {
  if (violations.length === 0) return;
  const value = JSON.stringify(violations).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  response.setHeader(
    "sl-violations",
    value.length > MAX_VIOLATIONS_HEADER_LENGTH ? `Too many violations! ${value.slice(0, MAX_VIOLATIONS_HEADER_LENGTH)}` : value,
  );
}

/**
 * Answers with a Status. `violations` fill the `sl-violations` header; by default they are derived
 * from the Status (one per cause, or its message). `headers` adds e.g. `Allow`.
 */
export function sendStatus(
  response: ServerResponse,
  status: Status,
  options: { violations?: Violation[]; headers?: Record<string, string> } = {},
): void {
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
