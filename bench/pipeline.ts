/**
 * Benchmark: the full `npm run build` against the same tools run one after another as separate CLIs
 * from node_modules/.bin with the options the pipeline uses — `redocly lint`, `redocly bundle`,
 * `openapi-typescript` (run from a folder without redocly.yaml, as the stage calls it without Redocly
 * config), `redocly build-docs` (the flags of tools/pipeline/docs.ts) — on the same spec. Both run in a
 * throw-away copy of the project (test/support/project-copy.ts), so the shared checkout's generated/
 * and build/ are never written. Runs alternate; the ratio is the median of the per-run ratios; goal
 * ≤ 0.8×. Where the time goes: the build's own stage lines and the start-up pieces (npm, the stage
 * launcher, library imports) timed alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readText } from "../tools/pipeline/common.js";
import { copyProject } from "../test/support/project-copy.js";
import { median, pairedRatio, progress, seconds, timeCommand } from "./support/measure.js";
import { row, type BenchReport } from "./support/report.js";

const runs = 5;
const stages = ["lint", "bundle", "generate", "docs", "build"] as const;
type Stage = (typeof stages)[number];

/** `lint      ok     1139 ms` lines of tools/pipeline/build.ts → ms per stage ("build" is the in-process total). */
function stageTimes(output: string): Record<Stage, number> {
  const found = {} as Record<Stage, number>;
  for (const stage of stages) {
    const match = new RegExp(`^${stage}\\s+ok\\s+(\\d+) ms$`, "m").exec(output);
    if (!match) throw new Error(`pipeline: no "${stage} ok" line in the build's output:\n${output.slice(-2000)}`);
    found[stage] = Number(match[1]);
  }
  return found;
}

export async function benchPipeline(): Promise<BenchReport> {
  const copy = copyProject();
  const out = mkdtempSync(join(tmpdir(), "bench-cli-"));
  try {
    const bin = (tool: string) => join(copy.dir, "node_modules", ".bin", tool);
    const bundlePath = join(out, "openapi.json");
    const title = (JSON.parse(readText(join(copy.dir, "generated", "openapi.json"))) as { info: { title: string } }).info.title;
    const cliSteps: Array<[string, string, string[], string]> = [
      ["redocly lint", bin("redocly"), ["lint", "openapi/openapi.yaml", "--config", "redocly.yaml"], copy.dir],
      [
        "redocly bundle",
        bin("redocly"),
        ["bundle", "openapi/openapi.yaml", "--config", "redocly.yaml", "--output", bundlePath],
        copy.dir,
      ],
      [
        "openapi-typescript",
        bin("openapi-typescript"),
        [bundlePath, "--output", join(out, "openapi.ts"), "--default-non-nullable", "false", "--empty-objects-unknown"],
        out,
      ],
      [
        "redocly build-docs",
        bin("redocly"),
        [
          "build-docs",
          bundlePath,
          "--config",
          "redocly.yaml",
          "--output",
          join(out, "index.html"),
          "--title",
          title,
          "--inlineBundle",
          "--openapi.disableTelemetry=true",
        ],
        copy.dir,
      ],
    ];

    const build: Array<{ ms: number; stages: Record<Stage, number> }> = [];
    const clis: Array<{ ms: number; steps: number[] }> = [];
    const runBuild = () => {
      const run = timeCommand("npm", ["run", "build"], { cwd: copy.dir });
      build.push({ ms: run.ms, stages: stageTimes(run.output) });
    };
    const runClis = () => {
      const steps = cliSteps.map(([, command, args, cwd]) => timeCommand(command, args, { cwd }).ms);
      clis.push({ ms: steps.reduce((sum, ms) => sum + ms, 0), steps });
    };
    for (let run = 0; run < runs; run += 1) {
      progress(`pipeline: run ${run + 1}/${runs} (npm run build and the four CLIs)`);
      if (run % 2 === 0) {
        runBuild();
        runClis();
      } else {
        runClis();
        runBuild();
      }
    }
    // What the build pays before its first stage, each alone in a fresh process, over a bare `node`.
    const time = (command: string, args: string[]) => timeCommand(command, args, { cwd: copy.dir }).ms;
    const nodeMs = time(process.execPath, ["--eval", "0"]);
    const overNode = (command: string, code: string) => seconds(time(command, ["--eval", code]) - nodeMs);
    const importing = (module: string) =>
      `${overNode(process.execPath, `import(${JSON.stringify(module)})`)} in node, ${overNode(bin("tsx"), `import(${JSON.stringify(module)})`)} through tsx`;
    const startup = [
      `npm ${seconds(time("npm", ["--version"]) - nodeMs)}`,
      `tsx ${overNode(bin("tsx"), "0")} (why npm run build does not use it: tools/pipeline/stage.mjs)`,
      `importing @redocly/openapi-core ${importing("@redocly/openapi-core")}`,
      `importing openapi-typescript (loads TypeScript) ${importing("openapi-typescript")}`,
    ];

    const buildMs = median(build.map((run) => run.ms));
    const clisMs = median(clis.map((run) => run.ms));
    const stageMedian = (stage: Stage) => median(build.map((run) => run.stages[stage]));
    const cliMedian = (index: number) => median(clis.map((run) => run.steps[index]!));
    const ratio = pairedRatio(
      build.map((run) => run.ms),
      clis.map((run) => run.ms),
    );
    return {
      name: "pipeline (npm run build vs the same tools as separate CLIs, in a copy of the project)",
      rows: [
        row({
          benchmark: "build: npm run build vs 4 separate CLIs",
          unit: "s",
          ours: buildMs / 1000,
          baseline: clisMs / 1000,
          ratio,
          goal: "≤ 0.80×",
          met: ratio <= 0.8,
        }),
      ],
      details: [
        `${runs} alternating runs (figures: medians; ratio: median of per-run ratios): npm run build ${build.map((run) => seconds(run.ms)).join(", ")}; CLIs ${clis.map((run) => seconds(run.ms)).join(", ")}`,
        `separate CLIs ${seconds(clisMs)}: ${cliSteps.map(([name], index) => `${name} ${seconds(cliMedian(index))}`).join(", ")}`,
        `npm run build ${seconds(buildMs)} = in-process stages ${seconds(stageMedian("build"))} (lint ${stageMedian("lint")} ms, bundle ${stageMedian("bundle")} ms, generate ${stageMedian("generate")} ms, docs ${stageMedian("docs")} ms: a child process running redocly build-docs) + start-up ${seconds(buildMs - stageMedian("build"))}`,
        `start-up pieces, each alone in a fresh process, over a bare node: ${startup.join("; ")}`,
        ...(ratio <= 0.8
          ? []
          : ["goal missed: see the start-up line; the docs stage also starts a second node that loads Redocly's CLI again"]),
      ],
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    copy.remove();
  }
}
