/**
 * Benchmark (not a test; it never fails on slowness): how much `tsc --noEmit` time the typed-patch type
 * tests (test/types/patches-*.ts: JSON Patch paths resolved segment by segment, strategic and apply
 * bodies walked along the merge metadata) add to the project's own type check.
 *
 * "without" is the project's tsconfig.json with those files excluded, "with" is the project as is; both
 * are temp tsconfigs that extend the project's, so compiler options and every other file are the same.
 * The two are run alternately, five times each, in the same run; the medians and their ratio are
 * printed (goal: at most 1.3x), with tsc's type-instantiation counts, which do not vary with machine load.
 *
 * Run: npx tsx bench/tsc-typed-patches.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, readText } from "../tools/pipeline/common.js";
import { median } from "./support/measure.js";

const runs = 5;
const tscPath = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
const typeTestsDir = join(projectRoot, "test", "types");
const typedPatchTests = readdirSync(typeTestsDir).filter((file) => /^patches-.*\.ts$/.test(file));

const projectConfig = JSON.parse(readText(join(projectRoot, "tsconfig.json"))) as { include: string[]; exclude?: string[] };

/** A tsconfig in `dir` that extends the project's, with the project's include list and extra excludes. */
function writeConfig(dir: string, variant: string, exclude: string[]): string {
  const path = join(dir, `tsconfig.${variant}.json`);
  const config = {
    extends: join(projectRoot, "tsconfig.json"),
    // Type roots are looked up from the config's own folder; point them back at the project.
    compilerOptions: { typeRoots: [join(projectRoot, "node_modules", "@types")] },
    include: projectConfig.include.map((entry) => join(projectRoot, entry)),
    exclude: [...(projectConfig.exclude ?? []).map((entry) => join(projectRoot, entry)), ...exclude],
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

interface Run {
  wallMs: number;
  /** Type instantiations reported by `--extendedDiagnostics`: the same on every run, unlike time. */
  instantiations: number;
}

function runTsc(config: string, variant: string): Run {
  const started = performance.now();
  const result = spawnSync(process.execPath, [tscPath, "--noEmit", "--extendedDiagnostics", "-p", config], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  const wallMs = Math.round(performance.now() - started);
  if (result.status !== 0) throw new Error(`tsc failed (${variant}):\n${result.stdout}${result.stderr}`);
  const instantiations = /^Instantiations:\s+(\d+)$/m.exec(result.stdout)?.[1];
  if (instantiations === undefined) throw new Error(`no instantiation count in tsc's diagnostics (${variant})`);
  return { wallMs, instantiations: Number(instantiations) };
}

const dir = mkdtempSync(join(tmpdir(), "tsc-typed-patches-"));
try {
  const variants = {
    without: writeConfig(
      dir,
      "without",
      typedPatchTests.map((file) => join(typeTestsDir, file)),
    ),
    with: writeConfig(dir, "with", []),
  };
  const measured: Record<keyof typeof variants, Run[]> = { without: [], with: [] };
  for (let run = 0; run < runs; run += 1) {
    for (const variant of ["without", "with"] as const) measured[variant].push(runTsc(variants[variant], variant));
  }
  const summary = (variant: keyof typeof variants) => ({
    "median ms": median(measured[variant].map((run) => run.wallMs)),
    "runs ms": measured[variant].map((run) => run.wallMs).join(" "),
    instantiations: measured[variant][0]!.instantiations,
  });
  const without = summary("without");
  const withTests = summary("with");
  const version = (JSON.parse(readText(join(projectRoot, "node_modules", "typescript", "package.json"))) as { version: string })
    .version;
  console.log(`tsc --noEmit of the project, median of ${runs} alternating runs (TypeScript ${version})`);
  console.log(`typed-patch type tests: ${typedPatchTests.join(", ")}`);
  console.table({ "without typed-patch type tests (baseline)": without, "with typed-patch type tests": withTests });
  console.log(
    `ratio with/without: ${(withTests["median ms"] / without["median ms"]).toFixed(2)}x time (goal ≤ 1.30x), ${(withTests.instantiations / without.instantiations).toFixed(2)}x instantiations`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
