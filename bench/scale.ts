/**
 * Benchmark: the generate stage (`generateFiles` of tools/pipeline/generate.ts: openapi-typescript types, the
 * client module, merge metadata, manifest) on a large spec against raw openapi-typescript (`openapiTS`
 * + `astToString`, the options the stage passes) on the same document, both in this process after one
 * warm-up run each, run alternately (ratio: median of the per-run ratios); goal ≤ 1.1×. Also how the
 * stage's time grows from our bundle to the large spec (bench/support/large-spec.ts: generated at
 * bench time, see there why).
 */
import { stringifyYaml } from "@redocly/openapi-core";
import openapiTS, { astToString } from "openapi-typescript";
import type { BundledSpec } from "../tools/pipeline/bundle.js";
import { generateFiles, readBundle, typesOptions, typesPath } from "../tools/pipeline/generate.js";
import { largeSpec, specStats, type SpecStats } from "./support/large-spec.js";
import { alternate, median, pairedRatio, progress } from "./support/measure.js";
import { row, type BenchReport } from "./support/report.js";

const runs = 5;

/** Raw openapi-typescript with the options tools/pipeline/generate.ts passes (checked below: same types out). */
async function rawOpenapiTypescript(document: Record<string, unknown>): Promise<string> {
  return astToString(await openapiTS(document as never, typesOptions));
}

function describe(stats: SpecStats): string {
  return `${(stats.bytes / 1e6).toFixed(2)} MB JSON, ${stats.paths} paths, ${stats.operations} operations, ${stats.schemas} schemas`;
}

export async function benchScale(): Promise<BenchReport> {
  const ours = readBundle();
  const document = largeSpec(ours.document);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const large: BundledSpec = { document, json, yaml: stringifyYaml(document, { lineWidth: -1, noRefs: true }) };
  const oursStats = specStats(ours.document, ours.json);
  const largeStats = specStats(document, json);
  progress(`scale: large spec ${describe(largeStats)}; ${runs} runs each after a warm-up`);

  const [stageTypes, rawTypes] = [(await generateFiles(large)).get(typesPath)!, await rawOpenapiTypescript(document)];
  if (!stageTypes.endsWith(rawTypes))
    throw new Error("scale: raw openapi-typescript does not produce the stage's types; the options differ");
  await generateFiles(ours);

  const largeTimes = await alternate({ stage: () => generateFiles(large), raw: () => rawOpenapiTypescript(document) }, runs);
  const oursTimes = await alternate({ stage: () => generateFiles(ours) }, runs);
  const stageMs = median(largeTimes.stage);
  const rawMs = median(largeTimes.raw);
  const oursMs = median(oursTimes.stage);
  const ratio = pairedRatio(largeTimes.stage, largeTimes.raw);
  const list = (values: number[]) => values.map((value) => value.toFixed(0)).join(" ");
  return {
    name: "scale (generate stage, in process)",
    rows: [
      row({
        benchmark: "scale: generate stage vs raw openapi-typescript, large spec",
        unit: "ms",
        ours: stageMs,
        baseline: rawMs,
        ratio,
        goal: "≤ 1.10×",
        met: ratio <= 1.1,
      }),
      row({ benchmark: "scale: generate stage, large spec vs our spec", unit: "ms", ours: stageMs, baseline: oursMs, goal: "—" }),
    ],
    details: [
      `large spec: generated deterministically at bench time (no installed package ships the upstream core/v1 OpenAPI v3 document): ${describe(largeStats)}`,
      `our spec (generated/openapi.json): ${describe(oursStats)}`,
      `large / ours: ${(largeStats.bytes / oursStats.bytes).toFixed(1)}× the bytes, ${(largeStats.schemas / oursStats.schemas).toFixed(1)}× the schemas, ${(largeStats.operations / oursStats.operations).toFixed(0)}× the operations → ${(stageMs / oursMs).toFixed(1)}× the time`,
      `runs (ms): stage on large ${list(largeTimes.stage)}; raw openapi-typescript on large ${list(largeTimes.raw)}; stage on ours ${list(oursTimes.stage)}`,
      `generated types: ${(stageTypes.length / 1e6).toFixed(2)} MB for the large spec`,
    ],
  };
}
