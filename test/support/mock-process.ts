/**
 * Starts the real mock (`tools/servers/mock.ts`) or proxy (`tools/servers/proxy.ts`) as a child process for
 * tests and benchmarks, and stops it by PID.
 *
 * `startMock(options?)` spawns `node tools/pipeline/stage.mjs mock --port 0` (plus `--tls`,
 * `--kubeconfig <path>`, `--client-ca <path>`, `--spec <path>`, `--workers N` when asked; Node's
 * `--max-old-space-size` with `maxHeapMiB`, and any `nodeFlags`) in the project root and resolves once the mock
 * prints `mock listening on http(s)://127.0.0.1:<port>`, with `{ url, pid, stop(), stderr() }`.
 * `startProxy(options)` does the same for `proxy --port 0 --upstream <url> ...` and its
 * `proxy listening on http://127.0.0.1:<port> -> <upstream>` line.
 * `startListening(nodeArgs, pattern)` is the general form: `node <nodeArgs>` for any script that
 * announces its URL in one stdout line (the pattern's first group is the URL).
 * They reject with the child's stderr when the process exits first or when the line does not come
 * within `timeoutMs` (the child is then killed).
 * `stop()` sends SIGTERM to that PID (SIGKILL after 5 s) and resolves with the exit code
 * (0 = clean shutdown; null when it had to be killed). Calling it again returns the same promise.
 * `stderr()` returns everything the child wrote to stderr so far (the proxy's violation lines).
 * `nextLine(pattern)` resolves with the next stdout line after the listening one that matches (lines no one
 * waits for are dropped), and rejects when the process exits or `timeoutMs` passes first: for test tooling
 * preloaded with `nodeFlags` that answers on stdout (test/support/heap-probe.mjs).
 *
 * Usage:
 *   let mock: RunningMock;
 *   beforeAll(async () => { mock = await startMock(); });
 *   afterAll(() => mock.stop());
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { projectRoot } from "../../tools/pipeline/common.js";

export interface StartMockOptions {
  /** Spec to serve (`--spec`); default: the mock's own default, generated/openapi.json. */
  spec?: string;
  /** Serve HTTPS with a certificate generated at start (`--tls`). */
  tls?: boolean;
  /** With `tls`: where the mock writes a kubeconfig for kubectl (`--kubeconfig`). */
  kubeconfig?: string;
  /** `--profile`: `cce` keeps JSON Patch to CCE's documented operations. */
  profile?: "kubernetes" | "cce";
  /** With `tls`: a PEM file of the CA whose client certificates the mock requires (`--client-ca`). */
  clientCa?: string;
  /** `--workers N`: serve from N processes, the store kept by the one started. */
  workers?: number;
  /** Node's `--max-old-space-size` (MiB) for the mock's process; default: Node's own limit. */
  maxHeapMiB?: number;
  /** More Node flags for the mock's process, before the script (e.g. test/support/heap-probe.ts's preload). */
  nodeFlags?: string[];
  /** How long to wait for the listening line; default 30 s (Prism loads slowly on a busy machine). */
  timeoutMs?: number;
}

export interface StartProxyOptions {
  /** `--upstream` */
  upstream: string;
  /** More arguments, e.g. `["--errors"]`, `["--upstream-ca", path]`. */
  args?: string[];
  /** How long to wait for the listening line; default 30 s. */
  timeoutMs?: number;
}

export interface RunningProcess {
  /** Base URL, `http(s)://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** Stops the process and resolves with its exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** The next stdout line that matches, once it comes; rejects when the process exits or after `timeoutMs` (default 60 s). */
  nextLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export type RunningMock = RunningProcess;
export type RunningProxy = RunningProcess;

/**
 * Starts processes together and resolves with all of them, in order. When one fails to start, the others
 * that did are stopped before the failure is passed on: a `beforeAll` that fails never gets to assign them,
 * so its `afterAll` could not stop them (a mock left running after a loaded start timed out).
 */
export async function startTogether<const T extends readonly Promise<RunningProcess>[]>(
  ...starts: T
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(settled.map((result) => (result.status === "fulfilled" ? result.value.stop() : undefined)));
    throw failed.reason;
  }
  return settled.map((result) => (result as PromiseFulfilledResult<RunningProcess>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

const MOCK_LISTENING = /^mock listening on (https?:\/\/127\.0\.0\.1:\d+)$/;
const PROXY_LISTENING = /^proxy listening on (http:\/\/127\.0\.0\.1:\d+) -> /;
const STOP_GRACE_MS = 5_000;
const NEXT_LINE_MS = 60_000;

export function startListening(nodeArgs: string[], listening: RegExp, timeoutMs = 30_000): Promise<RunningProcess> {
  const command = `node ${nodeArgs.join(" ")}`;
  const child = spawn(process.execPath, nodeArgs, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) return Promise.reject(new Error(`could not spawn ${command}`));
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

  const waiting: { pattern: RegExp; found: (line: string) => void }[] = [];
  const nextLine = (pattern: RegExp, timeoutMs = NEXT_LINE_MS): Promise<string> =>
    new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        found: (line: string): void => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      // A waiter that timed out leaves, so that the line, should it come later, goes to the next one.
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1);
        reject(new Error(`${command}: no line matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.push(waiter);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (code ${code}) before a line matching ${pattern}\n--- stderr ---\n${stderr}`));
      });
    });

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`${command} did not start: ${reason}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no listening line within ${timeoutMs} ms`), timeoutMs);
    child.once("close", (code, signal) => fail(`process exited early (code ${code}, signal ${signal})`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (settled) {
        const index = waiting.findIndex(({ pattern }) => pattern.test(line));
        if (index >= 0) waiting.splice(index, 1)[0]?.found(line);
        return;
      }
      const match = listening.exec(line);
      if (match?.[1] === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: match[1], pid, stop, stderr: () => stderr, nextLine });
    });
  });
}

export function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const args = ["--port", "0"];
  if (options.spec !== undefined) args.push("--spec", options.spec);
  if (options.tls === true) args.push("--tls");
  if (options.kubeconfig !== undefined) args.push("--kubeconfig", options.kubeconfig);
  if (options.profile !== undefined) args.push("--profile", options.profile);
  if (options.clientCa !== undefined) args.push("--client-ca", options.clientCa);
  if (options.workers !== undefined) args.push("--workers", String(options.workers));
  const nodeFlags = [
    ...(options.maxHeapMiB === undefined ? [] : [`--max-old-space-size=${options.maxHeapMiB}`]),
    ...(options.nodeFlags ?? []),
  ];
  return startListening([...nodeFlags, "tools/pipeline/stage.mjs", "mock", ...args], MOCK_LISTENING, options.timeoutMs);
}

export function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const args = ["--port", "0", "--upstream", options.upstream, ...(options.args ?? [])];
  return startListening(["tools/pipeline/stage.mjs", "proxy", ...args], PROXY_LISTENING, options.timeoutMs);
}
