/**
 * The "Patch engine" agreement table of docs/ground-truth.md: where it sits (between two markers of its
 * own, so the other suites' sections are never touched), how it is computed from the recording alone
 * (`replayedResults`, no server, no vitest), and the command that rewrites it (`npm run
 * ground-truth:engine`, tools/record/engine-agreement.ts). test/differential/engine.test.ts compares the
 * section with the table of its own results.
 */
import { readFileSync } from "node:fs";
import type { ApiAnswer, Json } from "./support/server.js";
import { engineCases, type ReferenceCase, referenceCases } from "./engine-cases.js";
import { agreementTable, type CaseResult, caseResult, fromRecorded, type RecordedCase } from "./engine-outcomes.js";

export const groundTruthPath = new URL("../../docs/ground-truth.md", import.meta.url);
export const recordingUrl = new URL("../fixtures/apiserver/engine.json", import.meta.url);
export const regenerateCommand = "npm run ground-truth:engine";

const begin = "<!-- patch-engine agreement: begin (written by npm run ground-truth:engine) -->";
const end = "<!-- patch-engine agreement: end -->";

/** The table between the markers, or undefined when the document has no such section. */
export function agreementSection(document: string): string | undefined {
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return document.slice(from + begin.length, to).trim();
}

/** The document with the table between the markers; the markers must be there. */
export function withAgreementSection(document: string, table: string): string {
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/ground-truth.md has no "${begin}" … "${end}" markers`);
  return `${document.slice(0, from + begin.length)}\n${table}\n${document.slice(to)}`;
}

/**
 * Every answer of the recording rebuilt whole (status, Warning headers, body), keyed by case id: what
 * differential suite 4 (contract.test.ts) validates against the contract, as it does every recording's.
 */
export function recordedEngineAnswers(): [string, ApiAnswer][] {
  const recording = JSON.parse(readFileSync(recordingUrl, "utf8")) as { cases: Record<string, Json> };
  const reference = (base: string): Json =>
    recording.cases[referenceCases.find((candidate) => candidate.base === base)?.id ?? ""] ?? null;
  return engineCases.flatMap((testCase): [string, ApiAnswer][] => {
    const recorded = recording.cases[testCase.id];
    if (recorded === undefined) return [];
    const replayed = fromRecorded(reference(testCase.base), recorded as unknown as RecordedCase);
    const warnings = replayed.warnings.length === 0 ? {} : { warnings: replayed.warnings };
    return [[testCase.id, { status: replayed.status, contentType: "application/json", ...warnings, body: replayed.body }]];
  });
}

/** Every case compared from the recording alone, and the server version it was recorded from. */
export function replayedResults(): { results: CaseResult[]; serverVersion: string } {
  const recording = JSON.parse(readFileSync(recordingUrl, "utf8")) as { server: string; cases: Record<string, Json> };
  const answer = (testCase: { id: string }): Json => {
    const recorded = recording.cases[testCase.id];
    if (recorded === undefined) throw new Error(`${testCase.id} has no recorded answer; run: npm run record:apiserver`);
    return recorded;
  };
  const reference = (base: string): Json =>
    answer(referenceCases.find((candidate: ReferenceCase) => candidate.base === base) ?? { id: base });
  const results: CaseResult[] = engineCases.map((testCase) =>
    caseResult(testCase, reference(testCase.base), answer(testCase) as unknown as RecordedCase),
  );
  return { results, serverVersion: recording.server };
}

export { agreementTable };
