/**
 * Starts the real mock (`scripts/mock.ts`) as a child process for tests, and stops it by PID.
 *
 * `startMock(options?)` spawns `node --import tsx scripts/mock.ts --port 0` in the project root and
 * resolves once the mock prints `mock listening on http://127.0.0.1:<port>`, with
 * `{ url, pid, stop() }`. It rejects with the mock's stderr when the process exits first or when
 * the line does not come within `timeoutMs` (the child is then killed).
 * `stop()` sends SIGTERM to that PID (SIGKILL after 5 s) and resolves with the exit code
 * (0 = clean shutdown; null when it had to be killed). Calling it again returns the same promise.
 *
 * Usage:
 *   let mock: RunningMock;
 *   beforeAll(async () => { mock = await startMock(); });
 *   afterAll(() => mock.stop());
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { projectRoot } from "../../scripts/common.js";

export interface StartMockOptions {
  /** Spec to serve (`--spec`); default: the mock's own default, generated/openapi.json. */
  spec?: string;
  /** How long to wait for the listening line; default 30 s (tsx and Prism load slowly on a busy machine). */
  timeoutMs?: number;
}

export interface RunningMock {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** Stops the mock and resolves with its exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
}

const LISTENING = /^mock listening on (http:\/\/127\.0\.0\.1:\d+)$/;
const STOP_GRACE_MS = 5_000;

export function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const args = ["--import", "tsx", "scripts/mock.ts", "--port", "0"];
  if (options.spec !== undefined) args.push("--spec", options.spec);
  const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) return Promise.reject(new Error("could not spawn the mock process"));
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  let stopping: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => process.kill(pid, "SIGKILL"), STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })();
    return stopping;
  };

  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`mock did not start: ${reason}\n--- mock stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no listening line within ${timeoutMs} ms`), timeoutMs);
    child.once("close", (code, signal) => fail(`process exited early (code ${code}, signal ${signal})`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = LISTENING.exec(line);
      if (settled || match?.[1] === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: match[1], pid, stop });
    });
  });
}
