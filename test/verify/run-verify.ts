/**
 * `npm run verify` as a user runs it, for the verify tests: `runVerifyCli(args)` starts
 * `node tools/pipeline/stage.mjs verify …` in the project and resolves with its exit code, stdout and
 * stderr (never rejects: a failing run is what several tests want to see).
 */
import { execFile } from "node:child_process";
import { projectRoot } from "../../tools/pipeline/common.js";

export interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runVerifyCli(args: string[]): Promise<VerifyRun> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      ["tools/pipeline/stage.mjs", "verify", ...args],
      { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolveRun({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}
