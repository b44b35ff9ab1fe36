/**
 * `npm run ground-truth:engine` — rewrites the patch-engine agreement table of docs/ground-truth.md
 * (between its markers) from the recorded apiserver answers (test/fixtures/apiserver/engine.json) and
 * what the engine predicts for each case today. No server, no Go: run it after changing the engine, the
 * cases or the divergence table, or after `npm run record:apiserver`; the differential test fails until
 * the table is current.
 * Input: the recording. Output: docs/ground-truth.md, written whole or not at all.
 * Exit codes: 0 written (or unchanged), 1 a case without a recording or a difference no divergence
 * explains (the table would hide it), 2 usage.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCli, runCli } from "../cli-args.js";
import { commitFiles } from "../pipeline/common.js";
import { agreementTable, groundTruthPath, replayedResults, withAgreementSection } from "../../test/differential/engine-doc.js";

const usage = "usage: npm run ground-truth:engine   (rewrites the Patch engine table of docs/ground-truth.md from the recording)";

runCli("ground-truth:engine", async () => {
  if (parseCli(process.argv.slice(2), usage, {}) === "help") return 0;
  const { results, serverVersion } = replayedResults();
  const unexplained = results.filter((result) => !result.verdict.agrees && result.verdict.divergence === undefined);
  if (unexplained.length > 0) {
    for (const result of unexplained) console.error(`unexplained: ${result.testCase.id}`);
    console.error(
      `ground-truth:engine: ${unexplained.length} cases differ in no documented way (npx vitest run test/differential/engine.test.ts shows how)`,
    );
    return 1;
  }
  const path = fileURLToPath(groundTruthPath);
  const document = readFileSync(path, "utf8");
  const updated = withAgreementSection(document, agreementTable(results, serverVersion));
  if (updated === document) console.log("ground-truth:engine: docs/ground-truth.md is current");
  else commitFiles(new Map([[path, updated]]));
  return 0;
});
