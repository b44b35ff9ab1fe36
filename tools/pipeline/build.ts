/**
 * Stage: build — the main job. Runs lint → bundle → generate → docs in one process, printing one
 * line per stage with its time.
 * Input: openapi/, redocly.yaml.
 * Output: generated/ (bundle, types, client module, merge metadata, manifest — written together, only
 * after lint, bundle and generate all succeeded, so a broken spec leaves generated/ exactly as it was)
 * and build/docs/index.html.
 * Exit codes: 0 success, 1 the spec has problems (each printed as file:line:col), 2 crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BaseResolver } from "@redocly/openapi-core";
import { bundleFiles, bundleSpec } from "./bundle.js";
import { commitFiles, isEntryPoint, loadRedoclyConfig, runStage, timed } from "./common.js";
import { buildDocs } from "./docs.js";
import { generateFiles } from "./generate.js";
import { lintSpec, type SpecSource } from "./lint.js";

/**
 * One full run. Lint and bundle share one document resolver, so every spec file is read and parsed
 * once (lint first: bundling rewrites the resolved documents in place). The docs render in a child
 * process from a temporary copy of the new bundle; with `docs: "alongside-types"` (the build) it
 * starts before the types are generated — openapi-typescript and TypeScript are only imported then —
 * and runs on the other core, with `docs: "after-types"` (watch, where fresh types matter most) it
 * starts once they are written. Nothing is written until lint, bundle and generate succeeded.
 * `lintElsewhere` (watch: tools/pipeline/lint-worker.ts) lints on the other core while this thread bundles
 * and generates; the writes still wait for it, and when both fail its problems are the ones reported
 * (they include what made the bundle fail).
 */
export async function buildAll(
  source: SpecSource = {},
  docs: "alongside-types" | "after-types" = "alongside-types",
  lintElsewhere?: () => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const config = source.config ?? (await loadRedoclyConfig());
  const shared = { ...source, config, resolver: source.resolver ?? new BaseResolver(config.resolve) };
  const linted = lintElsewhere === undefined ? undefined : timed("lint", lintElsewhere);
  // Handled here so that a lint failure while bundling is not an unhandled rejection; awaited below.
  linted?.catch(() => undefined);
  if (linted === undefined) await timed("lint", () => lintSpec(shared));
  const spec = await timed("bundle", () => bundleSpec(shared)).catch(async (error: unknown) => {
    await linted;
    throw error;
  });
  const scratch = mkdtempSync(join(tmpdir(), "pod-patch-build-"));
  try {
    const bundleCopy = join(scratch, "openapi.json");
    writeFileSync(bundleCopy, spec.json);
    let docsStarted = performance.now();
    let page = docs === "alongside-types" ? buildDocs(bundleCopy) : undefined;
    // Handled here so a docs failure during generate is not an unhandled rejection; awaited below.
    page?.catch(() => undefined);
    const generated = await timed("generate", () => generateFiles(spec)).catch(async (error: unknown) => {
      await page?.catch(() => undefined);
      await linted;
      throw error;
    });
    await linted;
    commitFiles(new Map([...bundleFiles(spec), ...generated]));
    if (page === undefined) {
      docsStarted = performance.now();
      page = buildDocs(bundleCopy);
    }
    commitFiles(await timed("docs", () => page, docsStarted));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`build     ok     ${Math.round(performance.now() - started)} ms`);
}

const usage = `usage: npm run build
  Runs lint -> bundle -> generate -> docs on openapi/: generated/ (written only when lint, bundle and
  generate all succeed; unchanged files are not rewritten) and build/docs/index.html. On failure the root
  cause is printed first and one last "build: failed — ..." line. Exit 0 built, 1 spec problems,
  2 usage error or crash. Takes no arguments.`;

if (isEntryPoint(import.meta.url)) {
  await runStage("build", usage, () => buildAll());
}
