/**
 * What the patch-engine suite compares, and how: the recorded form of a case's answer, the project's
 * prediction for it (writePod — src/engine/pod-write.ts, the whole PATCH — on the server's own base Pod), the
 * comparison, the verdict (equal, or which deliberate divergence of engine-divergences.ts explains the
 * difference), and the agreement table that
 * docs/ground-truth.md carries. No vitest here: tools/record/engine-agreement.ts renders the same table
 * from the recording.
 *
 * Recorded form (test/fixtures/apiserver/engine.json, written by `npm run record:apiserver`): a reference
 * base Pod is recorded whole (`ReferenceCase`); a case records its own base as the JSON merge patch
 * (RFC 7396) from the reference (the Pod's name), the HTTP status and Warning headers of its PATCH, and
 * the answer: the Status when refused, the merge patch from its base when accepted. Merge patches keep
 * the answer's own keys, so normalize.ts treats a recorded difference as it treats the whole answer; each
 * is checked to rebuild its target exactly. That keeps ~570 Pods in a file of a few hundred kilobytes
 * while each case still replays the server's exact objects.
 */
import { isDeepStrictEqual } from "node:util";
import jsonMergePatch from "json-merge-patch";
import { PatchError, writePod } from "../../src/engine/index.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import type { Status } from "../../src/status/status.js";
import { type EngineCase, type EnginePatchType, mediaTypes, namespace, podPatch } from "./engine-cases.js";
import { type Compared, type Divergence, divergences } from "./engine-divergences.js";
import { denormalize, normalizeJson, withoutServerSetFields } from "./support/normalize.js";
import type { ApiAnswer, Json } from "./support/server.js";

export type JsonMap = { [key: string]: Json };

export interface RecordedCase {
  /** The case's base Pod as a merge patch of its reference base. */
  base: Json;
  status: number;
  warnings?: string[];
  /** Accepted: the answered Pod as a merge patch of the base. */
  changes?: Json;
  /** Refused: the Status. */
  body?: Json;
}

function patched(document: Json, changes: Json): Json {
  return jsonMergePatch.apply(structuredClone(document), structuredClone(changes)) as Json;
}

/** The merge patch from `from` to `to`; throws where a merge patch cannot say it (a member set to null). */
function difference(from: Json, to: Json, what: string): Json {
  const changes = (jsonMergePatch.generate(from, to) ?? {}) as Json;
  if (!isDeepStrictEqual(patched(from, changes), to))
    throw new Error(`${what}: a merge patch does not rebuild it; record it whole`);
  return changes;
}

/** The recorded form of a case (normalized base and answer in, see the header). */
export function toRecorded(reference: Json, base: Json, answer: ApiAnswer): RecordedCase {
  const accepted = answer.status >= 200 && answer.status < 300;
  return {
    base: difference(reference, base, "the base Pod"),
    status: answer.status,
    ...(answer.warnings === undefined ? {} : { warnings: answer.warnings }),
    ...(accepted ? { changes: difference(base, answer.body, "the answered Pod") } : { body: answer.body }),
  };
}

export interface Replayed {
  base: JsonMap;
  status: number;
  warnings: string[];
  body: Json;
}

export function fromRecorded(reference: Json, recorded: RecordedCase): Replayed {
  const base = patched(reference, recorded.base) as JsonMap;
  const body = recorded.changes !== undefined ? patched(base, recorded.changes) : (recorded.body ?? null);
  return { base, status: recorded.status, warnings: recorded.warnings ?? [], body };
}

/**
 * An answer as compared: the stored Pod with the Warning headers (unknown fields under the default
 * fieldValidation=Warn), or the refusal's code, reason, message and causes.
 */
export type Outcome =
  | { accepted: true; pod: JsonMap; warnings: string[] }
  | { accepted: false; code: number; reason: string; message: string; causes: Json[] };

function refusal(status: Status | JsonMap): Outcome {
  const body = status as JsonMap & { details?: { causes?: Json[] } };
  return {
    accepted: false,
    code: Number(body.code),
    reason: typeof body.reason === "string" ? body.reason : "",
    message: typeof body.message === "string" ? body.message : "",
    causes: body.details?.causes ?? [],
  };
}

/** The server's answer as an Outcome, the diff it appends to `spec: Forbidden` included (the engine writes it too). */
export function serverOutcome(replayed: Replayed): Outcome {
  if (replayed.status >= 200 && replayed.status < 300)
    return { accepted: true, pod: withoutServerSetFields(replayed.body as JsonMap), warnings: [...replayed.warnings].sort() };
  return refusal(replayed.body as JsonMap);
}

