/**
 * The one way a test skips for want of something the machine may lack (kubectl, Chromium, the Go-built
 * apiserver binaries, network namespaces, an interpreter…), decided by variables of the project's own and
 * never by `CI`:
 * - `POD_PATCH_FORBID_SKIPS=1` (`.ci/run` sets it): a would-be skip fails instead, with the reason.
 * - otherwise the block is skipped and the reason is in its name, so a run's summary says what was not tested.
 * Input: the title of the block and why it cannot run here (`undefined` when it can).
 */
import { describe, it } from "vitest";

export function skipsForbidden(): boolean {
  return process.env.POD_PATCH_FORBID_SKIPS === "1";
}

/**
 * `describe(title, body)` when nothing is `missing`; otherwise a skipped block named
 * `<title> — skipped: <missing>`, or under POD_PATCH_FORBID_SKIPS=1 one failing test that says what is missing.
 */
export function describeNeeding(title: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(title, body);
  } else if (skipsForbidden()) {
    describe(title, () => {
      it(`cannot run: ${missing}`, () => {
        throw new Error(`${title}: ${missing} (POD_PATCH_FORBID_SKIPS=1 turns this skip into a failure)`);
      });
    });
  } else {
    describe.skip(`${title} — skipped: ${missing}`, body);
  }
}
