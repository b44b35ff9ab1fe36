/**
 * Benchmark: how long `startControlPlane()` (tools/apiserver/control-plane.ts) takes from nothing to a
 * `/readyz` that answers `ok`, with built binaries, on this machine. Goal: ≤ 15 s on 2 cores.
 * Baseline, measured in the same run: starting the same two binaries only to print their versions — the
 * cost of loading ~130 MB of executables, which no readiness work can beat.
 * Usage: npx tsx bench/apiserver-start.ts. Output: the median of five starts and of five baselines, and
 * the ratio. Needs the built binaries (npm run apiserver -- --build-only).
 */
import { execFileSync } from "node:child_process";
import { binariesFor } from "../tools/apiserver/binaries.js";
import { startControlPlane } from "../tools/apiserver/control-plane.js";
import { median } from "./support/measure.js";

const runs = 5;
const binaries = binariesFor();
const starts: number[] = [];
const baselines: number[] = [];
for (let run = 0; run < runs; run += 1) {
  const baselineStarted = performance.now();
  execFileSync(binaries.etcd, ["--version"], { stdio: "ignore" });
  execFileSync(binaries.kubeApiserver, ["--version"], { stdio: "ignore" });
  baselines.push(performance.now() - baselineStarted);
  const started = performance.now();
  const plane = await startControlPlane();
  starts.push(performance.now() - started);
  await plane.stop();
}
const startMs = median(starts);
const baselineMs = median(baselines);
console.log(
  `control plane ready (Kubernetes ${binaries.kubernetesVersion}): median ${(startMs / 1000).toFixed(2)} s of ${runs} (goal ≤ 15 s)`,
);
console.log(`baseline (both binaries print their version): median ${(baselineMs / 1000).toFixed(2)} s`);
console.log(`ratio: ${(startMs / baselineMs).toFixed(1)}×`);
