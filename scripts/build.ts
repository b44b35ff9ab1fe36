/**
 * Stage: build — the main job. Runs lint → bundle → generate → docs in one process, printing one
 * line per stage with its time.
 * Input: openapi/, redocly.yaml.
 * Output: generated/ (bundle, types, client module, manifest — written together, only after lint,
 * bundle and generate all succeeded, so a broken spec leaves generated/ exactly as it was) and
 * build/docs/index.html.
 * Exit codes: 0 success, 1 the spec has problems (each printed as file:line:col), 2 crash.
 */
import { bundleFiles, bundleJsonPath, bundleSpec } from "./bundle.js";
import { commitFiles, runStage, timed } from "./common.js";
import { buildDocs } from "./docs.js";
import { generateFiles } from "./generate.js";
import { lintSpec } from "./lint.js";

await runStage(async () => {
  const started = performance.now();
  await timed("lint", lintSpec);
  const spec = await timed("bundle", bundleSpec);
  const generated = await timed("generate", () => generateFiles(spec));
  commitFiles(new Map([...bundleFiles(spec), ...generated]));
  commitFiles(await timed("docs", () => buildDocs(bundleJsonPath)));
  console.log(`build     ok     ${Math.round(performance.now() - started)} ms`);
});
