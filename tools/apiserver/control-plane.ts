/**
 * A real Kubernetes control plane on 127.0.0.1 — etcd and kube-apiserver — for tests and for users who
 * want the ground truth next to the mock. Modelled on controller-runtime's envtest: two processes started
 * in dependency order (etcd, then the apiserver), stopped in reverse, each with its own folder in one
 * temporary directory that `stop()` removes.
 *
 * Input: `startControlPlane({ minor?, port?, kubeconfigPath?, auditLogPath?, featureGates?, log? })` — binaries from
 * tools/apiserver/binaries.ts (built on first use), `port` 0 (default) picks a free one; `auditLogPath`
 * turns on the apiserver's audit log there (one JSON event per line, every request at level Metadata:
 * verb, requestURI with its query, user agent, answer code), for tests that prove what reached the server. Output: `{ url, token, caCert,
 * version, binaries, kubeconfigPath, stop() }` once `/readyz` answers `ok`.
 * The apiserver makes its own serving certificate (`--cert-dir`); the token is random per start and is the
 * only credential it accepts (`--token-auth-file`, group `system:masters`; anonymous requests are 401 as on
 * a cluster that refuses them). Nothing listens beyond 127.0.0.1.
 * Failure to start throws `ControlPlaneError` with the tail of the process's log, after stopping
 * whatever had started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { kubeconfigYaml } from "../support/kubeconfig.js";
import { type PrivateFile, writePrivateFile } from "../support/private-file.js";
import { type ControlPlaneBinaries, ensureBinaries } from "./binaries.js";
import { httpsExchange } from "./http.js";

export interface ControlPlaneOptions {
  /** Kubernetes minor whose wrapper module to use, e.g. "1.35". */
  minor?: string;
  /** Secure port of the apiserver; 0 or absent picks a free one. */
  port?: number;
  /** Write a kubeconfig for this control plane here (mode 0600, replacing the entry, never following it). */
  kubeconfigPath?: string;
  /** Write the apiserver's audit log here (JSON lines, level Metadata, one event per request once answered). */
  auditLogPath?: string;
  /** Feature gates to set on the apiserver (`--feature-gates`), e.g. an alpha gate a differential test needs. */
  featureGates?: Record<string, boolean>;
  /** Progress lines (building, starting); default: none. */
  log?: (line: string) => void;
}

export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** Bearer token of a `system:masters` user. */
  token: string;
  /** PEM certificates a client must trust for `url`. */
  caCert: string;
  /** What the server's `/version` says, e.g. `v1.35.4`. */
  version: string;
  binaries: ControlPlaneBinaries;
  kubeconfigPath: string | undefined;
  /** Stops the apiserver, then etcd (each SIGTERM, then SIGKILL after a grace period) and removes every file it made. */
  stop(): Promise<void>;
}

export class ControlPlaneError extends Error {
  override name = "ControlPlaneError";
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const LOG_TAIL_CHARS = 3000;

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logPath: string;
  exited: Promise<void>;
}

function launch(name: string, binary: string, args: string[], logPath: string): ManagedProcess {
  const logFd = openSync(logPath, "a");
  const child = spawn(binary, args, { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", () => resolveExit());
    child.once("error", () => resolveExit());
  });
  return { name, child, logPath, exited };
}

function logTail(process: ManagedProcess): string {
  try {
    const text = readFileSync(process.logPath, "utf8");
    return text.slice(-LOG_TAIL_CHARS);
  } catch {
    return "(no log)";
  }
}

async function terminate(process: ManagedProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill("SIGTERM");
  const timer = setTimeout(() => process.child.kill("SIGKILL"), STOP_GRACE_MS);
  await process.exited;
  clearTimeout(timer);
}

async function getText(url: string, token: string, ca: string): Promise<{ status: number; body: string }> {
  const answer = await httpsExchange({ url, ca, headers: { authorization: `Bearer ${token}` }, timeoutMs: 5_000 });
  return { status: answer.status, body: answer.body.toString("utf8") };
}

const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

function readCaCertificate(certDir: string): string | undefined {
  try {
    // The self-signed serving certificate file holds the certificate and the CA that signed it.
    return readFileSync(join(certDir, "apiserver.crt"), "utf8");
  } catch {
    return undefined;
  }
}

