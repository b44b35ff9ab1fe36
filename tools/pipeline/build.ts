/**
 * Stage: build — the main job. Runs lint → bundle → generate → docs in one process, printing one
 * line per stage with its time.
 * Input: openapi/, redocly.yaml.
 * Output: generated/ (bundle, types, client module, merge metadata, manifest — written together, only
 * after lint, bundle and generate all succeeded, so a broken spec leaves generated/ exactly as it was)
 * and build/docs/index.html.
 * Exit codes: 0 success, 1 the spec has problems (each printed as file:line:col), 2 crash.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BaseResolver } from "@redocly/openapi-core";
import { type BundledSpec, bundleDocument, bundledSpec, bundleFiles, bundleSpec, type ParsedFiles } from "./bundle.js";
import { commitFiles, type FileSet, isEntryPoint, loadRedoclyConfig, relativeToProject, runStage, timed } from "./common.js";
import { buildDocs } from "./docs.js";
import { generateFiles, transformTypes, typesPath } from "./generate.js";
import { lintSpec, type SpecSource } from "./lint.js";

/** What `npm run watch` adds to a run (tools/pipeline/watch.ts). */
export interface WatchRun {
  /** Lints the current files on the other core (tools/pipeline/lint-worker.ts); rejects with the problems. */
  lint: () => Promise<void>;
  /** The spec files parsed by earlier runs, so that only changed files are parsed again. */
  parsed: ParsedFiles;
  /** Aborted when a newer change comes in: the docs render, the run's last stage, is then dropped (watchDocs). */
  superseded: AbortSignal;
}

/**
 * One full run. Nothing is written until lint, bundle and generate succeeded — except in watch (below).
 * The docs render in a child process from a temporary copy of the new bundle.
 *
 * The build: lint and bundle share one document resolver, so every spec file is read and parsed once
 * (lint first: bundling rewrites the resolved documents in place); the docs render starts before the
 * types are generated — openapi-typescript and TypeScript are only imported then — and runs on the other
 * core.
 *
 * Watch (`watch` given), where fresh types matter most: this thread bundles (parsing only the files that
 * changed) and makes the types with openapi-typescript's transform alone (generate.ts transformTypes), and
 * generated/openapi.ts is written at once, before the spec is linted; then lint runs on the other core
 * while the rest of generate is made — the types again among it, through openapi-typescript's checked
 * path as in the build — and the rest of generated/ is written once both succeeded. If either then fails, the types written early are put back as they were (the last good
 * outputs), the problems are printed and the run ends "build failed" — generated/ at rest never holds the
 * types of a spec that fails lint (docs/pipeline.md). When both lint and bundle or generate fail, lint's
 * problems are the ones reported (they include what made the others fail). The docs start once
 * generated/ is written, unless a newer change has come in (watchDocs).
 * Resolves false when watch skipped the docs, else true.
 */
