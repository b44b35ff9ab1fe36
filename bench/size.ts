/**
 * Benchmark: what one typed Pod PATCH costs a program in shipped code. Each program in
 * bench/support/size-programs/ (ours, ours from a kubeconfig, ours through the openapi-fetch entry, bare
 * openapi-fetch, @kubernetes/client-node)
 * is bundled by esbuild with the same options (platform node, format esm, bundle, minify; the createRequire banner
 * only where a CommonJS module came along, which needs it) and gzipped (level 9); goal: ours (without the kubeconfig loader) ≤ 5 KB and ≥ 40× smaller than client-node. The
 * programs are type-checked first (their own tsconfig.json: the project's leaves client-node out), so each
 * is a correct typed PATCH. Esbuild's metafile lists what ends up in our bundles, so a mock or the patch
 * engine — or, in the one-PATCH program, the kubeconfig loader and its YAML parser, or openapi-fetch — that leaks in shows
 * up here. Each bundle is also run once against bench/support/patch-server.ts to show it
 * really sends the PATCH (the kubeconfig program through a kubeconfig naming that server).
 */
import { build, type Metafile } from "esbuild";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { projectRoot, readText } from "../tools/pipeline/common.js";
import { kubeconfigYaml } from "../tools/support/kubeconfig.js";
import { progress } from "./support/measure.js";
import { startPatchServer, type PatchServer } from "./support/patch-server.js";
import { row, type BenchReport } from "./support/report.js";

const programsDir = join(projectRoot, "bench", "support", "size-programs");
const programs = {
  ours: "ours.ts",
  oursKubeconfig: "ours-kubeconfig.ts",
  oursOpenapiFetch: "ours-openapi-fetch.ts",
  openapiFetch: "openapi-fetch.ts",
  clientNode: "client-node.ts",
} as const;
type Program = keyof typeof programs;

/** Modules a client-only program must never contain; the one-PATCH program not the kubeconfig loader or openapi-fetch either. */
const unwanted = /^(tools\/|src\/engine|node_modules\/@stoplight\/)/;
const unwantedInOnePatch = /^(src\/kubeconfig\/|src\/client\/openapi-fetch-client\.ts|node_modules\/(yaml|openapi-fetch)\/)/;

/**
 * CommonJS modules in a bundle (client-node's dependencies, some of the kubeconfig program's) `require()`
 * Node built-ins, which an ESM bundle cannot do on its own; such a bundle gets the usual createRequire banner
 * (~80 bytes). A bundle of ES modules only (ours, bare openapi-fetch) needs none, so none is counted.
 */
const requireShim = 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';

const kb = (bytes: number): number => bytes / 1024;

interface Bundle {
  code: Uint8Array;
  minified: number;
  gzipped: number;
  metafile: Metafile;
}

async function bundle(program: Program, shim = false): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(programsDir, programs[program])],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    outfile: join(projectRoot, "build", "bench", `${program}.mjs`),
    ...(shim ? { banner: { js: requireShim } } : {}),
    logLevel: "silent",
  });
  // Bundled again with the banner when a CommonJS module put code in the output (the metafile's inputs also
  // list modules that were parsed and then shaken out).
  const { inputs } = result.metafile;
  const output = Object.values(result.metafile.outputs)[0]!;
  const commonJs = Object.entries(output.inputs).some(
    ([path, { bytesInOutput }]) => bytesInOutput > 0 && inputs[path]?.format === "cjs",
  );
  if (commonJs && !shim) return bundle(program, true);
  const code = result.outputFiles[0]!.contents;
  return { code, minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, metafile: result.metafile };
}

/** Inputs that put bytes into the output, largest first, with their paths relative to the project. */
function contributions(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path, input]): [string, number] => [relative(projectRoot, join(projectRoot, path)), input.bytesInOutput])
    .sort(([, a], [, b]) => b - a);
}

/** Contributions summed by package (`node_modules/<name>`, one entry for all its files) or by our own file. */
function byPackage(inputs: Array<[string, number]>): string {
  const sums = new Map<string, number>();
  for (const [path, bytes] of inputs) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path;
    sums.set(name, (sums.get(name) ?? 0) + bytes);
  }
  return [...sums.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([name, bytes]) => `${name} ${bytes}`)
    .join(", ");
}

/**
 * Writes the bundle to a temp dir, runs it with node against the local server, and says what happened
 * (asynchronously: the server answers from this process's event loop).
 */
