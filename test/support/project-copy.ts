/**
 * A throw-away copy of the project (spec, tools/, src/, generated/) in a temp dir, sharing node_modules,
 * so tests can break the spec and run real pipeline stages without touching the working tree.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { projectRoot, sha256 } from "../../tools/pipeline/common.js";

const copied = ["openapi", "tools", "src", "generated", "redocly.yaml", "package.json", "tsconfig.json"];

export interface ProjectCopy {
  dir: string;
  read(path: string): string;
  write(path: string, content: string): void;
  /** Runs a pipeline stage in the copy the way its npm script does (`node tools/pipeline/stage.mjs <stage>`). */
  runStage(stage: string): { code: number | null; output: string; stderr: string };
  /** sha256 of every file under generated/, keyed by relative path. */
  snapshotGenerated(): Record<string, string>;
  remove(): void;
}

/** `extra`: more files or folders of the project to copy (for runs that need tests or benchmarks too). */
export function copyProject(extra: string[] = []): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), "pod-patch-copy-"));
  for (const entry of [...copied, ...extra]) cpSync(join(projectRoot, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(projectRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return {
    dir,
    read: (path) => readFileSync(join(dir, path), "utf8"),
    write: (path, content) => writeFileSync(join(dir, path), content),
    runStage(stage) {
      const result = spawnSync(process.execPath, [join("tools", "pipeline", "stage.mjs"), stage], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        timeout: 120_000,
      });
      return { code: result.status, output: `${result.stdout}${result.stderr}`, stderr: result.stderr };
    },
    snapshotGenerated() {
      const root = join(dir, "generated");
      const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      return Object.fromEntries(
        files.map((entry) => {
          const path = join(entry.parentPath, entry.name);
          return [relative(root, path), sha256(readFileSync(path))];
        }),
      );
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
