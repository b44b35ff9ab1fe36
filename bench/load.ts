/**
 * Benchmark (not a test; it never fails on slowness): the mock under load, next to a bare node:http
 * server and the real Kubernetes apiserver, all driven by autocannon with 50 concurrent connections for
 * 10 s in the same run, each after a 2 s warm-up (Prism compiles the Pod schema on first use).
 * - The mock (tools/servers/mock.ts, started with test/support/mock-process.ts): each request a valid
 *   JSON Patch with a token and `Prefer: example=cceHelloWorld`.
 * - The baseline: a bare node:http server (bench/support/patch-server.ts) that answers every request with
 *   that Pod JSON, in a child process of its own (this file with `--serve-baseline`), measured first.
 * - The real apiserver (tools/apiserver/control-plane.ts, v1.35 built from Go modules; skipped, with the
 *   reason printed, when its binaries are not built): the same JSON Patch, with a bearer token, on a Pod
 *   created for it. Measured twice: the same request (after the first, the image is already that one,
 *   so the apiserver reads, patches, compares and writes nothing) and the two images in turn (every
 *   request changes the Pod and writes it to etcd). It is the baseline a stateful mock must beat.
 *   autocannon does not verify the apiserver's self-signed certificate (loopback only).
 * - The stateful mock (docs/mock.md) over TLS like the apiserver, without `Prefer`, so its store answers:
 *   the same two loads on its `hello-world`, once as one process (the default) and once with
 *   `--workers 2` (two processes serve HTTP, the one started keeps the store; docs/decisions/0016).
 *   Goals against the apiserver under the same load: ≥ 3× the requests/s, a lower p99, 0 errors.
 *   The apiserver and both forms of the stateful mock run together (each warmed up, then idle while
 *   another is measured), and each load is measured on the three back to back, so that the ratios compare
 *   runs of the same minute on a machine whose other load moves.
 *
 * Prints requests/s, p50 and p99 latency, errors (connection errors, timeouts and non-2xx answers;
 * goal 0) for each, and the ratios. `benchLoad()` returns the same as a BenchReport for bench/run.ts.
 *
 * Run: npx tsx bench/load.ts
 * Exit codes: 0 when the runs completed (goal met or not), 2 when a server could not start or crashed.
 */
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { binariesFor, missingBinaries } from "../tools/apiserver/binaries.js";
import { type ControlPlane, startControlPlane } from "../tools/apiserver/control-plane.js";
import { httpsExchange } from "../tools/apiserver/http.js";
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

/** A JSON Patch setting the image of the Pod's first container. */
const imagePatch = (image: string): string => JSON.stringify([{ op: "replace", path: "/spec/containers/0/image", value: image }]);

/** The mock's request (and, with a bearer token instead, the apiserver's). */
const request = {
  headers: {
    "X-Auth-Token": "bench-load-token",
    "Content-Type": "application/json-patch+json",
    Prefer: "example=cceHelloWorld",
  },
  body: imagePatch("nginx:1.27"),
};

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  total: number;
}

/** What autocannon sends: one request over and over, or several in turn (each connection cycles through them). */
type Drive = { headers: Record<string, string>; bodies: string[]; tls?: boolean };

async function drive(
  url: string,
  durationS: number,
  load: Drive = { headers: request.headers, bodies: [request.body] },
): Promise<LoadFigures> {
  const result = await autocannon({
    url: `${url}${POD_PATH}`,
    connections: CONNECTIONS,
    duration: durationS,
    method: "PATCH",
    headers: load.headers,
    ...(load.bodies.length === 1
      ? { body: load.bodies[0] }
      : { requests: load.bodies.map((body) => ({ method: "PATCH" as const, body })) }),
  });
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

/** Creates the Pod the benchmark patches (namespace default, as the mock's path says). */
async function createBenchPod(plane: ControlPlane): Promise<void> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "hello-world" },
    spec: { containers: [{ name: "hello-world", image: "nginx:1.27" }] },
  };
  const answer = await httpsExchange({
    url: `${plane.url}/api/v1/namespaces/default/pods`,
    method: "POST",
    headers: { authorization: `Bearer ${plane.token}`, "content-type": "application/json" },
    body: JSON.stringify(pod),
    ca: plane.caCert,
  });
  if (answer.status !== 201)
    throw new Error(`could not create the benchmark Pod: ${answer.status} ${answer.body.toString("utf8").slice(0, 300)}`);
}

/** The number of workers the stateful mock is measured with besides one process (`--workers`). */
const WORKERS = 2;

/** A server the two PATCH loads are driven against, with the headers it takes. */
interface Target {
  url: string;
  headers: Record<string, string>;
  stop(): Promise<unknown>;
}

interface MixFigures {
  same: LoadFigures;
  writing: LoadFigures;
}

/** The stateful mock over TLS, one process or `--workers`, with a bearer token and no Prefer (its store answers). */
async function startStatefulMock(workers: number): Promise<Target> {
  const mock = await startMock({ tls: true, ...(workers > 1 ? { workers } : {}) });
  return { url: mock.url, headers: { authorization: "Bearer bench-load-token" }, stop: () => mock.stop() };
}

/** The real apiserver with the Pod the loads patch, or why it is not measured. */
async function startApiserver(): Promise<(Target & { version: string }) | string> {
  const missing = missingBinaries(binariesFor());
  if (missing.length > 0)
    return `real apiserver not measured: binaries not built (${missing.join(", ")}); run: npm run apiserver -- --build-only`;
  const plane = await startControlPlane();
  try {
    await createBenchPod(plane);
  } catch (error) {
    await plane.stop();
    throw error;
  }
  return {
    url: plane.url,
    version: plane.version,
    headers: { authorization: `Bearer ${plane.token}` },
    stop: () => plane.stop(),
  };
}

