/**
 * What a mock process keeps, for memory tests: the flags that preload test/support/heap-probe.mjs into it,
 * and `heapKept(process)`, which signals it and reads its answer.
 *
 * `HEAP_PROBE_FLAGS`: Node flags for startMock's `nodeFlags` (`--expose-gc` and the preload).
 * `KEEP_BODIES_FLAGS`: Node flags that preload test/support/keep-bodies.mjs, which makes the mock keep every
 * request body it receives (a leak, for proving that a memory test catches one).
 * `heapKept(process)`: sends the process SIGUSR2 and resolves with the bytes it still holds after a full
 * garbage collection (V8's heap in use plus the external memory JavaScript objects hold), as the preload
 * prints them. Rejects when the process exits first or does not answer (mock-process.ts `nextLine`).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../../tools/pipeline/common.js";
import type { RunningProcess } from "./mock-process.js";

const preload = (file: string): string[] => ["--import", pathToFileURL(join(projectRoot, "test", "support", file)).href];

export const HEAP_PROBE_FLAGS = ["--expose-gc", ...preload("heap-probe.mjs")];
export const KEEP_BODIES_FLAGS = preload("keep-bodies.mjs");

const ANSWER = /^heap-probe kept (\d+) heap \d+ external \d+$/;

export async function heapKept(running: RunningProcess): Promise<number> {
  const answer = running.nextLine(ANSWER);
  process.kill(running.pid, "SIGUSR2");
  return Number(ANSWER.exec(await answer)?.[1]);
}
