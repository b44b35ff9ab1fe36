// The recorded version matrix (test/fixtures/verify/<minor>.json, written by `npm run verify:matrix`):
// each recording is replayed through today's contract, engine and verify, and must give the verdict
// recorded with it; docs/verify.md must show the table the recordings make. A change of the contract
// or of verify that changes a verdict fails here until the matrix is re-recorded.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { availableMinors } from "../../tools/apiserver/binaries.js";
import { replayTransport } from "../../tools/verify/recorded-transport.js";
import {
  docsPath,
  docsWithTable,
  loadRecording,
  matrixNamespace,
  matrixTable,
  renewCommand,
  summarize,
  throwawayName,
} from "../../tools/verify/verify-matrix.js";
import { loadBundledContract } from "../../src/contract/bundle.js";
import { runVerify } from "../../src/verify/verify.js";

const minors = availableMinors();

describe("the recorded version matrix", () => {
  it.each(minors)("Kubernetes %s: replaying the recording through today's contract gives the recorded verdict", async (minor) => {
    const recording = loadRecording(minor);
    expect(recording, `no recording for ${minor}; run: ${renewCommand}`).toBeDefined();
    if (recording === undefined) return;
    const report = await runVerify(replayTransport(recording.exchanges, "https://recorded.invalid", renewCommand), {
      namespace: matrixNamespace,
      createPodIn: matrixNamespace,
      throwawayName,
      contract: loadBundledContract(),
    });
    expect(summarize(report), `the ${recording.server} verdict changed; run: ${renewCommand}`).toEqual(recording.summary);
    // Every PATCH of the run was a dry run; the only writes are the throwaway Pod's create and delete.
    for (const { request } of recording.exchanges) {
      if (request.method === "PATCH") expect(request.path).toMatch(/\?dryRun=All(&|$)/);
      if (request.method === "POST" || request.method === "DELETE")
        expect(request.path).toContain(`/namespaces/${matrixNamespace}/pods`);
    }
  });

  it("lists every Pod field and enum value 1.34 does not know, each with what the server did with it", () => {
    const summary = loadRecording("1.34")?.summary;
    expect(summary?.exitCode).toBe(1);
    const unknown = (summary?.unexplained ?? []).filter(
      (difference) => /:(property|enum:.+)$/.test(difference.id) && difference.impact === "contract-accepts",
    );
    expect(unknown.map((difference) => difference.id)).toEqual(
      expect.arrayContaining(["schema:PodSpec.workloadRef:property", 'schema:Toleration.operator:enum:"Gt"']),
    );
    for (const difference of unknown) {
      expect(difference.serverBehaviour, difference.id).toBeDefined();
      expect(difference.serverBehaviour?.join("; "), difference.id).toMatch(
        /dropped with a warning|refused under fieldValidation=Strict|value refused/,
      );
    }
  });

  it("docs/verify.md shows the table the recordings make", () => {
    const docs = readFileSync(docsPath, "utf8");
    const recordings = minors.flatMap((minor) => loadRecording(minor) ?? []);
    expect(docs, `docs/verify.md is stale; run: ${renewCommand}`).toBe(docsWithTable(docs, matrixTable(recordings)));
  });
});
