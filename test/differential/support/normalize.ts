/**
 * The one place that says what of an answer is server-specific, so every differential suite compares
 * the same way: identities and clocks change from run to run and server to server, their presence does
 * not. `uid`, `resourceVersion` and every timestamp keep their key with a placeholder value; the values
 * of `managedFields[].time` likewise. Two orders follow from what is hidden or random and are made
 * canonical: `managedFields` entries are sorted by operation, manager, apiVersion and subresource (the
 * apiserver sorts by time in seconds before the manager, so entries written in different seconds swap),
 * and the causes of a server-side apply conflict are sorted by message and field (the apiserver lists the
 * managers in Go's random map order), and so are the `Forbidden` causes for scheduling gates a patch added
(validateOnlyDeletedSchedulingGates in k8s.io/kubernetes v1.35.4 pkg/apis/core/validation/validation.go
walks a map of the new gates, so two added gates come in either order): they are put in index order,
in the causes and in the message that lists them. A Status's messages may embed the object (a 422 under
 * `fieldValidation=Strict` quotes the whole patched Pod), and an answer that is not JSON (YAML for
 * `Accept: application/yaml`) is text: there the same identities and clocks are replaced inside the
 * text. The uid of an `ownerReferences` element is what the client wrote, not an identity the server
 * made, and is kept. Everything else is compared as it is.
 *
 * One more helper says what some suites do not predict of a Pod answer: `withoutServerSetFields` drops
 * `metadata.managedFields` (for suites that do not model field ownership).
 *
 * `statusMessageShape` is the one place that says which words of a Status message are the decoder's
 * rather than the apiserver's, for comparing another implementation's answers (the mock's) with the
 * server's: see its comment.
 */
import type { ApiAnswer, Json } from "./server.js";

const placeholders: Record<string, string> = {
  uid: "<uid>",
  resourceVersion: "<resourceVersion>",
  creationTimestamp: "<time>",
  deletionTimestamp: "<time>",
  time: "<time>",
  startTime: "<time>",
  lastTransitionTime: "<time>",
  lastProbeTime: "<time>",
  startedAt: "<time>",
  finishedAt: "<time>",
};

type JsonObject = { [key: string]: Json };

const text = (value: Json | undefined): string => (typeof value === "string" ? value : "");

function sortedBy(list: Json[], fields: string[]): Json[] {
  const key = (item: Json): string =>
    JSON.stringify(
      fields.map((field) => (item !== null && typeof item === "object" && !Array.isArray(item) ? text(item[field]) : "")),
    );
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const isConflictCause = (cause: Json): boolean =>
  cause !== null && typeof cause === "object" && !Array.isArray(cause) && cause.reason === "FieldManagerConflict";

const newGatePrefix = "Forbidden: only deletion is allowed, but found new scheduling gate ";

function isNewGateCause(cause: Json): cause is JsonObject {
  return (
    cause !== null &&
    typeof cause === "object" &&
    !Array.isArray(cause) &&
    cause.reason === "FieldValueForbidden" &&
    text(cause.message).startsWith(newGatePrefix)
  );
}

const gateIndex = (cause: JsonObject): number => Number(/\[(\d+)\]\.name$/.exec(text(cause.field))?.[1] ?? -1);

/**
 * A Status with its added-gate causes (one consecutive run, as one validation function wrote them) in
 * index order, and its message's list of the same errors reordered to match.
 */
function withGateCausesInIndexOrder(status: JsonObject): JsonObject {
  const details = status.details;
  if (details === null || typeof details !== "object" || Array.isArray(details)) return status;
  const causes = details.causes;
  if (!Array.isArray(causes)) return status;
  const first = causes.findIndex(isNewGateCause);
  if (first < 0) return status;
  let end = first;
  while (end < causes.length && isNewGateCause(causes[end] as Json)) end++;
  const run = causes.slice(first, end) as JsonObject[];
  if (run.length < 2) return status;
  const ordered = [...run].sort((a, b) => gateIndex(a) - gateIndex(b));
  const listed = (list: JsonObject[]): string => list.map((cause) => `${text(cause.field)}: ${text(cause.message)}`).join(", ");
  const message = text(status.message).replace(listed(run), listed(ordered));
  return {
    ...status,
    ...(typeof status.message === "string" ? { message } : {}),
    details: { ...details, causes: [...causes.slice(0, first), ...ordered, ...causes.slice(end)] },
  };
}

/** The run-specific values inside a text that embeds an object (escaped JSON as a message quotes it, or YAML). */
function normalizeText(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uid>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>")
    .replace(/(resourceVersion\\*"?:\s*\\*")\d+/g, "$1<resourceVersion>");
}

/** An ownerReferences element: normalized, except its uid (the client's, not the server's). */
function ownerReference(item: Json, inStatus: boolean): Json {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return normalizeJson(item, inStatus);
  const { uid, ...rest } = item;
  const normalized = normalizeJson(rest, inStatus) as JsonObject;
  return uid === undefined ? normalized : { ...normalized, uid };
}

/** `inStatus`: inside a Status, where every `message` is text that may embed the object. */
export function normalizeJson(input: Json, inStatus = false): Json {
  if (Array.isArray(input)) return input.map((item) => normalizeJson(item, inStatus));
  if (input === null || typeof input !== "object") return input;
  const value = input.kind === "Status" ? withGateCausesInIndexOrder(input) : input;
  const status = inStatus || value.kind === "Status";
  const normalize = (item: Json): Json => normalizeJson(item, status);
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const placeholder = placeholders[key];
    if (placeholder !== undefined && typeof child === "string" && child !== "") out[key] = placeholder;
    else if (status && key === "message" && typeof child === "string") out[key] = normalizeText(child);
    else if (key === "ownerReferences" && Array.isArray(child)) out[key] = child.map((item) => ownerReference(item, status));
    else if (key === "managedFields" && Array.isArray(child))
      out[key] = sortedBy(child, ["operation", "manager", "apiVersion", "subresource"]).map(normalize);
    else if (key === "causes" && Array.isArray(child) && child.every(isConflictCause))
      out[key] = sortedBy(child, ["message", "field"]).map(normalize);
    else out[key] = normalize(child);
  }
  return out;
}

