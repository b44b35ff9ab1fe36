/**
 * Measuring helpers shared by the benchmarks in bench/: medians, variants run alternately so machine
 * load hits ours and the baseline alike, and timed child processes. Progress goes to stderr, so
 * `npm run bench -- --json` keeps stdout for the JSON document.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { redoclyEnv } from "../../tools/pipeline/common.js";

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The ratio of ours to a baseline measured back to back with it: the median of the per-run ratios, so a
 * run slowed by other load on the machine slows both sides of its own ratio instead of one side's median.
 */
export function pairedRatio(ours: readonly number[], baseline: readonly number[]): number {
  if (ours.length !== baseline.length) throw new Error("pairedRatio: runs do not pair up");
  return median(ours.map((value, run) => value / baseline[run]!));
}

/** Progress line on stderr. */
export function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/**
 * Runs every variant once per run, in turn, `runs` times, and returns each variant's timings (ms) in
 * run order. The first variant alternates between runs so neither side always goes first.
 */
export async function alternate<Name extends string>(
  variants: Record<Name, () => Promise<unknown> | unknown>,
  runs: number,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(variants) as Name[];
  const timings = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let run = 0; run < runs; run += 1) {
    const order = run % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await variants[name]();
      timings[name].push(performance.now() - started);
    }
  }
  return timings;
}

export interface CommandRun {
  ms: number;
  status: number | null;
  output: string;
}

/**
 * Runs a command to completion and times it; `check` throws with its output when it exits non-zero.
 * The environment defaults to tools/pipeline/common.ts's Redocly one (no telemetry, no update check: no network).
 */
export function timeCommand(command: string, args: string[], options: SpawnSyncOptions & { check?: boolean } = {}): CommandRun {
  const { check = true, ...spawnOptions } = options;
  const started = performance.now();
  const result = spawnSync(command, args, { env: redoclyEnv, maxBuffer: 64 * 1024 * 1024, ...spawnOptions, encoding: "utf8" });
  const ms = performance.now() - started;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error) throw result.error;
  if (check && result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status}:\n${output.slice(-4000)}`);
  }
  return { ms, status: result.status, output };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function times(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}