async function runBundle(
  code: Uint8Array,
  server: PatchServer,
  dir: string,
  program: Program,
): Promise<{ patched: boolean; said: string }> {
  const file = join(dir, `${program}.mjs`);
  writeFileSync(file, code);
  const kubeconfig = join(dir, "kubeconfig");
  // Plain HTTP: an empty certificate-authority-data is no CA at all.
  writeFileSync(
    kubeconfig,
    kubeconfigYaml({ name: "bench", server: server.baseUrl, caCert: "", token: "bench-token", namespace: "default" }),
  );
  const env = { ...process.env, KUBE_URL: server.baseUrl, KUBE_TOKEN: "bench-token", KUBECONFIG: kubeconfig };
  const before = server.requests();
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { env, cwd: dir, timeout: 30_000 });
    const said = stdout.trim();
    return { patched: server.requests() - before === 1 && said.startsWith("patched"), said };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const thrown = /^\w*Error: .*$/m.exec(stderr)?.[0] ?? stderr.slice(-200);
    return { patched: false, said: thrown.slice(0, 200) };
  }
}

export async function benchSize(): Promise<BenchReport> {
  progress("size: type-checking the programs, then bundling them with esbuild");
  execFileSync(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", programsDir], {
    stdio: "inherit",
  });
  const bundles = {} as Record<Program, Bundle>;
  for (const program of Object.keys(programs) as Program[]) bundles[program] = await bundle(program);

  const server = await startPatchServer();
  const dir = mkdtempSync(join(tmpdir(), "bench-size-"));
  const runs: string[] = [];
  let clientNodeRan = false;
  try {
    for (const program of Object.keys(programs) as Program[]) {
      const { patched, said } = await runBundle(bundles[program].code, server, dir, program);
      if (!patched && program !== "clientNode") throw new Error(`size: the ${program} bundle did not send its PATCH: ${said}`);
      runs.push(`${program} ${patched ? "patched" : "did NOT run"} (${said})`);
      if (program === "clientNode") clientNodeRan = patched;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }

  const undici = JSON.parse(readText(join(projectRoot, "node_modules", "undici", "package.json"))) as {
    version: string;
    engines: { node: string };
  };
  const ours = bundles.ours;
  const inputs = contributions(ours.metafile);
  const leaked = [
    ...inputs.filter(([path]) => unwanted.test(path) || unwantedInOnePatch.test(path)),
    ...contributions(bundles.oursKubeconfig.metafile).filter(([path]) => unwanted.test(path)),
    ...contributions(bundles.oursOpenapiFetch.metafile).filter(([path]) => unwanted.test(path)),
  ];
  const oursKb = kb(ours.gzipped);
  const clientNodeKb = kb(bundles.clientNode.gzipped);
  const smaller = clientNodeKb / oursKb;
  return {
    name: "size (esbuild: platform node, format esm, bundle, minify; gzip -9; 1 KB = 1024 bytes)",
    rows: [
      row({
        benchmark: "size: one typed PATCH vs @kubernetes/client-node (gzipped)",
        unit: "KB",
        ours: oursKb,
        baseline: clientNodeKb,
        goal: "≤ 5 KB and ≥ 40× smaller",
        met: oursKb <= 5 && smaller >= 40,
      }),
      row({
        benchmark: "size: one typed PATCH from a kubeconfig (gzipped)",
        unit: "KB",
        ours: kb(bundles.oursKubeconfig.gzipped),
        baseline: oursKb,
        goal: "—",
      }),
      row({
        benchmark: "size: one typed PATCH through the openapi-fetch entry vs bare openapi-fetch (gzipped)",
        unit: "KB",
        ours: kb(bundles.oursOpenapiFetch.gzipped),
        baseline: kb(bundles.openapiFetch.gzipped),
        goal: "—",
      }),
      row({
        benchmark: "size: vs bare openapi-fetch (gzipped)",
        unit: "KB",
        ours: oursKb,
        baseline: kb(bundles.openapiFetch.gzipped),
        goal: "—",
      }),
    ],
    details: [
      ...(Object.keys(programs) as Program[]).map(
        (program) =>
          `${program} (bench/support/size-programs/${programs[program]}): ${kb(bundles[program].minified).toFixed(1)} KB minified, ${kb(bundles[program].gzipped).toFixed(2)} KB gzipped`,
      ),
      `ours is ${smaller.toFixed(0)}× smaller than client-node`,
      `in our bundle (bytes before gzip): ${inputs.map(([path, bytes]) => `${path} ${bytes}`).join(", ")}`,
      `the kubeconfig program adds (bytes before gzip): ${byPackage(
        contributions(bundles.oursKubeconfig.metafile).filter(([path]) => !inputs.some(([known]) => known === path)),
      )}`,
      leaked.length === 0
        ? "no mock (tools/servers) or patch engine (src/engine) in our bundles, no kubeconfig loader (src/kubeconfig, yaml) and no openapi-fetch in the one-PATCH bundle"
        : `UNWANTED in our bundles: ${leaked.map(([path]) => path).join(", ")}`,
      `each bundle run once with this Node against 127.0.0.1: ${runs.join("; ")}`,
      ...(clientNodeRan
        ? []
        : [
            `client-node 2.0.1 pulls in undici ${undici.version} (engines: node ${undici.engines.node}), which does not load on Node ${process.versions.node} even unbundled`,
          ]),
    ],
  };
}
