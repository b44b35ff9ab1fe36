/**
 * `npm run mock` — serves the bundled contract as a mock on 127.0.0.1 (tools/servers/mock-server.ts).
 *
 * Usage: npm run mock -- [--port N] [--spec <path>] [--profile kubernetes|cce] [--tls] [--kubeconfig <path>] [--pods <file|folder>]...
 *                        [--client-ca <path>] [--workers N]
 *   --port        TCP port, default 4010; 0 picks a free one.
 *   --spec        bundled spec to serve, default generated/openapi.json.
 *   --profile     `kubernetes` (default): what the apiserver accepts; `cce`: JSON Patch keeps to the add
 *                 and replace operations CCE's page documents (docs/decisions/0010-cce-json-patch-profile.md).
 *   --tls         serve HTTPS with a self-signed certificate for 127.0.0.1/localhost generated at
 *                 start (tools/servers/tls.ts); it lives only as long as the process.
 *   --kubeconfig  with --tls: write a kubeconfig for kubectl there before announcing the port: server
 *                 https://127.0.0.1:<port>, the certificate as certificate-authority-data, token
 *                 `mock-token`, namespace `default` (tools/support/kubeconfig.ts). Written mode 0600 in place
 *                 of whatever the path held, never into an existing file or through a symlink, and removed
 *                 on shutdown (tools/support/private-file.ts).
 *                 Try: KUBECONFIG=<path> kubectl set image pod/hello-world hello-world=nginx:1.27
 *   --client-ca   with --tls: demand mutual TLS — a client certificate signed by a CA in this PEM file, or
 *                 the handshake fails (as an apiserver with --client-ca-file does for a bad certificate).
 *                 The token is still required on top.
 *   --workers     serve HTTP(S) from N processes (node:cluster workers, 1 to 64; default 1: this process
 *                 alone) on the one port; this process keeps the store and answers every GET and PATCH of
 *                 a Pod they pass on (tools/servers/mock-workers.ts; docs/decisions/0016-mock-workers.md).
 *   --pods        Pods to store besides the contract's examples: a JSON or YAML file (a Pod, a List of Pods,
 *                 an array, several YAML documents) or a folder of such files; repeatable. A file that is
 *                 not Pods is a usage error naming it. The mock answers GET and PATCH of every stored Pod
 *                 as the apiserver does (docs/mock.md); `/mock/pods` resets and loads the store at run time.
 * Output: exactly one stdout line once it accepts requests, `mock listening on http(s)://127.0.0.1:<port>`
 * (tests parse it); problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments or when the mock cannot start
 * (unreadable or unbundled spec, Prism internals missing, port in use, kubeconfig not writable, client CA
 * unreadable).
 */
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { CliUsageError } from "../cli-args.js";
import { kubeconfigYaml } from "../support/kubeconfig.js";
import { type PrivateFile, writePrivateFile } from "../support/private-file.js";
import { parseServerArgs, runServerCli } from "./cli-options.js";
import { runMockWorker, startMockWorkers } from "./mock-workers.js";
import { PodFileError, readPodFiles } from "./pod-store.js";
import type { Profile } from "./spec.js";
import type { Pod } from "../../src/operation/patch-pod.js";

const USAGE = `usage: npm run mock -- [--port N] [--spec <path>] [--profile kubernetes|cce] [--tls] [--kubeconfig <path>] [--pods <file|folder>]... [--client-ca <path>] [--workers N]
  --port N             TCP port on 127.0.0.1, default 4010; 0 picks a free one
  --spec <path>        bundled spec to serve, default generated/openapi.json
  --profile <name>     kubernetes (default): what the apiserver accepts; cce: JSON Patch only add and replace
  --tls                serve HTTPS with a certificate for 127.0.0.1/localhost generated at start
  --kubeconfig <path>  with --tls: write a kubeconfig for kubectl there (mode 0600)
  --client-ca <path>   with --tls: require a client certificate signed by a CA in this PEM file
  --workers N          serve from N processes on the one port (1 to 64, default 1); the store stays in this one
  --pods <path>        Pods (JSON or YAML file, or a folder of them) to store besides the contract's examples; repeatable
  Prints "mock listening on <url>" once it accepts requests; runs until SIGINT or SIGTERM.`;
const KUBECONFIG_TOKEN = "mock-token";

interface Options {
  port: number;
  specPath: string;
  profile: Profile;
  tls: boolean;
  kubeconfig: string | undefined;
  pods: Pod[];
  clientCa: string | undefined;
  workers: number;
}

function parseOptions(args: string[]): Options | "help" {
  const parsed = parseServerArgs(args, USAGE, 4010, {
    tls: { type: "boolean", default: false },
    kubeconfig: { type: "string" },
    pods: { type: "string", multiple: true },
    "client-ca": { type: "string" },
    workers: { type: "string", default: "1" },
  });
  if (parsed === "help") return parsed;
  const { values, port, specPath, profile } = parsed;
  const tls = values.tls === true;
  const kubeconfig = values.kubeconfig as string | undefined;
  if (kubeconfig !== undefined && !tls) {
    throw new CliUsageError("--kubeconfig needs --tls: kubectl sends a token only over TLS", USAGE);
  }
  let pods: Pod[];
  try {
    pods = ((values.pods as string[] | undefined) ?? []).flatMap(readPodFiles);
  } catch (error) {
    if (error instanceof PodFileError) throw new CliUsageError(`--pods: ${error.message}`, USAGE);
    throw error;
  }
  const clientCa = values["client-ca"] as string | undefined;
  if (clientCa !== undefined && !tls) throw new CliUsageError("--client-ca needs --tls", USAGE);
  const workersText = values.workers as string;
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers < 1 || workers > 64) {
    throw new CliUsageError(`--workers must be an integer from 1 to 64, got "${workersText}"`, USAGE);
  }
  return { port, specPath, profile, tls, kubeconfig, pods, clientCa, workers };
}

async function start(options: Options) {
  // Imported once the arguments are known good: Prism takes most of a second to load, which --help and a
  // usage error should not wait for.
  const [{ startMockServer }, { generateLoopbackCertificate }] = await Promise.all([
    import("./mock-server.js"),
    import("./tls.js"),
  ]);
  const clientCa = options.clientCa === undefined ? undefined : readFileSync(options.clientCa, "utf8");
  const tls = options.tls
    ? { ...(await generateLoopbackCertificate()), ...(clientCa === undefined ? {} : { clientCa }) }
    : undefined;
  const mockOptions = {
    specPath: options.specPath,
    port: options.port,
    profile: options.profile,
    pods: options.pods,
    ...(tls === undefined ? {} : { tls }),
  };
  const mock =
    options.workers > 1
      ? await startMockWorkers({ ...mockOptions, workers: options.workers })
      : await startMockServer(mockOptions);
  let kubeconfig: PrivateFile | undefined;
  if (options.kubeconfig !== undefined && tls !== undefined) {
    try {
      const text = kubeconfigYaml({
        name: "pod-patch-mock",
        server: mock.url,
        caCert: tls.cert,
        token: KUBECONFIG_TOKEN,
        namespace: "default",
      });
      kubeconfig = writePrivateFile(options.kubeconfig, text);
    } catch (error) {
      await mock.close();
      throw error;
    }
  }
  const server = {
    close: async () => {
      kubeconfig?.remove();
      await mock.close();
    },
  };
  return { server, announce: `mock listening on ${mock.url}` };
}

// A worker of --workers runs this file too (node:cluster forks it): it serves what the primary configures.
if (cluster.isWorker) runMockWorker();
else runServerCli("mock", parseOptions, start);
