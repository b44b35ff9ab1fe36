/**
 * The second package, pod-patch-contract-servers (packages/servers, docs/decisions/0014-mock-and-proxy-package.md):
 * `npm pack -w packages/servers` builds it (prepack: packages/servers/build.mjs) into a tarball that holds its
 * bins, the compiled mock and proxy and the bundled spec, and no sources; every package its compiled code
 * imports is one of its dependencies, at the version the repository is tested with; its version is the
 * client package's; and its bins, as npm links them, run: the mock over TLS with the kubeconfig it writes,
 * which the client then uses to patch it, and the proxy's --help.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPodPatchClientFromKubeconfig } from "../../src/index.js";
import { projectRoot } from "../../tools/pipeline/common.js";

const timeout = 180_000;
const bin = (name: string) => join(projectRoot, "node_modules", ".bin", name);

/** Without the npm_* variables of an enclosing `npm test`, and without npm's update check. */
const childEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"))),
  npm_config_update_notifier: "false",
};

interface Manifest {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8")) as Manifest;

let work: string;
let unpacked: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "pod-patch-servers-"));
  const packed = spawnSync("npm", ["pack", "--json", "--pack-destination", work, "-w", "packages/servers"], {
    cwd: projectRoot,
    env: childEnv,
    encoding: "utf8",
    timeout,
  });
  if (packed.status !== 0) throw new Error(`npm pack -w packages/servers exited ${packed.status}:\n${packed.stderr}`);
  const [tarball] = JSON.parse(packed.stdout) as Array<{ filename: string; files: { path: string }[] }>;
  files = tarball!.files.map((file) => file.path);
  unpacked = join(work, "unpacked");
  mkdirSync(unpacked);
  const untar = spawnSync("tar", ["-xzf", join(work, tarball!.filename), "-C", unpacked], { encoding: "utf8" });
  if (untar.status !== 0) throw new Error(`tar exited ${untar.status}: ${untar.stderr}`);
}, timeout);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Every .js file below `dir`. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((file) => join(dir, String(file)))
    .filter((path) => path.endsWith(".js") && statSync(path).isFile());
}

describe("the tarball", () => {
  it("holds the bins, the compiled mock and proxy and the spec, and no sources", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "bin/pod-patch-mock.mjs",
        "bin/pod-patch-proxy.mjs",
        "dist/tools/servers/mock.js",
        "dist/tools/servers/proxy.js",
        "generated/openapi.json",
      ]),
    );
    expect(files.filter((path) => path.endsWith(".ts") || /^(test|src|tools)\//.test(path))).toEqual([]);
    const spec = readFileSync(join(unpacked, "package", "generated", "openapi.json"), "utf8");
    expect(spec).toBe(readFileSync(join(projectRoot, "generated", "openapi.json"), "utf8"));
  });

  it("depends on every package its code imports, at the versions the repository pins, and is the client's release", () => {
    const own = manifest(join(unpacked, "package", "package.json"));
    const root = manifest(join(projectRoot, "package.json"));
    expect([own.version, own.license]).toEqual([root.version, root.license]);
    const pinned = { ...root.devDependencies, ...root.dependencies };
    for (const [name, version] of Object.entries(own.dependencies)) expect(pinned[name], name).toBe(version);

    const imported = new Set<string>();
    const loaded = new Set<string>();
    for (const path of scripts(join(unpacked, "package", "dist"))) {
      const code = readFileSync(path, "utf8");
      for (const [, name] of code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^".][^"]*)"/gm)) imported.add(name!);
      for (const [, name] of code.matchAll(/\bimport\(\s*"([^".][^"]*)"\s*\)/g)) loaded.add(name!);
    }
    const packageOf = (specifier: string) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/");
    const external = (names: Set<string>) =>
      [...names].filter((name) => !name.startsWith("node:") && !builtinModules.includes(name)).map(packageOf);
    expect(external(imported).filter((name) => own.dependencies[name] === undefined)).toEqual([]);
    // Imported on demand only by the pipeline's Redocly configuration (tools/pipeline/common.ts), which the
    // mock and the proxy never load.
    expect(external(loaded).filter((name) => own.dependencies[name] === undefined)).toEqual(["@redocly/openapi-core"]);
  });
});

describe("its bins, as npm links them in the workspace", () => {
  it(
    "pod-patch-mock serves the contract over TLS with a kubeconfig the client uses; SIGTERM stops it",
    async () => {
      const kubeconfig = join(work, "mock.kubeconfig");
      const mock = spawn(bin("pod-patch-mock"), ["--port", "0", "--tls", "--kubeconfig", kubeconfig], {
        cwd: work,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      mock.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      mock.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => mock.once("exit", (code) => resolve(code)));
      try {
        await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toMatch(/\n$/);
        expect(stdout, stderr).toMatch(/^mock listening on https:\/\/127\.0\.0\.1:\d+\n$/);
        const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
        const result = await client.patchPod({
          namespace: client.namespace,
          name: "hello-world",
          contentType: "application/merge-patch+json",
          body: { metadata: { labels: { tier: "web" } } },
        });
        expect(result.status, JSON.stringify(result.error)).toBe(200);
        expect(result.data?.metadata?.labels?.tier).toBe("web");
        mock.kill("SIGTERM");
        expect(await exited).toBe(0);
        expect(stderr).toBe("");
      } finally {
        mock.kill("SIGKILL");
      }
    },
    timeout,
  );

  it("pod-patch-proxy answers --help with its usage and exit 0", () => {
    const help = spawnSync(bin("pod-patch-proxy"), ["--help"], { encoding: "utf8", timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--upstream <url>/);
  });
});
