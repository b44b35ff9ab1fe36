/**
 * The one place that says what of an answer is server-specific, so every differential suite compares
 * the same way: identities and clocks change from run to run and server to server, their presence does
 * not. `uid`, `resourceVersion` and every timestamp keep their key with a placeholder value; the values
 * of `managedFields[].time` likewise. Two orders follow from what is hidden or random and are made
 * canonical: `managedFields` entries are sorted by operation, manager, apiVersion and subresource (the
 * apiserver sorts by time in seconds before the manager, so entries written in different seconds swap),
 * and the causes of a server-side apply conflict are sorted by message and field (the apiserver lists the
 * managers in Go's random map order). Everything else is compared as it is.
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

export function normalizeJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const placeholder = placeholders[key];
    if (placeholder !== undefined && typeof child === "string" && child !== "") out[key] = placeholder;
    else if (key === "managedFields" && Array.isArray(child))
      out[key] = sortedBy(child, ["operation", "manager", "apiVersion", "subresource"]).map(normalizeJson);
    else if (key === "causes" && Array.isArray(child) && child.every(isConflictCause))
      out[key] = sortedBy(child, ["message", "field"]).map(normalizeJson);
    else out[key] = normalizeJson(child);
  }
  return out;
}

export function normalizeAnswer(answer: ApiAnswer): ApiAnswer {
  return { ...answer, body: normalizeJson(answer.body) };
}
