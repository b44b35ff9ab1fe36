/**
 * Benchmark: wall time of the project's own checks, once each — `tsc --noEmit` (the project's
 * tsconfig.json) and, unless --quick, the whole `npm test` (goal ≤ 60 s). Both run on the shared
 * checkout as they are; a failing run is reported with its exit code, it does not stop the bench.
 */
import { join } from "node:path";
import { projectRoot } from "../tools/pipeline/common.js";
import { progress, seconds, timeCommand, type CommandRun } from "./support/measure.js";
import { row, type BenchReport, type Row } from "./support/report.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with the ESC control character.
const withoutColours = (output: string): string => output.replace(/\u001b\[[0-9;]*m/g, "");

/** vitest's summary lines (`Test Files …`, `Tests …`). */
function vitestSummary(output: string): string {
  return withoutColours(output)
    .split("\n")
    .filter((line) => /^\s*(Test Files|Tests)\s/.test(line))
    .map((line) => line.trim().replace(/\s+/g, " "))
    .join("; ");
}

/** The slowest test files from vitest's per-file lines (`✓  unit  test/x.test.ts (12 tests) 3456ms`; the project name is optional). */
function slowestFiles(output: string, count: number): string {
  const files = [
    ...withoutColours(output).matchAll(/^\s*[✓×❯]\s+(?:\S+\s+)?(\S+\.test\.ts)\s+\(\d+ tests?[^)]*\)\s+(\d+)ms/gm),
  ].map((match): [string, number] => [match[1]!, Number(match[2])]);
  return files
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([file, ms]) => `${file} ${seconds(ms)}`)
    .join(", ");
}

function outcome(run: CommandRun): string {
  return run.status === 0 ? "passed" : `FAILED (exit ${run.status})`;
}

export async function benchSuite(options: { npmTest: boolean }): Promise<BenchReport> {
  progress("suite: tsc --noEmit");
  const tsc = timeCommand(
    process.execPath,
    [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", projectRoot],
    { cwd: projectRoot, check: false },
  );
  const rows: Row[] = [row({ benchmark: "tsc --noEmit (whole project)", unit: "s", ours: tsc.ms / 1000, goal: "—" })];
  const details = [`tsc --noEmit: ${seconds(tsc.ms)}, ${outcome(tsc)}`];
  if (options.npmTest) {
    progress("suite: npm test (tsc --noEmit && vitest run)");
    const test = timeCommand("npm", ["test"], { cwd: projectRoot, check: false });
    rows.push(row({ benchmark: "npm test wall time", unit: "s", ours: test.ms / 1000, goal: "≤ 60 s", met: test.ms <= 60_000 }));
    details.push(`npm test: ${seconds(test.ms)}, ${outcome(test)}; ${vitestSummary(test.output)}`);
    details.push(`slowest test files (vitest runs 2 at a time): ${slowestFiles(test.output, 5)}`);
  } else {
    details.push("npm test: skipped (--quick)");
  }
  return { name: "suite (shared checkout, once each)", rows, details };
}
