/**
 * Benchmark (not a test; it never fails on slowness): the mock under load. autocannon drives the real
 * mock process (tools/servers/mock.ts, started with test/support/mock-process.ts) with 50 concurrent
 * connections for 10 s, each request a valid JSON Patch with a token and `Prefer: example=cceHelloWorld`,
 * so the mock answers the same Pod JSON as the baseline: a bare node:http server
 * (bench/support/patch-server.ts) that answers every request with that JSON, run the same way — in a
 * child process of its own (this file with `--serve-baseline`) — and measured in the same run, first.
 * Each side gets a 2 s warm-up (Prism compiles the Pod schema on first use) before its measured run.
 *
 * Prints requests/s, p50 and p99 latency, errors (connection errors, timeouts and non-2xx answers;
 * goal 0) for both, and the ratios. `benchLoad()` returns the same as a BenchReport for bench/run.ts.
 *
 * Run: npx tsx bench/load.ts
 * Exit codes: 0 when both runs completed (goal met or not), 2 when a server could not start or crashed.
 */
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { isEntryPoint } from "../tools/pipeline/common.js";
import { startListening, startMock, type RunningProcess } from "../test/support/mock-process.js";
import { progress } from "./support/measure.js";
import { startPatchServer } from "./support/patch-server.js";
import { describeMachine, renderText, row, type BenchReport } from "./support/report.js";

const CONNECTIONS = 50;
const DURATION_S = 10;
const WARM_UP_S = 2;
const POD_PATH = "/api/v1/namespaces/default/pods/hello-world";
const BASELINE_LISTENING = /^baseline listening on (http:\/\/127\.0\.0\.1:\d+)$/;

const request = {
  method: "PATCH" as const,
  headers: {
    "X-Auth-Token": "bench-load-token",
    "Content-Type": "application/json-patch+json",
    Prefer: "example=cceHelloWorld",
  },
  body: JSON.stringify([{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }]),
};

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  total: number;
}

async function drive(url: string, durationS: number): Promise<LoadFigures> {
  const result = await autocannon({ url: `${url}${POD_PATH}`, connections: CONNECTIONS, duration: durationS, ...request });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

async function measure(name: string, server: RunningProcess): Promise<LoadFigures> {
  try {
    await drive(server.url, WARM_UP_S);
    progress(`load: ${name}: ${CONNECTIONS} connections for ${DURATION_S} s`);
    return await drive(server.url, DURATION_S);
  } finally {
    await server.stop();
  }
}

function line(name: string, figures: LoadFigures): string {
  return (
    `${name}: ${Math.round(figures.requestsPerSecond)} requests/s (${figures.total} in ${DURATION_S} s), ` +
    `p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ${figures.errors} errors`
  );
}

export async function benchLoad(): Promise<BenchReport> {
  const baseline = await measure(
    "bare node:http server",
    await startListening(["--import", "tsx", "bench/load.ts", "--serve-baseline"], BASELINE_LISTENING),
  );
  const mock = await measure("mock", await startMock());
  const throughputRatio = mock.requestsPerSecond / baseline.requestsPerSecond;
  return {
    name: "load",
    rows: [
      row({
        benchmark: `mock under load: time per request (${CONNECTIONS} connections, ${DURATION_S} s)`,
        unit: "µs",
        ours: 1e6 / mock.requestsPerSecond,
        baseline: 1e6 / baseline.requestsPerSecond,
        goal: "0 errors",
        met: mock.errors === 0,
      }),
      row({ benchmark: "mock under load: p50 latency", unit: "ms", ours: mock.p50Ms, baseline: baseline.p50Ms, goal: "—" }),
      row({ benchmark: "mock under load: p99 latency", unit: "ms", ours: mock.p99Ms, baseline: baseline.p99Ms, goal: "—" }),
    ],
    details: [
      line("mock", mock),
      line("baseline (bare node:http, same Pod JSON)", baseline),
      `mock throughput = ${throughputRatio.toFixed(3)}× the baseline's (1/${Math.round(1 / throughputRatio)}); ` +
        `p99 ${(mock.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(1)}× the baseline's`,
    ],
  };
}

async function serveBaseline(): Promise<void> {
  const server = await startPatchServer();
  console.log(`baseline listening on ${server.baseUrl}`);
  const stop = (): void => void server.close();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (isEntryPoint(import.meta.url)) {
  try {
    if (process.argv.includes("--serve-baseline")) {
      await serveBaseline();
    } else {
      const machine = describeMachine();
      const started = performance.now();
      const report = await benchLoad();
      machine.loadAverageAtEnd = loadavg().map((load) => Number(load.toFixed(2)));
      console.log(renderText([report], machine, performance.now() - started));
    }
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  }
}