async function waitUntilReady(
  url: string,
  token: string,
  certDir: string,
  processes: ManagedProcess[],
): Promise<{ caCert: string; version: string }> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    const dead = processes.find((process) => process.child.exitCode !== null || process.child.signalCode !== null);
    if (dead !== undefined) {
      throw new ControlPlaneError(
        `${dead.name} exited during start-up (${dead.child.exitCode ?? dead.child.signalCode}); its log ends:\n${logTail(dead)}`,
      );
    }
    const caCert = readCaCertificate(certDir);
    if (caCert !== undefined) {
      try {
        const ready = await getText(`${url}/readyz`, token, caCert);
        if (ready.status === 200 && ready.body === "ok") {
          const version = await getText(`${url}/version`, token, caCert);
          return { caCert, version: (JSON.parse(version.body) as { gitVersion: string }).gitVersion };
        }
        lastProblem = `/readyz answered ${ready.status}: ${ready.body.slice(0, 200)}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
    }
    await sleep(100);
  }
  const apiserver = processes[processes.length - 1];
  throw new ControlPlaneError(
    `not ready within ${READY_TIMEOUT_MS / 1000} s (${lastProblem}); ${apiserver?.name ?? "apiserver"}'s log ends:\n${apiserver === undefined ? "" : logTail(apiserver)}`,
  );
}

/** `--feature-gates=A=true,B=false`, or nothing when no gate is set. */
function featureGateFlags(gates: Record<string, boolean> | undefined): string[] {
  const pairs = Object.entries(gates ?? {}).map(([gate, on]) => `${gate}=${on}`);
  return pairs.length === 0 ? [] : [`--feature-gates=${pairs.join(",")}`];
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const binaries = await ensureBinaries(options.minor, log);
  const dir = mkdtempSync(join(tmpdir(), "pod-patch-apiserver-"));
  const processes: ManagedProcess[] = [];
  let kubeconfigWritten: PrivateFile | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // The apiserver first: stopping etcd under it leaves it retrying past its own SIGTERM.
    for (const process of [...processes].reverse()) await terminate(process);
    rmSync(dir, { recursive: true, force: true });
    kubeconfigWritten?.remove();
  };
  try {
    const token = randomBytes(24).toString("hex");
    const certDir = join(dir, "certs");
    writeFileSync(join(dir, "tokens.csv"), `${token},pod-patch-admin,pod-patch-admin,"system:masters"\n`, { mode: 0o600 });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "service-account.key"), privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });

    const [etcdClientPort, etcdPeerPort] = [await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    log(`starting etcd ${binaries.etcdVersion} on ${etcdUrl}`);
    processes.push(
      launch(
        "etcd",
        binaries.etcd,
        [
          `--data-dir=${join(dir, "etcd")}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
          "--unsafe-no-fsync",
          "--log-level=warn",
        ],
        join(dir, "etcd.log"),
      ),
    );

    const auditFlags: string[] = [];
    if (options.auditLogPath !== undefined) {
      const policyPath = join(dir, "audit-policy.yaml");
      const policy = {
        apiVersion: "audit.k8s.io/v1",
        kind: "Policy",
        omitStages: ["RequestReceived"],
        rules: [{ level: "Metadata" }],
      };
      writeFileSync(policyPath, stringify(policy));
      auditFlags.push(
        `--audit-policy-file=${policyPath}`,
        `--audit-log-path=${options.auditLogPath}`,
        "--audit-log-mode=blocking",
      );
    }
    const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort();
    const url = `https://127.0.0.1:${port}`;
    log(`starting kube-apiserver ${binaries.kubernetesVersion} on ${url}`);
    const serviceAccountKey = join(dir, "service-account.key");
    processes.push(
      launch(
        "kube-apiserver",
        binaries.kubeApiserver,
        [
          `--etcd-servers=${etcdUrl}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          `--secure-port=${port}`,
          `--cert-dir=${certDir}`,
          `--token-auth-file=${join(dir, "tokens.csv")}`,
          "--anonymous-auth=false",
          "--authorization-mode=RBAC",
          `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
          `--service-account-key-file=${serviceAccountKey}`,
          `--service-account-signing-key-file=${serviceAccountKey}`,
          "--service-cluster-ip-range=10.0.0.0/24",
          // No controller-manager creates the default ServiceAccount that this plugin would require.
          "--disable-admission-plugins=ServiceAccount",
          "--allow-privileged=true",
          ...auditFlags,
          ...featureGateFlags(options.featureGates),
        ],
        join(dir, "kube-apiserver.log"),
      ),
    );
    const { caCert, version } = await waitUntilReady(url, token, certDir, processes);
    const plane: ControlPlane = { url, token, caCert, version, binaries, kubeconfigPath: options.kubeconfigPath, stop };
    if (options.kubeconfigPath !== undefined) {
      kubeconfigWritten = writePrivateFile(
        options.kubeconfigPath,
        kubeconfigYaml({ name: "pod-patch-apiserver", server: url, caCert, token, namespace: "default" }),
      );
    }
    return plane;
  } catch (error) {
    await stop();
    throw error;
  }
}