/**
 * The same two loads on each target — the same request, then every request a write — with the targets'
 * runs of one load back to back (apiserver, mock, mock with workers): on a machine shared with other work,
 * figures taken minutes apart compare the load of those minutes as much as the servers. All targets run
 * for the whole measurement (idle while another is measured); each is warmed up first.
 */
async function measureMixes(targets: { name: string; target: Target }[]): Promise<MixFigures[]> {
  const loads = (target: Target) => {
    const headers = { ...target.headers, "content-type": "application/json-patch+json" };
    return {
      same: { headers, bodies: [request.body] } satisfies Drive,
      writing: { headers, bodies: [imagePatch("nginx:1.28"), imagePatch("nginx:1.27")] } satisfies Drive,
    };
  };
  for (const { target } of targets) await drive(target.url, WARM_UP_S, loads(target).same);
  const figures = targets.map(() => ({}) as Partial<MixFigures>);
  for (const [mix, words] of [
    ["same", "same request"],
    ["writing", "every request a write"],
  ] as const) {
    for (const [index, { name, target }] of targets.entries()) {
      progress(`load: ${name}, ${words}: ${CONNECTIONS} connections for ${DURATION_S} s`);
      (figures[index] as Partial<MixFigures>)[mix] = await drive(target.url, DURATION_S, loads(target)[mix]);
    }
  }
  return figures as MixFigures[];
}

interface ApiserverFigures extends MixFigures {
  version: string;
}

/** The real apiserver (or why not) and the stateful mock in both forms under the same loads, back to back. */
async function measureAgainstApiserver(): Promise<{
  apiserver: ApiserverFigures | string;
  stateful: MixFigures;
  statefulWorkers: MixFigures;
}> {
  const started: Target[] = [];
  try {
    const apiserver = await startApiserver();
    if (typeof apiserver !== "string") started.push(apiserver);
    const single = await startStatefulMock(1);
    started.push(single);
    const workers = await startStatefulMock(WORKERS);
    started.push(workers);
    const targets = [
      ...(typeof apiserver === "string" ? [] : [{ name: `real apiserver ${apiserver.version}`, target: apiserver as Target }]),
      { name: "stateful mock", target: single },
      { name: `stateful mock, --workers ${WORKERS}`, target: workers },
    ];
    const figures = await measureMixes(targets);
    const [stateful, statefulWorkers] = figures.slice(-2) as [MixFigures, MixFigures];
    return {
      apiserver: typeof apiserver === "string" ? apiserver : { version: apiserver.version, ...(figures[0] as MixFigures) },
      stateful,
      statefulWorkers,
    };
  } finally {
    await Promise.all(started.map((target) => target.stop()));
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
  const { apiserver, stateful, statefulWorkers } = await measureAgainstApiserver();
  const throughputRatio = mock.requestsPerSecond / baseline.requestsPerSecond;
  const rows = [
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
  ];
  const details = [
    line("mock", mock),
    line("baseline (bare node:http, same Pod JSON)", baseline),
    `mock throughput = ${throughputRatio.toFixed(3)}× the baseline's (1/${Math.round(1 / throughputRatio)}); ` +
      `p99 ${(mock.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(1)}× the baseline's`,
  ];
  if (typeof apiserver === "string") {
    details.push(apiserver);
  } else {
    for (const [what, figures, ours, theirs] of [
      ["same request", apiserver.same, stateful.same, statefulWorkers.same],
      ["every request a write", apiserver.writing, stateful.writing, statefulWorkers.writing],
    ] as const) {
      for (const [form, measured] of [
        ["stateful mock", ours],
        [`stateful mock --workers ${WORKERS}`, theirs],
      ] as const) {
        rows.push(
          row({
            benchmark: `${form} vs real apiserver ${apiserver.version} (${what}): time per request`,
            unit: "µs",
            ours: 1e6 / measured.requestsPerSecond,
            baseline: 1e6 / figures.requestsPerSecond,
            goal: "≤ 0.33× (≥ 3× requests/s), 0 errors",
            met: measured.requestsPerSecond >= 3 * figures.requestsPerSecond && measured.errors === 0,
          }),
          row({
            benchmark: `${form} vs real apiserver ${apiserver.version} (${what}): p99 latency`,
            unit: "ms",
            ours: measured.p99Ms,
            baseline: figures.p99Ms,
            goal: "lower",
            met: measured.p99Ms < figures.p99Ms,
          }),
        );
        details.push(
          line(`${form} (TLS), ${what}`, measured),
          `${form} throughput = ${(measured.requestsPerSecond / figures.requestsPerSecond).toFixed(2)}× the real apiserver's (${what})`,
        );
      }
      rows.push(
        row({
          benchmark: `mock vs real apiserver ${apiserver.version} (${what}): time per request`,
          unit: "µs",
          ours: 1e6 / mock.requestsPerSecond,
          baseline: 1e6 / figures.requestsPerSecond,
          goal: "—",
        }),
        row({
          benchmark: `mock vs real apiserver ${apiserver.version} (${what}): p99 latency`,
          unit: "ms",
          ours: mock.p99Ms,
          baseline: figures.p99Ms,
          goal: "—",
        }),
      );
      details.push(
        line(`real apiserver ${apiserver.version}, ${what}`, figures),
        `mock throughput = ${(mock.requestsPerSecond / figures.requestsPerSecond).toFixed(2)}× the real apiserver's (${what}); ` +
          `a stateful mock aims at ≥ 3× with a lower p99`,
      );
    }
  }
  return { name: "load", rows, details };
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
