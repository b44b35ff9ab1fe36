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
import { createTransport } from "../src/verify/transport.js";
import { runVerify, userAgent } from "../src/verify/verify.js";

const plane = await startControlPlane();
try {
  const access = { server: new URL(plane.url), ca: plane.caCert, token: plane.token, insecureSkipTlsVerify: false };
  const contract = loadBundledContract();
  const recorder = recordingTransport(createTransport(access, "apiserver", userAgent));
  const started = performance.now();
  const report = await runVerify(recorder.transport, { namespace: "default", createPodIn: "default", contract });
  const verifyMs = performance.now() - started;
  recorder.transport.close();
  const plain = createTransport(access, "apiserver", userAgent);
  const baselineStarted = performance.now();
  for (let index = 0; index < recorder.exchanges.length; index += 1) await plain.send({ method: "GET", path: "/version" });
  const baselineMs = performance.now() - baselineStarted;
  plain.close();
  console.log(`verify against ${plane.version}: ${(verifyMs / 1000).toFixed(2)} s (goal ≤ 30 s)`);
  console.log(`requests: ${recorder.exchanges.length}, probes: ${report.probes.length}`);
  console.log(
    `baseline (${recorder.exchanges.length} × GET /version): ${(baselineMs / 1000).toFixed(2)} s; ratio ${(verifyMs / baselineMs).toFixed(1)}×`,
  );
} finally {
  await plane.stop();
}
