/**
 * Whether the Go recorders of tools/record (built by tools/apiserver/binaries.ts ensureGoRecorder in the
 * Kubernetes wrapper module) can be built here: Go on PATH and the wrapper's modules downloaded (a control
 * plane built from them). Tests that check committed recordings against a rebuilt recorder pass the answer
 * to describeNeeding (test/support/skips.ts).
 * Output: why a recorder cannot be built here, or undefined when it can.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { binariesFor } from "../../tools/apiserver/binaries.js";

export function goRecorderMissing(): string | undefined {
  const go = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  if (go.status !== 0) return "no Go toolchain on PATH";
  const { kubernetesVersion } = binariesFor();
  const module = join(go.stdout.trim(), `k8s.io/kubernetes@${kubernetesVersion}`);
  return existsSync(module) ? undefined : `the Kubernetes ${kubernetesVersion} modules are not downloaded (${module})`;
}