export function normalizeAnswer(answer: ApiAnswer): ApiAnswer {
  return { ...answer, body: typeof answer.body === "string" ? normalizeText(answer.body) : normalizeJson(answer.body) };
}

/**
 * A Status message with the decoder's own words masked, so that answers from two implementations
 * compare by what they say rather than by whose parser said it:
 * - an object quoted into the message (`Invalid value: "{…}"` or `"map[…]"`: the patched object, which
 *   only the server has) becomes `<object>`;
 * - what a decoder found wrong in the patched object (`json: cannot unmarshal …`, `parsing time …`),
 *   after `patch: Invalid value: <object>: `, becomes `<decoding error>` — unless it is the apiserver's
 *   own strict-decoding list of unknown fields, which is kept;
 * - a YAML parser's complaint after `yaml: ` becomes `<yaml error>`;
 * - server-side apply's description of a type mismatch (`expected string, got …`) after the field
 *   path becomes `<type mismatch>`.
 * Everything else — the apiserver's sentences, field paths, values, limits — is compared as it is.
 */
export function statusMessageShape(message: string): string {
  return withoutQuotedObject(message)
    .replace(/(Invalid value: <object>: )(?!strict decoding error: )[^\n]*/g, "$1<decoding error>")
    .replace(/(yaml: )[^\n]*/g, "$1<yaml error>")
    .replace(/(: )expected [^,\n]+, got [^\n]*/g, "$1<type mismatch>");
}

/**
 * A Status message with the object it quotes (`Invalid value: "{…}"` or `"map[…]"`) as `<object>` and
 * nothing else masked: for comparing the words of two implementations that quote different copies of
 * the patched object (statusMessageShape's first step).
 */
export function withoutQuotedObject(message: string): string {
  return message.replace(/Invalid value: "((?:[^"\\]|\\.)*)"/g, (whole, quoted: string) =>
    /^(\{|\[|map\[)/.test(quoted) ? "Invalid value: <object>" : whole,
  );
}

/**
 * A valid value of each placeholder's format (the engine decodes times: `<time>` is none). The
 * resourceVersion is one no case sends: the suites send "1" as a stale one.
 */
const placeholderValues: Record<string, string> = {
  "<uid>": "00000000-0000-4000-8000-000000000001",
  "<time>": "2026-01-01T00:00:00Z",
  "<resourceVersion>": "999999999",
};

/**
 * A recorded object made usable again: every value that is a placeholder of normalizeJson's replaced by a
 * valid value of its format — for a Pod to be stored, or patched by the engine, which decodes its times
 * as the apiserver does. normalizeJson of the result gives the placeholders back.
 */
export function denormalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(denormalize);
  if (value === null || typeof value !== "object") return typeof value === "string" ? (placeholderValues[value] ?? value) : value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, denormalize(child)]));
}

/** A Pod without what the server writes on every request and a suite that does not model it ignores. */
export function withoutServerSetFields(pod: JsonObject): JsonObject {
  const metadata = pod.metadata;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) return pod;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...pod, metadata: rest };
}
