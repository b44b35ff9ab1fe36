// Launcher behind the npm scripts that run a TypeScript entry point: `node tools/pipeline/stage.mjs <stage> [args]`
// runs the first of tools/pipeline/<stage>.ts (lint, bundle, generate, docs, build, check-drift, watch,
// diff), tools/servers/<stage>.ts (mock, proxy), tools/apiserver/<stage>.ts (apiserver), tools/verify/<stage>.ts
// (verify-matrix), tools/checks/<stage>.ts (checks: test, typecheck, lint:code, prepare, record:apiserver) and
// src/cli/<stage>.ts (patch, verify) under plain node. Why: tsx's
// module hooks make every import of Redocly, Prism and openapi-typescript about 3× slower
// (docs/decisions/0005), which dominated `npm run build` and the start of every mock and proxy. esbuild
// transpiles the .ts files of tools/, src/ and generated/ (everything the stages
// import), file by file (no bundling, so each module keeps its own import.meta.url), into .stages/ with the
// same layout, so relative imports resolve as in the sources and bare package imports find node_modules
// above; only files changed since their last transpile are done again. Each file is written to a temporary
// name and renamed, so concurrent runs never import half a file.
// Exit codes: those of the stage; 2 when the stage does not exist or does not transpile.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Where entry points are looked up, in order. */
const entryFolders = [
  join("tools", "pipeline"),
  join("tools", "servers"),
  join("tools", "apiserver"),
  join("tools", "verify"),
  join("tools", "checks"),
  join("src", "cli"),
];
/** What the entry points import: transpiled into .stages/. */
const transpiledFolders = ["tools", "src", "generated"];

const [stage, ...args] = process.argv.slice(2);
const entryFolder =
  stage === undefined ? undefined : entryFolders.find((folder) => existsSync(join(root, folder, `${stage}.ts`)));
if (entryFolder === undefined) {
  const expected = entryFolders.map((folder) => `${folder}/<stage>.ts`).join(", ");
  console.error(`stage: no pipeline stage ${JSON.stringify(stage ?? "")} (expected one of ${expected})`);
  process.exit(2);
}

const outdir = join(root, ".stages");
const compiled = (source) => join(outdir, source.replace(/\.ts$/, ".js"));
const modifiedMs = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
// Only sources newer than their transpiled copy: a run after an unchanged one loads no esbuild at all.
const stale = transpiledFolders
  .flatMap((folder) => readdirSync(join(root, folder), { recursive: true }).map((file) => join(folder, String(file))))
  .filter((source) => source.endsWith(".ts") && modifiedMs(compiled(source)) < modifiedMs(join(root, source)));
if (stale.length > 0) {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: stale.map((source) => join(root, source)),
    outdir,
    outbase: root,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "error",
  }).catch(() => process.exit(2));
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

const entry = join(outdir, entryFolder, `${stage}.js`);
// The stage recognises itself as the entry point by comparing argv[1] with its own path.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
