/**
 * Turns Prism's request-validation diagnostics into Kubernetes StatusCauses and `sl-violations` entries.
 *
 * Inputs: Prism diagnostics (`path` like ["body","spec","containers","0","image"] or
 * ["query","dryrun"], ajv keyword as `code`, message), the parsed request body and the operation's
 * declared query parameter names. Outputs: causes whose `field` is a Kubernetes field path
 * (`spec.containers[0].image`, `[0].op`, `metadata.labels[app.kubernetes.io/name]`) or the declared
 * parameter name (`dryRun`, not Prism's lower-cased `dryrun`), and the proxy's one-line reports of
 * violations (`violationLine`). Pure functions.
 */
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import { unescapeSegment } from "../../src/json-pointer/pointer.js";
import type { StatusCause } from "../../src/status/status.js";
import type { Violation } from "./send-status.js";

/** The names of Prism's DiagnosticSeverity values (@stoplight/types: Error = 0 … Hint = 3). */
const SEVERITY_NAMES = ["Error", "Warning", "Information", "Hint"] as const;

export function isError(diagnostic: IPrismDiagnostic): boolean {
  return SEVERITY_NAMES[diagnostic.severity] === "Error";
}

/** The `sl-violations` entry Prism's own server would write for a request diagnostic. */
export function toViolation(diagnostic: IPrismDiagnostic, prefix: "request" | "response"): Violation {
  return {
    location: [prefix, ...(diagnostic.path ?? [])],
    severity: SEVERITY_NAMES[diagnostic.severity] ?? "Error",
    code: diagnostic.code ?? "",
    message: diagnostic.message,
  };
}

const CAUSE_REASON_BY_KEYWORD: Record<string, NonNullable<StatusCause["reason"]>> = {
  required: "FieldValueRequired",
  enum: "FieldValueNotSupported",
  const: "FieldValueNotSupported",
  type: "FieldValueTypeInvalid",
  maxLength: "FieldValueTooLong",
  maxItems: "FieldValueTooMany",
  maxProperties: "FieldValueTooMany",
  additionalProperties: "FieldValueForbidden",
  unevaluatedProperties: "FieldValueForbidden",
};

const PLAIN_FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Kubernetes field path for a JSON-pointer-like list of segments inside `value` (list indexes and odd map keys in brackets). */
function fieldPath(value: unknown, segments: string[]): string {
  let path = "";
  let node = value;
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) path += `[${segment}]`;
    else if (PLAIN_FIELD_NAME.test(segment)) path += path === "" ? segment : `.${segment}`;
    else path += `[${segment}]`;
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

/** The member ajv complains about for `required` / `additionalProperties`, which Prism keeps only in the message. */
function namedMember(diagnostic: IPrismDiagnostic): string | undefined {
  if (diagnostic.code === "required") return /must have required property '(.+)'/.exec(diagnostic.message)?.[1];
  if (diagnostic.code === "additionalProperties") return /; found '(.+)'$/.exec(diagnostic.message)?.[1];
  return undefined;
}

/**
 * One StatusCause for a Prism diagnostic. `body` is the parsed body Prism validated, used to tell list
 * indexes from map keys; `queryNames` are the declared query parameter names.
 */
export function toCause(diagnostic: IPrismDiagnostic, body: unknown, queryNames: string[]): StatusCause {
  const [location, ...rest] = diagnostic.path ?? [];
  const reason = CAUSE_REASON_BY_KEYWORD[String(diagnostic.code)] ?? "FieldValueInvalid";
  let field: string | undefined;
  if (location === "body") {
    // ajv escapes `/` and `~` inside pointer segments; Prism splits the pointer without unescaping.
    const segments = rest.map(unescapeSegment);
    const member = namedMember(diagnostic);
    field = fieldPath(body, member === undefined ? segments : [...segments, member]);
  } else if (location === "query") {
    const name = rest.join(".");
    field = queryNames.find((declared) => declared.toLowerCase() === name) ?? name;
  } else if (location !== undefined) {
    field = rest.join(".");
  }
  return { reason, message: diagnostic.message, ...(field === undefined || field === "" ? {} : { field }) };
}

/**
 * One log line for a violation the proxy saw: what (the message), where (side, request, location
 * inside it) and which rule (the validator's keyword or the Status reason), e.g.
 * `violation: response PATCH /api/v1/namespaces/default/pods/web → 200 at body.status.phase [enum] Error: must be equal to …`.
 */
export function violationLine(exchange: string, violation: Violation): string {
  const [side = "request", ...location] = violation.location;
  const where = location.length === 0 ? "" : ` at ${location.join(".")}`;
  return `violation: ${side} ${exchange}${where} [${violation.code}] ${violation.severity}: ${violation.message}`;
}
