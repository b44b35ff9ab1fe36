/**
 * Benchmark: the full `verify` (schema drift + every dry-run probe, with a throwaway Pod) against the
 * project's own Kubernetes 1.35 control plane on this machine. Goal: ≤ 30 s on 2 cores.
 * Baseline, measured in the same run: as many sequential `GET /version` requests as verify sent, so the
 * ratio says how much verify costs beyond the round trips themselves.
 * Usage: npx tsx bench/verify.ts. Output: one line each for verify's time, its request and probe counts,
 * the baseline and the ratio. Needs the built binaries (npm run apiserver -- --build-only).
 */
import { startControlPlane } from "../tools/apiserver/control-plane.js";
import { recordingTransport } from "../tools/verify/recorded-transport.js";
import { loadBundledContract } from "../src/contract/bundle.js";
import { runVerify } from "../src/verify/verify.js";
import { controlPlaneTransport } from "../tools/verify/verify-matrix.js";

const plane = await startControlPlane();
try {
  const contract = loadBundledContract();
  const recorder = recordingTransport(controlPlaneTransport(plane));
  const started = performance.now();
  const report = await runVerify(recorder.transport, { namespace: "default", createPodIn: "default", contract });
  const verifyMs = performance.now() - started;
  const plain = controlPlaneTransport(plane);
  const baselineStarted = performance.now();
  for (let index = 0; index < recorder.exchanges.length; index += 1) await plain.send({ method: "GET", path: "/version" });
  const baselineMs = performance.now() - baselineStarted;
  console.log(`verify against ${plane.version}: ${(verifyMs / 1000).toFixed(2)} s (goal ≤ 30 s)`);
  console.log(`requests: ${recorder.exchanges.length}, probes: ${report.probes.length}`);
  console.log(
    `baseline (${recorder.exchanges.length} × GET /version): ${(baselineMs / 1000).toFixed(2)} s; ratio ${(verifyMs / baselineMs).toFixed(1)}×`,
  );
} finally {
  await plane.stop();
}