export async function buildAll(source: SpecSource = {}, watch?: WatchRun): Promise<boolean> {
  const started = performance.now();
  const config = source.config ?? (await loadRedoclyConfig());
  let docsRendered = true;
  if (watch === undefined) {
    const shared = { ...source, config, resolver: source.resolver ?? new BaseResolver(config.resolve) };
    await timed("lint", () => lintSpec(shared));
    const spec = await timed("bundle", () => bundleSpec(shared));
    const docs = startDocs(spec);
    // Handled here so a docs failure during generate is not an unhandled rejection; awaited below.
    docs.page.catch(() => undefined);
    const generated = await timed("generate", () => generateFiles(spec)).catch(async (error: unknown) => {
      await docs.page.catch(() => undefined);
      throw error;
    });
    commitFiles(new Map([...bundleFiles(spec), ...generated]));
    commitFiles(await timed("docs", () => docs.page, docs.started));
  } else {
    // Lint starts once the types are out (or bundling or typing failed): on two busy cores a worker linting
    // at the same time slows the types by more than it saves.
    let linting: Promise<void> | undefined;
    const linted = (): Promise<void> => {
      if (linting === undefined) {
        linting = timed("lint", watch.lint);
        // Handled here so that a lint failure while generating is not an unhandled rejection; awaited below.
        linting.catch(() => undefined);
      }
      return linting;
    };
    /** Lint's problems when it failed, else `error`: what a failed run reports. */
    const rootCause = async (error: unknown): Promise<never> => {
      await linted();
      throw error;
    };
    const resolver = watch.parsed.resolver(config);
    const document = await timed("bundle", () => bundleDocument({ ...source, config, resolver })).catch(rootCause);
    const types = await timed("types", () => transformTypes(document)).catch(rootCause);
    const previousTypes = existsSync(typesPath) ? readFileSync(typesPath, "utf8") : undefined;
    commitFiles(new Map([[typesPath, types]]));
    linted();
    let spec: BundledSpec;
    try {
      spec = bundledSpec(document);
      // Without `types`: generate makes them again through openapiTS() with its check, as the build does
      // (generate.ts transformTypes); its text is the one committed below.
      const generated = await timed("generate", () => generateFiles(spec)).catch(rootCause);
      await linted();
      commitFiles(new Map([...bundleFiles(spec), ...generated]));
    } catch (error) {
      if (previousTypes === undefined) rmSync(typesPath, { force: true });
      else commitFiles(new Map([[typesPath, previousTypes]]), () => undefined);
      console.log(`  put back ${relativeToProject(typesPath)}: the types of the last good run`);
      throw error;
    }
    docsRendered = await watchDocs(() => startDocs(spec, watch.superseded), watch.superseded);
  }
  console.log(`build     ok     ${Math.round(performance.now() - started)} ms`);
  return docsRendered;
}

/**
 * Watch's docs render: skipped when `superseded` is aborted before it starts, stopped when it is aborted
 * while it runs (its child process is killed). A newer change has come in then, and this page would be
 * replaced by its run's a second later: the 1–2 s render would only hold up that change's types. Resolves
 * false when skipped (the watcher then owes a render: tools/pipeline/watch.ts), else true.
 */
export async function watchDocs(
  start: () => { page: Promise<FileSet>; started: number },
  superseded: AbortSignal,
): Promise<boolean> {
  const skipped = () => {
    console.log("docs      skipped: a newer change came in; a later run renders them");
    return false;
  };
  if (superseded.aborted) return skipped();
  const docs = start();
  const outcome = await docs.page.then(
    (files) => ({ files }),
    (error: unknown) => ({ error }),
  );
  if ("error" in outcome && superseded.aborted) return skipped();
  commitFiles(
    await timed(
      "docs",
      async () => {
        if ("error" in outcome) throw outcome.error;
        return outcome.files;
      },
      docs.started,
    ),
  );
  return true;
}

/**
 * Starts rendering the docs of `spec` in a child process, from a temporary copy of its bundle (removed
 * after); `stop` kills the child.
 */
function startDocs(spec: BundledSpec, stop?: AbortSignal): { page: Promise<FileSet>; started: number } {
  const scratch = mkdtempSync(join(tmpdir(), "pod-patch-build-"));
  const bundleCopy = join(scratch, "openapi.json");
  writeFileSync(bundleCopy, spec.json);
  const page = buildDocs(bundleCopy, stop).finally(() => rmSync(scratch, { recursive: true, force: true }));
  return { page, started: performance.now() };
}

const usage = `usage: npm run build
  Runs lint -> bundle -> generate -> docs on openapi/: generated/ (written only when lint, bundle and
  generate all succeed; unchanged files are not rewritten) and build/docs/index.html. On failure the root
  cause is printed first and one last "build: failed — ..." line. Exit 0 built, 1 spec problems,
  2 usage error or crash. Takes no arguments.`;

if (isEntryPoint(import.meta.url)) {
  await runStage("build", usage, () => buildAll());
}
