/**
 * Benchmark (not a test; it never fails on slowness): patches per second of applyPatch for each patch
 * type on the CCE example Pod (components.examples.PodHelloWorld), with two baselines measured in the
 * same run: fast-json-patch applying the JSON Patch raw (non-mutating, no Status mapping), and one
 * `kubectl patch --local` process per patch (what a script shelling out to kubectl pays).
 *
 * Each in-process figure is the best of three 1-second windows; the kubectl figure is 20 sequential
 * processes per type (skipped, with the reason, when kubectl is absent). Prints a table with ratios.
 *
 * Run: npx tsx bench/patch-engine.ts
 */
import fastJsonPatch from "fast-json-patch";
import type { PatchMediaType, Pod } from "../src/operation/patch-pod.js";
import { applyPatch } from "../src/engine/index.js";
import { builtKubectl, createSandbox, kubectlMissing, kubectlPatch } from "../test/fixtures/engine/kubectl.js";
import { ccePod, type KubectlPatchType } from "../test/fixtures/engine/parity-cases.js";

const pod = ccePod as Pod;
const windowMs = 1000;
const kubectlRuns = 20;

const patches: Record<KubectlPatchType, { mediaType: PatchMediaType; body: unknown }> = {
  json: {
    mediaType: "application/json-patch+json",
    body: [{ op: "add", path: "/spec/containers/0/image", value: "busybox:1.36" }],
  },
  merge: {
    mediaType: "application/merge-patch+json",
    body: { metadata: { labels: { stage: "test" } }, spec: { activeDeadlineSeconds: 60 } },
  },
  strategic: {
    mediaType: "application/strategic-merge-patch+json",
    body: {
      spec: {
        containers: [
          {
            name: "hello-world",
            image: "busybox:1.36",
            env: [
              { name: "cy", value: "x" },
              { name: "NEW", value: "1" },
            ],
          },
        ],
      },
    },
  },
};

/** Operations per second of `work`, best of three windows. */
function perSecond(work: () => unknown): number {
  let best = 0;
  for (let window = 0; window < 3; window++) {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < windowMs) {
      work();
      count++;
    }
    best = Math.max(best, (count * 1000) / (performance.now() - start));
  }
  return best;
}

async function kubectlPerSecond(kubectl: string, type: KubectlPatchType, body: unknown): Promise<number> {
  const sandbox = createSandbox({ cce: ccePod });
  try {
    const start = performance.now();
    for (let run = 0; run < kubectlRuns; run++) {
      const outcome = await kubectlPatch(kubectl, sandbox, "cce", type, JSON.stringify(body));
      if (!outcome.ok) throw new Error(`kubectl refused the benchmark patch: ${outcome.error}`);
    }
    return (kubectlRuns * 1000) / (performance.now() - start);
  } finally {
    sandbox.dispose();
  }
}

const kubectl = builtKubectl();
const rawJsonPatch = perSecond(() => fastJsonPatch.applyPatch(pod, patches.json.body as fastJsonPatch.Operation[], false, false));
const rows = [];
for (const [type, { mediaType, body }] of Object.entries(patches) as [KubectlPatchType, (typeof patches)[KubectlPatchType]][]) {
  const engine = perSecond(() => applyPatch(pod, body, mediaType));
  const spawned = kubectl === undefined ? undefined : await kubectlPerSecond(kubectl, type, body);
  rows.push({
    type,
    "applyPatch /s": Math.round(engine),
    "fast-json-patch raw /s": Math.round(rawJsonPatch),
    "applyPatch ÷ raw": (engine / rawJsonPatch).toFixed(2),
    "kubectl process /s": spawned === undefined ? "n/a" : spawned.toFixed(1),
    "applyPatch ÷ kubectl": spawned === undefined ? "n/a" : `${Math.round(engine / spawned)}x`,
  });
}
console.table(rows);
if (kubectl === undefined) console.log(`kubectl baseline skipped: ${kubectlMissing}`);
