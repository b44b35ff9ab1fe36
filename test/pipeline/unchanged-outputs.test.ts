/**
 * Unchanged outputs are not rewritten: `npm run build` on a spec whose generated/ is current leaves every
 * generated file as it was, modification time included (a watcher of generated/ sees nothing to do), and
 * says so; an edit rewrites only the files whose content changed.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

let project: ProjectCopy;
beforeAll(() => {
  project = copyProject();
});
afterAll(() => project?.remove());

const mtimes = (): Record<string, number> =>
  Object.fromEntries(
    Object.keys(project.snapshotGenerated()).map((file) => [file, statSync(join(project.dir, "generated", file)).mtimeMs]),
  );

it("a build of an unchanged spec rewrites no generated file", { timeout: 120_000 }, () => {
  const before = mtimes();
  const build = project.runStage("build");
  expect(build.code, build.output).toBe(0);
  expect(mtimes()).toEqual(before);
  expect(build.output).not.toMatch(/wrote generated\//);
  expect(build.output).toContain("  unchanged generated/openapi.json");
});

it("an edited description rewrites the files that change and keeps the others", { timeout: 120_000 }, () => {
  const file = "openapi/components/schemas/ListMeta.yaml";
  const text = project.read(file);
  const edited = text.replace(/description: /, "description: Edited. ");
  expect(edited, "fixture drifted: ListMeta.yaml has no description").not.toBe(text);
  project.write(file, edited);
  const before = mtimes();
  const build = project.runStage("build");
  expect(build.code, build.output).toBe(0);
  const after = mtimes();
  const rewritten = Object.keys(after).filter((path) => after[path] !== before[path]);
  expect(rewritten.sort()).toEqual(["manifest.json", "openapi.json", "openapi.ts", "openapi.yaml"]);
});
