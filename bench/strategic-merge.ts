/**
 * Benchmark: the strategic merge of a container's `env` whose patch lists every variable in reverse
 * order (each with a new value) against the same merge with the patch in live order, 1,000 and 10,000
 * items, in this process (applyPatch of src/engine). The reordered merge pays for the order step
 * (normalizeSliceOrder, src/engine/stable-sort.ts); goal: within 2× of the merge in order. Both run
 * alternately (ratio: median of the per-run ratios), after one warm-up each. A run repeats the merge
 * until it holds about 20,000 list items (20 merges of 1,000, 2 of 10,000) and reports the time of one:
 * a single merge of 1,000 items takes about a millisecond, where one collection or one preemption
 * on a shared machine doubled a run's time and swung the ratio between 0.8× and 2.4×. Part of
 * `--only hostile` (bench/hostile.ts).
 */
import { applyPatch } from "../src/engine/index.js";
import type { Pod } from "../src/operation/patch-pod.js";
import { alternate, median, pairedRatio, progress } from "./support/measure.js";
import { type BenchReport, row } from "./support/report.js";

const runs = 11;
const goalRatio = 2;
/** List items merged per run, whatever the list's length (see the header). */
const itemsPerRun = 20_000;

function envOf(count: number, value: (index: number) => string) {
  return Array.from({ length: count }, (_, index) => ({ name: `VAR_${index}`, value: value(index) }));
}

function merge(live: Pod, env: ReturnType<typeof envOf>): Pod {
  return applyPatch(live, { spec: { containers: [{ name: "c", env }] } }, "application/strategic-merge-patch+json");
}

export async function benchStrategicMerge(): Promise<BenchReport> {
  const rows = [];
  const details = [];
  for (const count of [1_000, 10_000]) {
    const live: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "i", env: envOf(count, String) }] },
    };
    const inOrder = envOf(count, (index) => `new ${index}`);
    const reversed = [...inOrder].reverse();
    const reorderedResult = merge(live, reversed).spec?.containers[0]?.env?.[0]?.name;
    if (reorderedResult !== `VAR_${count - 1}`) throw new Error(`strategic-merge: the reversed patch did not reorder the list`);
    merge(live, inOrder);
    const repeat = Math.ceil(itemsPerRun / count);
    progress(`strategic-merge: ${count} env items, ${runs} runs of ${repeat} merges each`);
    const repeated = (env: ReturnType<typeof envOf>) => () => {
      for (let time = 0; time < repeat; time++) merge(live, env);
    };
    const runTimes = await alternate({ reordered: repeated(reversed), inOrder: repeated(inOrder) }, runs);
    const times = {
      reordered: runTimes.reordered.map((ms) => ms / repeat),
      inOrder: runTimes.inOrder.map((ms) => ms / repeat),
    };
    const ratio = pairedRatio(times.reordered, times.inOrder);
    rows.push(
      row({
        benchmark: `strategic merge, ${count.toLocaleString("en")} env items reordered`,
        unit: "ms",
        ours: median(times.reordered),
        baseline: median(times.inOrder),
        ratio,
        goal: `≤ ${goalRatio}× in order`,
        met: ratio <= goalRatio,
      }),
    );
    const list = (values: number[]) => values.map((value) => value.toFixed(1)).join(" ");
    details.push(`${count} items: reordered ${list(times.reordered)} ms; in order ${list(times.inOrder)} ms`);
  }
  return { name: "strategic merge of long lists (applyPatch, in process)", rows, details };
}
