/**
 * `npm run apiserver` — a real Kubernetes control plane (etcd + kube-apiserver) on 127.0.0.1
 * (tools/apiserver/control-plane.ts), built from Go modules on first use (tools/apiserver/binaries.ts).
 *
 * Usage: npm run apiserver -- [--port N] [--kubeconfig FILE] [--version MINOR] [--build-only]
 * Output: progress on stderr; on stdout exactly one line once `/readyz` answers,
 * `apiserver ready on https://127.0.0.1:PORT (Kubernetes vX.Y.Z)`. Runs until SIGINT or SIGTERM, then
 * stops both processes by PID and removes its temporary directory and the kubeconfig it wrote.
 * With --build-only it builds (or finds) the binaries, prints their paths and exits.
 * Exit codes: 0 after a signal-initiated stop or a finished --build-only; 1 when the binaries cannot be
 * built or the control plane does not start; 2 for bad arguments.
 */
import { availableMinors, binariesFor, defaultMinor, ensureBinaries } from "./binaries.js";
import { startControlPlane } from "./control-plane.js";
import { CliUsageError, parseCli, runCli } from "../cli-args.js";

const USAGE = `usage: npm run apiserver -- [--port N] [--kubeconfig FILE] [--version MINOR] [--build-only]
  --port N          secure port on 127.0.0.1 (default 0: a free one)
  --kubeconfig FILE write a kubeconfig there (mode 0600; removed on stop)
  --version MINOR   Kubernetes minor to run, one of ${availableMinors().join(", ")} (default ${defaultMinor})
  --build-only      build the binaries into the cache if missing, print their paths, exit`;

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), USAGE, {
    port: { type: "string", default: "0" },
    kubeconfig: { type: "string" },
    version: { type: "string", default: defaultMinor },
    "build-only": { type: "boolean", default: false },
  });
  if (parsed === "help") return 0;
  const { values } = parsed;
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535)
    throw new CliUsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`, USAGE);
  if (!availableMinors().includes(values.version)) {
    throw new CliUsageError(`--version must be one of ${availableMinors().join(", ")}, got "${values.version}"`, USAGE);
  }
  if (values["build-only"]) {
    const binaries = await ensureBinaries(values.version, (line) => console.error(line));
    console.log(`${binaries.kubeApiserver}\n${binaries.kubectl}\n${binaries.etcd}`);
    return 0;
  }
  binariesFor(values.version);
  const plane = await startControlPlane({
    minor: values.version,
    port,
    ...(values.kubeconfig === undefined ? {} : { kubeconfigPath: values.kubeconfig }),
    log: (line) => console.error(line),
  });
  // Handlers stay installed while stopping: a second signal (a launcher relaying the first, or an
  // impatient Ctrl-C) must not kill this process before its children are stopped. They are installed
  // before the ready line: whoever reads it may signal at once, and a signal before them kills this
  // process with its children left running.
  const signalled = new Promise<void>((resolveSignal) => {
    process.on("SIGINT", () => resolveSignal());
    process.on("SIGTERM", () => resolveSignal());
  });
  console.log(`apiserver ready on ${plane.url} (Kubernetes ${plane.version})`);
  await signalled;
  await plane.stop();
  return 0;
}

runCli("apiserver", main);
