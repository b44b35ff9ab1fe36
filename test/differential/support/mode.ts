/**
 * How the differential suites meet the real apiserver, chosen by environment variables of their own
 * (never by `CI`):
 * - `APISERVER_LIVE` — `off`: replay the recorded answers only; `subset` (the default when the binaries
 *   are built): replay every case and re-ask the live server a subset; `all`: re-ask every case live;
 *   `record`: ask every case live and rewrite the recordings (`npm run record:apiserver`).
 * - `POD_PATCH_FORBID_SKIPS=1` — a test that would skip for want of something (the binaries, kubectl,
 *   Chromium) fails instead. `.ci/run` sets it; test/support/skips.ts is its one home.
 */
import { binariesFor, missingBinaries } from "../../../tools/apiserver/binaries.js";

export { skipsForbidden } from "../../support/skips.js";

export type LiveMode = "off" | "subset" | "all" | "record";

const modes: readonly LiveMode[] = ["off", "subset", "all", "record"];

/** The binaries that are missing for the default Kubernetes minor (empty when all are built). */
export function missingApiserverBinaries(): string[] {
  return missingBinaries(binariesFor());
}

export function requestedLiveMode(): LiveMode | undefined {
  const value = process.env.APISERVER_LIVE;
  if (value === undefined || value === "") return undefined;
  if (!(modes as readonly string[]).includes(value)) {
    throw new Error(`APISERVER_LIVE must be one of ${modes.join(", ")}, got "${value}"`);
  }
  return value as LiveMode;
}
