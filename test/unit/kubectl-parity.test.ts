/**
 * Parity of applyPatch with `kubectl patch --local` (the same Go libraries as the apiserver's patch
 * step): every case of test/fixtures/engine/parity-cases.ts runs through both, four kubectl processes
 * at a time, and the results must be equal as parsed JSON — or both must refuse the patch (a few
 * documented RFC deviations of kubectl's library are asserted as such: kubectl accepts, we refuse). Skipped
 * with the reason when kubectl is absent, except under CI=true, where its absence fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPatch, PatchError } from "../../src/engine/index.js";
import type { PatchMediaType, Pod } from "../../generated/client.js";
import { createSandbox, findKubectl, kubectlPatch, mapConcurrently, type KubectlOutcome, type KubectlSandbox } from "../fixtures/engine/kubectl.js";
import { basePods, parityCases, type KubectlPatchType } from "../fixtures/engine/parity-cases.js";

const mediaTypes: Record<KubectlPatchType, PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

const kubectl = findKubectl();
const missing = kubectl === undefined ? "kubectl not found (set KUBECTL or put it on PATH)" : undefined;

function ours(pod: Pod, patch: unknown, type: KubectlPatchType): KubectlOutcome {
  try {
    return { ok: true, pod: applyPatch(pod, patch, mediaTypes[type]) };
  } catch (error) {
    if (error instanceof PatchError) return { ok: false, error: error.message };
    throw error;
  }
}

describe("the parity cases", () => {
  it("cover at least 200 cases, every kind with strategic and merge or json variants", () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(200);
    const types = new Set(parityCases.map((testCase) => testCase.type));
    expect([...types].sort()).toEqual(["json", "merge", "strategic"]);
  });
});

if (missing !== undefined && process.env.CI === "true") {
  it("finds kubectl under CI", () => {
    throw new Error(`kubectl parity cannot run in CI: ${missing}`);
  });
}

describe.skipIf(missing !== undefined)(`applyPatch equals kubectl patch --local${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let sandbox: KubectlSandbox;
  let expected: KubectlOutcome[] = [];

  beforeAll(async () => {
    sandbox = createSandbox(basePods);
    expected = await mapConcurrently(parityCases, 4, (testCase) =>
      kubectlPatch(kubectl ?? "kubectl", sandbox, testCase.pod, testCase.type, JSON.stringify(testCase.patch)),
    );
  }, 120_000);

  afterAll(() => sandbox?.dispose());

  it.each(parityCases.map((testCase, index) => ({ ...testCase, index })))("$type $kind — $name", ({ index, pod, patch, type, deviation }) => {
    const theirs = expected[index];
    const mine = ours(basePods[pod] as Pod, patch, type);
    if (deviation !== undefined) {
      expect(theirs?.ok, `kubectl no longer accepts this (${deviation})`).toBe(true);
      expect(mine.ok, `applyPatch should refuse: ${deviation}`).toBe(false);
    } else if (theirs?.ok === false) {
      expect(mine.ok, `kubectl refused (${theirs.error}) but applyPatch accepted`).toBe(false);
    } else {
      expect(mine).toStrictEqual(theirs);
    }
  });
});
