/**
 * Benchmark (not a test; it never fails on slowness): how long after saving a schema file
 * `npm run watch` has generated/openapi.ts up to date, against a plain `npm run generate`
 * measured in the same run.
 *
 * Both run in a throw-away project copy (test/support/project-copy.ts). One save is made as soon as the
 * watcher's first build is reported (the cold path, what a user who saves before `warm ok` meets; printed
 * apart); the rounds start once the watcher says it is warm (`warm ok`, after the warm-up passes that the
 * cold save paused: tools/pipeline/watch.ts), as a user reads it; the times from the spawn to both lines
 * are printed too. After the rounds, one save is made while the previous run renders its docs (the busy
 * path), also printed apart. No save is discarded. Each round first
 * spawns the baseline, then, with the watcher idle, writes ListMeta.yaml with a new property and times
 * from just before the write until generated/openapi.ts contains it (seen through fs.watch on
 * generated/, i.e. once the watcher's rename is visible). The watcher's own stage lines give the split of
 * that time. Rounds alternate the two so that load from other work on the machine hits both alike;
 * medians are reported.
 *
 * Run: npx tsx bench/watch.ts
 */
import { spawn, spawnSync } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { copyProject } from "../test/support/project-copy.js";
import { median } from "./support/measure.js";

const rounds = 7;
const schemaFile = "openapi/components/schemas/ListMeta.yaml";
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

const project = copyProject();
const spawned = performance.now();
const watcher = spawn(process.execPath, ["tools/pipeline/stage.mjs", "watch"], { cwd: project.dir, env });
let output = "";
let onOutput: (() => void) | undefined;
watcher.stdout.on("data", (chunk: Buffer) => {
  output += chunk.toString();
  onOutput?.();
});
watcher.stderr.on("data", (chunk: Buffer) => {
  output += chunk.toString();
});

/** Resolves with the ms from the spawn until the watcher printed a line matching `pattern`. */
function printed(pattern: RegExp): Promise<number> {
  return new Promise((resolve) => {
    onOutput = () => {
      if (pattern.test(output)) resolve(performance.now() - spawned);
    };
    onOutput();
  });
}

/** Resolves when the watcher has finished `count` runs (each ends with a `build ok` or `build failed` line). */
function runsFinished(count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    onOutput = () => {
      const finished = output.match(/^build +(ok|failed) /gm)?.length ?? 0;
      if (finished >= count) resolve();
      if (/^build +failed /m.test(output)) reject(new Error(`the watcher failed a run:\n${output}`));
    };
    onOutput();
  });
}

/** Writes the schema with property `marker` added. */
function saveWith(marker: string): void {
  project.write(
    schemaFile,
    project
      .read(schemaFile)
      .replace("\nproperties:\n", `\nproperties:\n  ${marker}:\n    description: Added by bench/watch.ts.\n    type: string\n`),
  );
}

/** Resolves when the watcher's output holds more than `count` lines matching `pattern` (flags gm). */
function linesPrinted(pattern: RegExp, count: number): Promise<void> {
  return new Promise((resolve) => {
    onOutput = () => {
      if ((output.match(pattern)?.length ?? 0) > count) resolve();
    };
    onOutput();
  });
}

/** Writes the schema with property `marker` and resolves with the ms until generated/openapi.ts has it. */
function saveUntilFreshTypes(marker: string): Promise<number> {
  return new Promise((resolve) => {
    const generated = watch(join(project.dir, "generated"), () => {
      if (project.read("generated/openapi.ts").includes(marker)) {
        generated.close();
        resolve(performance.now() - started);
      }
    });
    const started = performance.now();
    saveWith(marker);
  });
}

/** Median of each stage's time over the rounds' runs (not the initial build's nor the cold save's). */
function stageMedians(): string {
  const runs = output.split(/^run {7}/m).slice(3, 3 + rounds);
  return ["lint", "bundle", "types", "generate", "docs"]
    .map((stage) => {
      const times = runs.flatMap((run) =>
        [...run.matchAll(new RegExp(`^${stage} +ok +(\\d+) ms$`, "gm"))].map((match) => Number(match[1])),
      );
      return `${stage} ${median(times)} ms`;
    })
    .join(", ");
}

try {
  const firstBuildMs = await printed(/^build +ok /m);
  const coldMs = await saveUntilFreshTypes("benchProbeCold");
  await runsFinished(2);
  const warmMs = await printed(/^warm +ok /m);
  const baselineMs: number[] = [];
  const watchMs: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    const baseline = spawnSync("npm", ["run", "--silent", "generate"], { cwd: project.dir, env, encoding: "utf8" });
    baselineMs.push(Math.round(performance.now() - started));
    if (baseline.status !== 0) throw new Error(`npm run generate failed:\n${baseline.stdout}${baseline.stderr}`);
    watchMs.push(Math.round(await saveUntilFreshTypes(`benchProbe${round}`)));
    await runsFinished(round + 3);
  }
  // A save made while the previous run renders its docs (just after it wrote generated/): that run drops
  // its render (tools/pipeline/build.ts watchDocs), so the save waits for nothing it needs.
  const bundleWritten = /^ {2}wrote generated\/openapi\.json$/gm;
  const bundlesSoFar = output.match(bundleWritten)?.length ?? 0;
  saveWith("benchBusyBefore");
  await linesPrinted(bundleWritten, bundlesSoFar);
  const busyMs = await saveUntilFreshTypes("benchBusyAfter");
  await runsFinished(rounds + 4);
  const baseline = median(baselineMs);
  const fresh = median(watchMs);
  console.log(`save → fresh generated/openapi.ts, median of ${rounds} rounds`);
  console.table({
    "npm run generate (baseline)": { "median ms": baseline, "runs ms": baselineMs.join(" ") },
    "npm run watch: save → fresh types": { "median ms": fresh, "runs ms": watchMs.join(" ") },
  });
  console.log(`watch stages (median): ${stageMedians()}`);
  console.log(
    `watcher start → first build ok ${Math.round(firstBuildMs)} ms, → warm ok ${Math.round(warmMs)} ms (${/^warm +ok .*$/m.exec(output)?.[0]})`,
  );
  console.log(`cold save (at once after the first build, before warm ok): ${Math.round(coldMs)} ms to fresh types`);
  console.log(
    `save during the previous run's docs render: ${Math.round(busyMs)} ms to fresh types (${/^docs +skipped.*$/m.exec(output)?.[0] ?? "no docs render was skipped"})`,
  );
  console.log(`ratio watch/baseline: ${(fresh / baseline).toFixed(2)}x (goal: save → fresh types ≤ 300 ms)`);
} finally {
  watcher.kill("SIGTERM");
  await new Promise((resolve) => watcher.on("exit", resolve));
  project.remove();
}
