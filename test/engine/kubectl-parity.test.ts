/**
 * Parity of applyPatch with `kubectl patch --local` (the same Go libraries as the apiserver's patch
 * step) on every case of test/fixtures/engine/parity-cases.ts: the results must be equal as parsed
 * JSON — or both must refuse the patch (a few documented RFC deviations of kubectl's library are
 * asserted as such: kubectl accepts, we refuse).
 * kubectl's answers come from test/fixtures/engine/kubectl-outcomes.json, recorded by `npm run
 * record:kubectl` with the kubectl built with the real control plane (v1.35.x, the apiserver's release;
 * a case without a recording, or a recording from another kubectl, fails and says to record). That
 * same kubectl then re-answers the first case of every kind × patch type (KUBECTL_PARITY=all: every
 * case) and must answer as recorded; that part is skipped with the reason when the binary is not built,
 * and fails instead under POD_PATCH_FORBID_SKIPS=1 (test/support/skips.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPatch, PatchError } from "../../src/engine/index.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import {
  createSandbox,
  expectedKubectlVersion,
  builtKubectl,
  kubectlMissing,
  kubectlPatch,
  mapConcurrently,
  type KubectlOutcome,
  type KubectlSandbox,
} from "../fixtures/engine/kubectl.js";
import { caseKey, fromRecorded, readRecordedOutcomes } from "../fixtures/engine/kubectl-outcomes.js";
import { basePods, parityCases, type KubectlPatchType, type ParityCase } from "../fixtures/engine/parity-cases.js";
import { describeNeeding } from "../support/skips.js";

const mediaTypes: Record<KubectlPatchType, PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

const recording = readRecordedOutcomes();
const kubectl = builtKubectl();
const missing = kubectl === undefined ? kubectlMissing : undefined;

function ours(pod: Pod, patch: unknown, type: KubectlPatchType): KubectlOutcome {
  try {
    return { ok: true, pod: applyPatch(pod, patch, mediaTypes[type]) };
  } catch (error) {
    if (error instanceof PatchError) return { ok: false, error: error.message };
    throw error;
  }
}

/** kubectl's recorded answer to a case; throws, naming the fix, when there is none. */
function recorded(testCase: ParityCase): KubectlOutcome {
  const outcome = recording.outcomes[caseKey(testCase)];
  if (outcome === undefined)
    throw new Error(
      `no kubectl answer recorded for "${testCase.type} ${testCase.kind} — ${testCase.name}": run \`npm run record:kubectl\``,
    );
  return fromRecorded(basePods[testCase.pod], outcome);
}

describe("the parity cases", () => {
  it("cover at least 200 cases, every kind with strategic and merge or json variants", () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(200);
    const types = new Set(parityCases.map((testCase) => testCase.type));
    expect([...types].sort()).toEqual(["json", "merge", "strategic"]);
  });

  it("each have kubectl's answer recorded, and the recording holds nothing else", () => {
    const keys = parityCases.map(caseKey);
    expect(new Set(keys).size, "two cases with the same Pod, type and patch").toBe(keys.length);
    expect(
      Object.keys(recording.outcomes).sort(),
      `kubectl-outcomes.json is stale (${recording.kubectl}): run \`npm run record:kubectl\``,
    ).toEqual([...keys].sort());
  });

  it("were recorded with the kubectl of the apiserver's release", () => {
    expect(recording.kubectl, "run `npm run record:kubectl`").toBe(expectedKubectlVersion());
  });
});

describe(`applyPatch equals kubectl patch --local (recorded from ${recording.kubectl})`, () => {
  it.each(parityCases)("$type $kind — $name", (testCase) => {
    const theirs = recorded(testCase);
    const mine = ours(basePods[testCase.pod] as Pod, testCase.patch, testCase.type);
    if (testCase.deviation !== undefined) {
      expect(theirs.ok, `kubectl no longer accepts this (${testCase.deviation})`).toBe(true);
      expect(mine.ok, `applyPatch should refuse: ${testCase.deviation}`).toBe(false);
    } else if (!theirs.ok) {
      expect(mine.ok, `kubectl refused (${theirs.error}) but applyPatch accepted`).toBe(false);
    } else {
      expect(mine).toStrictEqual(theirs);
    }
  });
});

/** The first case of each kind × type, or every case with KUBECTL_PARITY=all. */
const liveCases =
  process.env.KUBECTL_PARITY === "all"
    ? parityCases
    : parityCases.filter(
        (testCase, index) =>
          parityCases.findIndex((other) => other.kind === testCase.kind && other.type === testCase.type) === index,
      );

describeNeeding("live kubectl answers as recorded", missing, () => {
  let sandbox: KubectlSandbox;
  let live: KubectlOutcome[] = [];

  beforeAll(async () => {
    sandbox = createSandbox(basePods);
    live = await mapConcurrently(liveCases, 4, (testCase) =>
      kubectlPatch(kubectl ?? "kubectl", sandbox, testCase.pod, testCase.type, JSON.stringify(testCase.patch)),
    );
  }, 120_000);

  afterAll(() => sandbox?.dispose());

  it.each(liveCases.map((testCase, index) => ({ ...testCase, index })))("$type $kind — $name", ({ index, ...testCase }) => {
    const now = live[index];
    const then = recorded(testCase);
    // Refusals are compared as refusals: kubectl's wording may change between versions.
    if (!then.ok) expect(now?.ok, `kubectl now accepts what it refused when recorded (${then.error})`).toBe(false);
    else expect(now).toStrictEqual(then);
  });
});
