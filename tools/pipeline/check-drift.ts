/**
 * Stage: check:drift — fails when generated/ is not exactly what the pipeline makes from openapi/.
 * Input: openapi/, redocly.yaml, generated/.
 * Output: one line per differing, missing or unexpected file; never writes anything (it does not
 * repair generated/: run `npm run build` and commit the result).
 * Exit codes: 0 generated/ is current, 1 drift found or the spec does not build, 2 crash.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFiles, bundleSpec } from "./bundle.js";
import { generatedDir, isEntryPoint, relativeToProject, runStage } from "./common.js";
import { generateFiles } from "./generate.js";

/** Hand-written files that live in generated/ without being produced by the pipeline. */
const handWritten = new Set(["README.md"]);

/** Lists every difference between generated/ on disk and a fresh run, as printable lines. */
export async function findDrift(): Promise<string[]> {
  const spec = await bundleSpec();
  const expected = new Map([...bundleFiles(spec), ...(await generateFiles(spec))]);
  const drift: string[] = [];
  for (const [path, content] of expected) {
    if (!existsSync(path)) drift.push(`missing    ${relativeToProject(path)}`);
    else if (!readFileSync(path).equals(Buffer.from(content))) drift.push(`differs    ${relativeToProject(path)}`);
  }
  const onDisk = existsSync(generatedDir) ? readdirSync(generatedDir, { recursive: true, withFileTypes: true }) : [];
  for (const entry of onDisk) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !expected.has(path) && !handWritten.has(entry.name))
      drift.push(`unexpected ${relativeToProject(path)}`);
  }
  return drift;
}

const usage = `usage: npm run check:drift
  Compares generated/ with a fresh in-memory run of the pipeline on openapi/; writes nothing.
  Exit 0 current, 1 drift found or the spec does not build, 2 usage error or crash. Takes no arguments.`;

if (isEntryPoint(import.meta.url)) {
  await runStage("check:drift", usage, async () => {
    const drift = await findDrift();
    if (drift.length === 0) {
      console.log("generated/ matches a fresh run of the pipeline");
      return 0;
    }
    console.error(`generated/ is out of date (${drift.length} file(s)):`);
    for (const line of drift) console.error(`  ${line}`);
    console.error("check:drift: failed — run `npm run build` and commit generated/");
    return 1;
  });
}
