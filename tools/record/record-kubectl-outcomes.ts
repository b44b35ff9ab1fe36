/**
 * `npm run record:kubectl` — runs every parity case (test/fixtures/engine/parity-cases.ts) through
 * `kubectl patch --local`, four processes at a time, and writes what kubectl answered to
 * test/fixtures/engine/kubectl-outcomes.json (see kubectl-outcomes.ts there). Run it after adding or
 * changing a case or a base Pod, or to record a newer kubectl.
 * Input: `$KUBECTL` or kubectl on PATH. Output: kubectl-outcomes.json, written whole or not at all.
 * Exit codes: 0 written, 2 kubectl not found or a crash.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createSandbox, findKubectl, kubectlPatch, mapConcurrently } from "../../test/fixtures/engine/kubectl.js";
import { caseKey, recordedOutcomesUrl, toRecorded, type RecordedOutcomes } from "../../test/fixtures/engine/kubectl-outcomes.js";
import { basePods, parityCases } from "../../test/fixtures/engine/parity-cases.js";
import { parseCli, runCli } from "../cli-args.js";
import { commitFiles } from "../pipeline/common.js";

const usage = `usage: npm run record:kubectl
  Runs every parity case through kubectl patch --local and rewrites test/fixtures/engine/kubectl-outcomes.json
  (whole or not at all). kubectl: $KUBECTL, else PATH, else the one npm run apiserver -- --build-only built.
  Exit 0 written, 2 usage error, kubectl not found or a crash. Takes no arguments.`;

async function main(): Promise<number> {
  if (parseCli(process.argv.slice(2), usage, {}) === "help") return 0;
  const kubectl = findKubectl();
  if (kubectl === undefined) {
    throw new Error("kubectl not found (set KUBECTL, put it on PATH, or build it: npm run apiserver -- --build-only)");
  }
  const sandbox = createSandbox(basePods);
  try {
    const outcomes = await mapConcurrently(parityCases, 4, async (testCase) => {
      const outcome = await kubectlPatch(kubectl, sandbox, testCase.pod, testCase.type, JSON.stringify(testCase.patch));
      return [caseKey(testCase), toRecorded(basePods[testCase.pod], outcome)] as const;
    });
    const version = execFileSync(kubectl, ["version", "--client", "--kubeconfig", sandbox.kubeconfig], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: sandbox.dir },
    });
    const recording: RecordedOutcomes = {
      note: "What `kubectl patch --local` answered for each case of parity-cases.ts; written by `npm run record:kubectl`, do not edit.",
      kubectl: version.split("\n")[0]?.trim() ?? "",
      outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))),
    };
    commitFiles(new Map([[fileURLToPath(recordedOutcomesUrl), `${JSON.stringify(recording, null, 1)}\n`]]));
    const refused = outcomes.filter(([, outcome]) => !outcome.ok).length;
    console.log(`record:kubectl: ${outcomes.length} cases (${refused} refused by kubectl), ${recording.kubectl}`);
    return 0;
  } finally {
    sandbox.dispose();
  }
}

runCli("record:kubectl", main, 2);
