/**
 * vitest globalSetup of the `contract` project (vitest.config.ts): starts one mock process
 * (test/support/mock-process.ts: `node tools/pipeline/stage.mjs mock --port 0`) for every contract test file
 * that talks to the plain-HTTP mock, provides its URL as `inject("mockUrl")`, and stops it by PID after
 * the last file. One process instead of one per file saves each file Prism's start-up and its compiling
 * of the body schemas on first use (about 3 s of CPU each on this machine).
 * Teardown fails the run (exit code 1) when the mock wrote anything to stderr (where it logs internal
 * failures) or did not exit with 0 on SIGTERM. Files that need another mock (TLS, another spec) start
 * their own.
 */
import type { TestProject } from "vitest/node";
import { startMock } from "./mock-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the shared plain-HTTP mock, `http://127.0.0.1:<port>`. */
    mockUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mock = await startMock();
  project.provide("mockUrl", mock.url);
  return async () => {
    const code = await mock.stop();
    const problems = [
      ...(mock.stderr() === ""
        ? []
        : [`the shared mock wrote to stderr (internal failures are logged there):\n${mock.stderr()}`]),
      ...(code === 0 ? [] : [`the shared mock exited with ${code} after SIGTERM (expected 0)`]),
    ];
    if (problems.length === 0) return;
    // vitest prints an error thrown here but still exits 0, so the exit code is set as well.
    process.exitCode = 1;
    throw new Error(problems.join("\n"));
  };
}
