/**
 * Stage: build — the main job. Runs lint → bundle → generate → docs in one process, printing one
 * line per stage with its time.
 * Input: openapi/, redocly.yaml.
 * Output: generated/ (bundle, types, client module, merge metadata, manifest — written together, only
 * after lint, bundle and generate all succeeded, so a broken spec leaves generated/ exactly as it was)
 * and build/docs/index.html.
 * Exit codes: 0 success, 1 the spec has problems (each printed as file:line:col), 2 crash.
 */
import { BaseResolver } from "@redocly/openapi-core";
import { bundleFiles, bundleJsonPath, bundleSpec } from "./bundle.js";
import { commitFiles, isEntryPoint, loadRedoclyConfig, runStage, timed } from "./common.js";
import { buildDocs } from "./docs.js";
import { generateFiles } from "./generate.js";
import { lintSpec, type SpecSource } from "./lint.js";

/**
 * One full run. Lint and bundle share one document resolver, so every spec file is read and parsed
 * once; types and client are written before the slower docs stage starts.
 */
export async function buildAll(source: SpecSource = {}): Promise<void> {
  const started = performance.now();
  const config = source.config ?? (await loadRedoclyConfig());
  const shared = { ...source, config, resolver: source.resolver ?? new BaseResolver(config.resolve) };
  await timed("lint", () => lintSpec(shared));
  const spec = await timed("bundle", () => bundleSpec(shared));
  const generated = await timed("generate", () => generateFiles(spec));
  commitFiles(new Map([...bundleFiles(spec), ...generated]));
  commitFiles(await timed("docs", () => buildDocs(bundleJsonPath)));
  console.log(`build     ok     ${Math.round(performance.now() - started)} ms`);
}

if (isEntryPoint(import.meta.url)) {
  await runStage(() => buildAll());
}
