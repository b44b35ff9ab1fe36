/**
 * `npm run record:kubectl` — runs every parity case (test/fixtures/engine/parity-cases.ts) through
 * `kubectl patch --local`, four processes at a time, and writes what kubectl answered to
 * test/fixtures/engine/kubectl-outcomes.json (see kubectl-outcomes.ts there). Run it after adding or
 * changing a case or a base Pod, or after moving to another Kubernetes release.
 * Input: the kubectl built with the real control plane (test/fixtures/engine/kubectl.ts builtKubectl: the
 * pinned v1.35 release; never one from PATH or $KUBECTL, so that kubectl's and the apiserver's answers come
 * from one release). Output: kubectl-outcomes.json with that kubectl's version, written whole or not at all.
 * Exit codes: 0 written, 2 usage error, kubectl not built or not the pinned release, or a crash.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  builtKubectl,
  createSandbox,
  expectedKubectlVersion,
  kubectlMissing,
  kubectlPatch,
  mapConcurrently,
} from "../../test/fixtures/engine/kubectl.js";
import { caseKey, recordedOutcomesUrl, toRecorded, type RecordedOutcomes } from "../../test/fixtures/engine/kubectl-outcomes.js";
import { basePods, parityCases } from "../../test/fixtures/engine/parity-cases.js";
import { parseCli, runCli } from "../cli-args.js";
import { commitFiles } from "../pipeline/common.js";

const usage = `usage: npm run record:kubectl
  Runs every parity case through kubectl patch --local and rewrites test/fixtures/engine/kubectl-outcomes.json
  (whole or not at all). kubectl: the one npm run apiserver -- --build-only built (the apiserver's release).
  Exit 0 written, 2 usage error, kubectl not built or not that release, or a crash. Takes no arguments.`;

async function main(): Promise<number> {
  if (parseCli(process.argv.slice(2), usage, {}) === "help") return 0;
  const kubectl = builtKubectl();
  if (kubectl === undefined) throw new Error(kubectlMissing);
  const sandbox = createSandbox(basePods);
  try {
    const version = execFileSync(kubectl, ["version", "--client", "--kubeconfig", sandbox.kubeconfig], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: sandbox.dir },
    });
    const client = version.split("\n")[0]?.trim() ?? "";
    if (client !== expectedKubectlVersion()) {
      throw new Error(`${kubectl} says "${client}", not "${expectedKubectlVersion()}"; nothing written`);
    }
    const outcomes = await mapConcurrently(parityCases, 4, async (testCase) => {
      const outcome = await kubectlPatch(kubectl, sandbox, testCase.pod, testCase.type, JSON.stringify(testCase.patch));
      return [caseKey(testCase), toRecorded(basePods[testCase.pod], outcome)] as const;
    });
    const recording: RecordedOutcomes = {
      note: "What `kubectl patch --local` answered for each case of parity-cases.ts; written by `npm run record:kubectl`, do not edit.",
      kubectl: client,
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
