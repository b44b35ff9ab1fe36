/**
 * The real control plane's binaries — kube-apiserver, kubectl and etcd — built from Go modules into a
 * cache outside the repository, never downloaded prebuilt and never committed.
 *
 * Versions are pinned in one place each: `tools/apiserver/go/<minor>/go.mod` requires
 * `k8s.io/kubernetes` at the exact release of that minor (its staging modules replaced by the published
 * `k8s.io/*` v0.<minor>.<patch> releases, the known way to build Kubernetes as a dependency), and
 * `tools/apiserver/go/etcd/go.mod` pins the etcd server (the release Kubernetes' own hack/lib/etcd.sh
 * tests with). Both list their binaries as `tool` directives, so `go mod tidy` keeps their whole graph.
 *
 * Cache: `$POD_PATCH_CONTRACT_CACHE` or `~/.cache/pod-patch-contract`, then
 * `apiserver/v<kubernetes version>/{kube-apiserver,kubectl}` and `etcd/v<etcd version>/etcd`. Each binary
 * is built into a temporary name in the cache and renamed, so a cut-off build never leaves half a file.
 *
 * Inputs: a minor ("1.35"). Outputs: the binaries' paths. Throws `BinaryBuildError` naming the step
 * (module download or build) and the tail of its output when Go fails or a step outlives its timeout.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { projectRoot } from "../pipeline/common.js";

const goModulesDir = join(projectRoot, "tools", "apiserver", "go");

/** Module downloads are network-bound: a registry that hangs costs this much, not the whole CI run. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
/** A cold build of kube-apiserver and kubectl takes about 5 minutes on 2 cores; allow for a busy machine. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

export interface ControlPlaneBinaries {
  kubernetesVersion: string;
  etcdVersion: string;
  kubeApiserver: string;
  kubectl: string;
  etcd: string;
}

export class BinaryBuildError extends Error {
  override name = "BinaryBuildError";
}

export function cacheRoot(): string {
  return resolve(process.env.POD_PATCH_CONTRACT_CACHE ?? join(homedir(), ".cache", "pod-patch-contract"));
}

/** The Kubernetes minors that have a wrapper module, oldest first ("1.34", "1.35", …). */
export function availableMinors(): string[] {
  return readdirSync(goModulesDir)
    .filter((entry) => /^1\.\d+$/.test(entry))
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

export const defaultMinor = "1.35";

function requiredVersion(moduleDir: string, modulePath: string): string {
  const goMod = readFileSync(join(moduleDir, "go.mod"), "utf8");
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (match?.[1] === undefined) throw new BinaryBuildError(`${moduleDir}/go.mod does not require ${modulePath}`);
  return match[1];
}

function kubernetesModuleDir(minor: string): string {
  const dir = join(goModulesDir, minor);
  if (!existsSync(join(dir, "go.mod"))) {
    throw new BinaryBuildError(`no wrapper module for Kubernetes ${minor} (have: ${availableMinors().join(", ")})`);
  }
  return dir;
}

/** Where the binaries of a minor live (built or not), read from the pinned go.mod files. */
export function binariesFor(minor: string = defaultMinor): ControlPlaneBinaries {
  const kubernetesVersion = requiredVersion(kubernetesModuleDir(minor), "k8s.io/kubernetes");
  const etcdVersion = requiredVersion(join(goModulesDir, "etcd"), "go.etcd.io/etcd/server/v3");
  const kubernetesDir = join(cacheRoot(), "apiserver", kubernetesVersion);
  return {
    kubernetesVersion,
    etcdVersion,
    kubeApiserver: join(kubernetesDir, "kube-apiserver"),
    kubectl: join(kubernetesDir, "kubectl"),
    etcd: join(cacheRoot(), "etcd", etcdVersion, "etcd"),
  };
}

export function missingBinaries(binaries: ControlPlaneBinaries): string[] {
  return [binaries.kubeApiserver, binaries.kubectl, binaries.etcd].filter((path) => !existsSync(path));
}

function run(
  step: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn("go", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    // A heartbeat, so a long build does not look hung.
    const heartbeat = setInterval(() => log(`  ${step}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      clearInterval(heartbeat);
      reject(new BinaryBuildError(`${step}: cannot run go (${error.message}); Go 1.25 or newer must be on PATH`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(heartbeat);
      const seconds = Math.round((Date.now() - started) / 1000);
      if (code === 0) {
        log(`  ${step}: done in ${seconds} s`);
        resolvePromise();
      } else if (signal === "SIGKILL") {
        reject(new BinaryBuildError(`${step}: gave up after ${timeoutMs / 60_000} min (timeout)\n${tail}`));
      } else {
        reject(new BinaryBuildError(`${step}: go ${args[0]} failed (exit ${code ?? signal})\n${tail}`));
      }
    });
  });
}

function versionFlags(kubernetesVersion: string): string {
  const [major, minor] = kubernetesVersion.replace(/^v/, "").split(".");
  // Without these the binaries report a development version (v0.0.0-master+$Format…).
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap((pkg) => [
      `-X ${pkg}.gitVersion=${kubernetesVersion}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ])
    .join(" ");
}

async function buildInto(
  target: string,
  goPackage: string,
  moduleDir: string,
  ldflags: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    await run(
      `build ${goPackage}`,
      ["build", "-trimpath", "-ldflags", ldflags, "-o", partial, goPackage],
      moduleDir,
      BUILD_TIMEOUT_MS,
      log,
      env,
    );
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * A recorder of tools/record written in Go against the minor's Kubernetes packages (go-pod-spec-layout.go),
 * built with the wrapper module's pinned graph into `<cache>/record/<name>-<hash of source and go.sum>`
 * once, so later runs only start it. Needs the modules already downloaded (a control plane built from
 * them): `GOPROXY=off`, nothing is fetched. Returns the binary's path.
 */
export async function ensureGoRecorder(
  source: string,
  minor: string = defaultMinor,
  log: (line: string) => void = console.error,
): Promise<string> {
  const moduleDir = kubernetesModuleDir(minor);
  const hash = createHash("sha256")
    .update(readFileSync(source))
    .update(readFileSync(join(moduleDir, "go.sum")))
    .digest("hex")
    .slice(0, 16);
  const target = join(cacheRoot(), "record", `${basename(source, ".go")}-${hash}`);
  if (existsSync(target)) return target;
  await buildInto(target, source, moduleDir, "-s -w", log, { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=readonly" });
  return target;
}

/**
 * Builds whatever of the minor's binaries is missing from the cache (nothing when all are there).
 * `log` receives progress lines.
 */
export async function ensureBinaries(
  minor: string = defaultMinor,
  log: (line: string) => void = console.error,
): Promise<ControlPlaneBinaries> {
  const binaries = binariesFor(minor);
  if (missingBinaries(binaries).length === 0) return binaries;
  const kubernetesDir = kubernetesModuleDir(minor);
  const etcdDir = join(goModulesDir, "etcd");
  const kubernetesFlags = `-s -w ${versionFlags(binaries.kubernetesVersion)}`;
  if (!existsSync(binaries.kubeApiserver) || !existsSync(binaries.kubectl)) {
    log(`building Kubernetes ${binaries.kubernetesVersion} (kube-apiserver, kubectl) into ${dirname(binaries.kubeApiserver)}`);
    await run(
      `download Go modules of Kubernetes ${binaries.kubernetesVersion}`,
      ["mod", "download"],
      kubernetesDir,
      DOWNLOAD_TIMEOUT_MS,
      log,
    );
    if (!existsSync(binaries.kubeApiserver)) {
      await buildInto(binaries.kubeApiserver, "k8s.io/kubernetes/cmd/kube-apiserver", kubernetesDir, kubernetesFlags, log);
    }
    if (!existsSync(binaries.kubectl)) {
      await buildInto(binaries.kubectl, "k8s.io/kubernetes/cmd/kubectl", kubernetesDir, kubernetesFlags, log);
    }
  }
  if (!existsSync(binaries.etcd)) {
    log(`building etcd ${binaries.etcdVersion} into ${dirname(binaries.etcd)}`);
    await run(`download Go modules of etcd ${binaries.etcdVersion}`, ["mod", "download"], etcdDir, DOWNLOAD_TIMEOUT_MS, log);
    await buildInto(binaries.etcd, "go.etcd.io/etcd/server/v3", etcdDir, "-s -w", log);
  }
  return binaries;
}
