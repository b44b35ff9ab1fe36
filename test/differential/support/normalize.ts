/**
 * The one place that says what of an answer is server-specific, so every differential suite compares
 * the same way: identities and clocks change from run to run and server to server, their presence does
 * not. `uid`, `resourceVersion` and every timestamp keep their key with a placeholder value; the values
 * of `managedFields[].time` likewise. Everything else is compared as it is.
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

export function normalizeJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (value === null || typeof value !== "object") return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const placeholder = placeholders[key];
    out[key] = placeholder !== undefined && typeof child === "string" && child !== "" ? placeholder : normalizeJson(child);
  }
  return out;
}

export function normalizeAnswer(answer: ApiAnswer): ApiAnswer {
  return { ...answer, body: normalizeJson(answer.body) };
}
