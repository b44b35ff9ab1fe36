/**
 * `npm run bench` — runs the benchmarks of bench/ one after another and prints one summary table
 * (benchmark | ours | baseline | ratio | goal | met?) with detail lines per benchmark, and the machine.
 * Each baseline is measured in the same run as ours. Benchmarks report figures: a missed goal prints
 * "no" and never fails the run.
 *
 * Usage: npm run bench [-- --quick] [-- --json] [-- --only size,client,load,scale,pipeline,hostile,suite]
 *   --quick  skip the `npm test` wall-time measurement (the slowest part).
 *   --json   print one JSON document on stdout instead of the table (progress stays on stderr).
 *   --only   run just the named benchmarks, in the order given.
 * Exit codes: 0 when every benchmark ran (goals met or not), 2 when one crashed (the others still run
 * and are printed), or for bad arguments.
 */
import { loadavg } from "node:os";
import { CliUsageError, parseCli } from "../tools/cli-args.js";
import { progress } from "./support/measure.js";
import { describeMachine, renderJson, renderText, type BenchReport } from "./support/report.js";

const usage = `usage: npm run bench [-- --quick] [-- --json] [-- --only size,client,load,scale,pipeline,hostile,suite]
  --quick        skip the npm test wall-time measurement (the slowest part)
  --json         one JSON document on stdout instead of the table (progress stays on stderr)
  --only <list>  just the named benchmarks, in the order given
  Every figure is printed next to a baseline measured in the same run. Exit 0 all ran, 2 one crashed or usage error.`;

let parsed: ReturnType<typeof parseBenchArgs>;
try {
  parsed = parseBenchArgs();
} catch (error) {
  if (!(error instanceof CliUsageError)) throw error;
  console.error(`bench: ${error.message}\n${error.usage}`);
  process.exit(2);
}
if (parsed === "help") process.exit(0);
const { values } = parsed;

function parseBenchArgs() {
  return parseCli(process.argv.slice(2), usage, {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    only: { type: "string" },
  });
}

// Each imported only when it runs: --help and a usage error load none of them.
const benchmarks: Record<string, () => Promise<BenchReport>> = {
  size: async () => (await import("./size.js")).benchSize(),
  client: async () => (await import("./client.js")).benchClient(),
  load: async () => (await import("./load.js")).benchLoad(),
  scale: async () => (await import("./scale.js")).benchScale(),
  pipeline: async () => (await import("./pipeline.js")).benchPipeline(),
  hostile: async () => (await import("./hostile.js")).benchHostile(),
  suite: async () => (await import("./suite.js")).benchSuite({ npmTest: !values.quick }),
};

const selected = values.only === undefined ? Object.keys(benchmarks) : values.only.split(",").map((name) => name.trim());
const unknown = selected.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}\n${usage}`);
  process.exit(2);
}

const machine = describeMachine();
const started = performance.now();
const reports: BenchReport[] = [];
for (const name of selected) {
  const benchStarted = performance.now();
  try {
    reports.push(await benchmarks[name]!());
    progress(`${name} done in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`bench: ${name} crashed:\n${message}`);
    reports.push({ name, rows: [], details: [`CRASHED: ${message.split("\n")[0]}`] });
    process.exitCode = 2;
  }
}
machine.loadAverageAtEnd = loadavg().map((load) => Number(load.toFixed(2)));
const totalMs = performance.now() - started;
console.log(values.json ? renderJson(reports, machine, totalMs) : renderText(reports, machine, totalMs));