/**
 * What the project predicts for the case on the server's base Pod: writePod, the whole PATCH. The recorded
 * base holds normalize.ts's placeholders, which are no uid or time (the engine decodes times as the
 * apiserver does): it is patched with valid values in their place, and the prediction normalized back.
 */
export function predictedOutcome(testCase: EngineCase, base: JsonMap): Outcome {
  try {
    const { pod, warnings } = writePod(denormalize(base) as unknown as Pod, podPatch(testCase), mediaTypes[testCase.type], {
      namespace,
      name: testCase.pod,
    });
    // As the apiserver sends them: `299 - "<text as Go quotes it>"`; compared in any order (Go walks maps randomly).
    const headers = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`).sort();
    return { accepted: true, pod: withoutServerSetFields(normalizeJson(pod as unknown as Json) as JsonMap), warnings: headers };
  } catch (error) {
    // A Status is normalized as the server's is (normalize.ts: identities and times inside its messages).
    if (error instanceof PatchError) return refusal(normalizeJson(error.status as unknown as Json) as JsonMap);
    throw error;
  }
}

/** Outcomes are equal as parsed JSON (causes in order; object keys in any order). */
export function sameOutcome(left: Outcome, right: Outcome): boolean {
  return isDeepStrictEqual(canonical(left), canonical(right));
}

export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, child]) => [key, canonical(child)]),
  );
}

export type Verdict = { agrees: true } | { agrees: false; divergence: Divergence | undefined };

/** Equal, or the first deliberate divergence (engine-divergences.ts) that explains the difference. */
export function verdict(compared: Compared): Verdict {
  if (sameOutcome(compared.server, compared.predicted)) return { agrees: true };
  return { agrees: false, divergence: divergences.find((divergence) => divergence.explains(compared)) };
}

export interface CaseResult {
  testCase: EngineCase;
  server: Outcome;
  predicted: Outcome;
  verdict: Verdict;
}

/** A case compared: its recorded answer replayed on its reference base, the prediction, the verdict. */
export function caseResult(testCase: EngineCase, reference: Json, recorded: RecordedCase): CaseResult {
  const replayed = fromRecorded(reference, recorded);
  const compared = {
    testCase,
    base: replayed.base,
    server: serverOutcome(replayed),
    predicted: predictedOutcome(testCase, replayed.base),
  };
  return { testCase, server: compared.server, predicted: compared.predicted, verdict: verdict(compared) };
}

const typeOrder: EnginePatchType[] = ["json", "merge", "strategic"];

/**
 * The "Patch engine" table of docs/ground-truth.md: per case kind, agreement N/M for each patch type
 * (— where the kind has no case of that type), then each divergence with its count and reason.
 */
export function agreementTable(results: CaseResult[], serverVersion: string): string {
  const kinds = [...new Set(results.map((result) => result.testCase.kind))];
  const cell = (kind: string, type: EnginePatchType): string => {
    const of = results.filter((result) => result.testCase.kind === kind && result.testCase.type === type);
    return of.length === 0 ? "—" : `${of.filter((result) => result.verdict.agrees).length}/${of.length}`;
  };
  const total = (type?: EnginePatchType): string => {
    const of = results.filter((result) => type === undefined || result.testCase.type === type);
    return `${of.filter((result) => result.verdict.agrees).length}/${of.length}`;
  };
  const lines = [
    `Agreement of writePod (applyPatch, decoding, defaults, admission, update rules) with kube-apiserver ${serverVersion}, per case kind and patch type (cases where prediction and answer are equal / cases):`,
    "",
    "| case kind | JSON Patch | merge | strategic |",
    "|---|---|---|---|",
    ...kinds.map((kind) => `| ${kind} | ${typeOrder.map((type) => cell(kind, type)).join(" | ")} |`),
    `| **all** | ${typeOrder.map((type) => total(type)).join(" | ")} |`,
    "",
    `All types: ${total()}. Every other case differs in one of these deliberate ways (cases of each):`,
    "",
    "| divergence | cases | why |",
    "|---|---|---|",
    ...divergences.map((divergence) => {
      const count = results.filter((result) => !result.verdict.agrees && result.verdict.divergence === divergence).length;
      return `| ${divergence.id} | ${count} | ${divergence.reason} |`;
    }),
  ];
  return lines.join("\n");
}
