/**
 * What a benchmark hands back to bench/run.ts — summary rows (ours, baseline, ratio, goal) and detail
 * lines — and how run.ts prints them: one Markdown table (pasteable into the README) or JSON.
 */
import { cpus, loadavg, platform, release, totalmem } from "node:os";

export type Unit = "s" | "ms" | "µs" | "KB";

export interface Row {
  benchmark: string;
  unit: Unit;
  ours: number;
  /** Absent when the benchmark has a goal but nothing to compare with (npm test, tsc). */
  baseline?: number;
  /** ours / baseline. */
  ratio?: number;
  /** The goal as printed; "—" for figures reported for information. */
  goal: string;
  /** Absent when there is no goal. */
  met?: boolean;
}

export interface BenchReport {
  name: string;
  rows: Row[];
  details: string[];
}

export function row(fields: Omit<Row, "ratio"> & { ratio?: number }): Row {
  // No ratio against a baseline of 0 (a latency under the tool's 1 ms resolution, say).
  const ratio =
    fields.ratio ?? (fields.baseline === undefined || fields.baseline === 0 ? undefined : fields.ours / fields.baseline);
  return { ...fields, ...(ratio === undefined ? {} : { ratio }) };
}

const decimals: Record<Unit, number> = { s: 2, ms: 0, µs: 0, KB: 1 };

function figure(value: number | undefined, unit: Unit): string {
  return value === undefined ? "—" : `${value.toFixed(decimals[unit])} ${unit}`;
}

function ratioText(ratio: number | undefined): string {
  if (ratio === undefined) return "—";
  return ratio < 0.1 ? `${ratio.toFixed(4)}× (1/${Math.round(1 / ratio)})` : `${ratio.toFixed(2)}×`;
}

function metText(met: boolean | undefined): string {
  return met === undefined ? "—" : met ? "yes" : "**no**";
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

function machineLine(machine: Machine): string {
  const load = (values: number[] | undefined) => (values ?? []).join(" ");
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at end`;
}

/** The summary table (Markdown) followed by each benchmark's detail lines. */
export function renderText(reports: BenchReport[], machine: Machine, totalMs: number): string {
  const header = ["benchmark", "ours", "baseline", "ratio", "goal", "met?"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const { benchmark, unit, ours, baseline, ratio, goal, met } of reports.flatMap((report) => report.rows)) {
    lines.push(
      `| ${[benchmark, figure(ours, unit), figure(baseline, unit), ratioText(ratio), goal, metText(met)].join(" | ")} |`,
    );
  }
  const details = reports.flatMap((report) => [``, `${report.name}:`, ...report.details.map((line) => `  ${line}`)]);
  return [...lines, ...details, ``, `machine: ${machineLine(machine)}`, `bench wall time: ${(totalMs / 1000).toFixed(0)} s`].join(
    "\n",
  );
}

export function renderJson(reports: BenchReport[], machine: Machine, totalMs: number): string {
  return JSON.stringify({ machine, totalMs: Math.round(totalMs), benchmarks: reports }, null, 2);
}
