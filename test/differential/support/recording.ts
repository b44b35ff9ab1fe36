/**
 * Recorded answers of the real apiserver, so that `npm test` proves the project against the server
 * without Go, and a live run proves the recordings are still what the server says.
 *
 * One file a suite, `test/fixtures/apiserver/<suite>.json`: `{ server, suite, cases: { <id>: answer } }`,
 * the answers normalized (normalize.ts), keys in case order, no timestamps — re-recording an unchanged
 * server rewrites the same bytes. Written by `npm run record:apiserver` (APISERVER_LIVE=record).
 *
 * `recordedAnswers(suite, cases, askLive)` gives each test its answer: the recorded one, and where the
 * live server is there (every case under `all`/`record`, the cases picked by `subset` otherwise) the
 * live one, checked against the recording first so that a stale recording fails with the command that
 * renews it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { afterAll, expect, inject } from "vitest";
import type { ApiserverConnection } from "./live-apiserver.js";
import { normalizeJson } from "./normalize.js";
import type { Json } from "./server.js";

export interface Recording {
  /** The `/version` gitVersion of the server that answered. */
  server: string;
  suite: string;
  cases: Record<string, Json>;
}

const fixturesDir = new URL("../../fixtures/apiserver/", import.meta.url);

export function recordingPath(suite: string): URL {
  return new URL(`${suite}.json`, fixturesDir);
}

export function loadRecording(suite: string): Recording | undefined {
  const path = recordingPath(suite);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as Recording;
}

function saveRecording(recording: Recording): void {
  const path = recordingPath(recording.suite);
  const temporary = new URL(`${recording.suite}.json.partial-${process.pid}`, fixturesDir);
  writeFileSync(temporary, `${JSON.stringify(recording, null, 1)}\n`);
  renameSync(temporary, path);
}

export interface RecordedAnswersOptions<C> {
  /** Under `subset`, which cases are re-asked live (default: every tenth case, and the first). */
  liveSubset?: (testCase: C, index: number) => boolean;
}

const everyTenth = (_: unknown, index: number): boolean => index % 10 === 0;

/**
 * For a suite of cases with unique ids: a function that returns a case's answer (see the header).
 * Call it at the top level of a test file; it registers the `afterAll` that writes a new recording.
 */
export function recordedAnswers<C extends { id: string }>(
  suite: string,
  cases: readonly C[],
  askLive: (server: ApiserverConnection, testCase: C) => Promise<Json>,
  options: RecordedAnswersOptions<C> = {},
): { server: ApiserverConnection | null; serverVersion: string; answer: (testCase: C) => Promise<Json> } {
  const ids = new Set<string>();
  for (const testCase of cases) {
    if (ids.has(testCase.id)) throw new Error(`${suite}: two cases are named ${JSON.stringify(testCase.id)}`);
    ids.add(testCase.id);
  }
  const server = inject("apiserver");
  const recording = loadRecording(suite);
  const recordMode = server?.mode === "record";
  if (!recordMode && recording === undefined) {
    throw new Error(`${suite}: no recording at ${recordingPath(suite).pathname}; run: npm run record:apiserver`);
  }
  const pick = options.liveSubset ?? everyTenth;
  const indexOf = new Map(cases.map((testCase, index) => [testCase.id, index]));
  const fresh: Record<string, Json> = {};
  if (recordMode && server !== null) {
    afterAll(() => {
      const ordered: Record<string, Json> = {};
      for (const testCase of cases) {
        const answer = fresh[testCase.id];
        if (answer === undefined) throw new Error(`${suite}: case ${testCase.id} was not asked; the recording is not written`);
        ordered[testCase.id] = answer;
      }
      saveRecording({ server: server.version, suite, cases: ordered });
    });
  }
  const answer = async (testCase: C): Promise<Json> => {
    const recorded = recording?.cases[testCase.id];
    const index = indexOf.get(testCase.id) ?? -1;
    const live = server !== null && (server.mode !== "subset" || pick(testCase, index));
    if (!live) {
      if (recorded === undefined)
        throw new Error(`${suite}: case ${testCase.id} has no recorded answer; run: npm run record:apiserver`);
      return recorded;
    }
    const answered = normalizeJson(await askLive(server, testCase));
    if (recordMode) {
      fresh[testCase.id] = answered;
    } else {
      expect(
        answered,
        `${suite}/${testCase.id}: the live ${server.version} answer differs from the recording of ${recording?.server}; run: npm run record:apiserver`,
      ).toEqual(recorded);
    }
    return answered;
  };
  return { server, serverVersion: server?.version ?? recording?.server ?? "unknown", answer };
}
