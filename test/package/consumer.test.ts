/**
 * The package as a user gets it: separate projects in temporary folders install it the three ordinary ways —
 * from the tarball `npm pack` makes, from a git URL (`git+file://` of a snapshot repository of the working
 * tree, so npm clones it, installs its devDependencies and runs `prepare`), and from a path (the project
 * folder, linked; npm runs `prepare` there) — then import it from ESM, require it from CommonJS, read its
 * `package.json`, OpenAPI and `/openapi` type exports and its `/openapi-fetch` entry (openapi-fetch's typed client), type-check programs against its declarations under
 * `nodenext` and `bundler` resolution (ESM and CommonJS each), run its `pod-patch` bin through npx (its
 * subcommand list, `patch` and the older flags-only form, `verify --help`, unknown subcommands and flags), patch
 * the project's TLS mock from the kubeconfig the mock writes, and run a whole `pod-patch verify` against it. `npm publish --dry-run` must be clean.
 *
 * Offline: npm can take a registry package only from cached metadata, which `npm ci` never fetches, so the
 * runtime dependencies are packed from node_modules and installed alongside; the git install's own `npm
 * install` works from the snapshot's package-lock.json and the tarballs `npm ci` left in npm's cache.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { type RunningMock, startMock } from "../support/mock-process.js";

/** A git install builds the package from scratch: its devDependencies, then tsc (about 2 minutes on 2 busy cores). */
const timeout = 600_000;

/**
 * Without the npm_* variables of an enclosing `npm test`, so the nested npm sees only its own cwd; and
 * without npm's update check, which would ask the registry.
 */
const childEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"))),
  npm_config_update_notifier: "false",
};

function run(command: string, args: string[], cwd: string, expectedStatus = 0): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env: childEnv, encoding: "utf8", timeout });
  if (result.status !== expectedStatus) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}, not ${expectedStatus}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");

/** The package's runtime dependencies and theirs, as folders of the project's node_modules (npm's flat layout). */
function runtimeDependencyFolders(): string[] {
  const folders = new Set<string>();
  const visit = (manifestPath: string): void => {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const folder = join(projectRoot, "node_modules", name);
      if (folders.has(folder)) continue;
      folders.add(folder);
      visit(join(folder, "package.json"));
    }
  };
  visit(join(projectRoot, "package.json"));
  return [...folders];
}

/** A git repository holding the working tree as it is (tracked and untracked files that git does not ignore). */
function snapshotRepository(into: string): void {
  const listed = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], projectRoot).stdout.split("\0");
  for (const file of listed) {
    const source = join(projectRoot, file);
    if (file === "" || !existsSync(source) || !statSync(source).isFile()) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(source, join(into, file));
  }
  run("git", ["init", "--quiet"], into);
  run("git", ["add", "--all"], into);
  run(
    "git",
    ["-c", "user.name=consumer-test", "-c", "user.email=consumer-test@localhost", "commit", "--quiet", "-m", "snapshot"],
    into,
  );
}

const programs: Record<string, string> = {
  "check.mjs": `
import assert from "node:assert/strict";
import { createPodPatchClient, InvalidPathParameterError, NoAnswerError, patchMediaTypes } from "pod-patch-contract";
import manifest from "pod-patch-contract/package.json" with { type: "json" };
import spec from "pod-patch-contract/openapi.json" with { type: "json" };
import * as types from "pod-patch-contract/openapi";
import { createPodPatchFetchClient, NoAnswerError as FetchNoAnswerError } from "pod-patch-contract/openapi-fetch";

assert.equal(manifest.license, "Apache-2.0");
assert.equal(spec.info.license.identifier, "Apache-2.0");
assert.deepEqual(Object.keys(types), []);
assert.equal(patchMediaTypes.length, 4);
const client = createPodPatchClient({ baseUrl: "http://127.0.0.1:9", credentials: { bearerToken: "t" }, maxRetries: 0 });
assert.deepEqual(Object.keys(client), ["patchPod", "readPod"]);
await assert.rejects(client.patchPod({ namespace: "default", name: "..", contentType: "application/merge-patch+json", body: {} }), InvalidPathParameterError);
await assert.rejects(client.readPod({ namespace: "default", name: "web" }), NoAnswerError);
// The openapi-fetch entry: openapi-fetch's client, the package's own error classes.
assert.equal(FetchNoAnswerError, NoAnswerError);
const fetchClient = createPodPatchFetchClient({ baseUrl: "http://127.0.0.1:9", credentials: { xAuthToken: "t" } });
assert.equal(typeof fetchClient.PATCH, "function");
await assert.rejects(fetchClient.GET("/api/v1/namespaces/{namespace}/pods/{name}", { params: { path: { namespace: "default", name: "web" } } }), NoAnswerError);
console.log("import ok");
`,
  "check.cjs": `
const assert = require("node:assert/strict");
const { createPodPatchClient, jsonPatch } = require("pod-patch-contract");
assert.equal(require("pod-patch-contract/package.json").name, "pod-patch-contract");
assert.equal(typeof createPodPatchClient, "function");
assert.deepEqual(jsonPatch().add("/metadata/labels/app", "web").build(), [{ op: "add", path: "/metadata/labels/app", value: "web" }]);
const { createPodPatchFetchClient } = require("pod-patch-contract/openapi-fetch");
assert.equal(typeof createPodPatchFetchClient({ baseUrl: "https://127.0.0.1:6443" }).GET, "function");
console.log("require ok");
`,
  "patch-mock.mjs": `
import { createPodPatchClientFromKubeconfig } from "pod-patch-contract";
import { createPodPatchFetchClientFromKubeconfig } from "pod-patch-contract/openapi-fetch";
const [kubeconfig, name] = process.argv.slice(2);
const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
const result = await client.patchPod({
  namespace: client.namespace,
  name,
  contentType: "application/json-patch+json",
  body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
});
console.log(result.status, result.data?.kind ?? result.error.message);
// The same through the openapi-fetch entry.
const fetchClient = await createPodPatchFetchClientFromKubeconfig({ path: kubeconfig });
const { data, error, response } = await fetchClient.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
  params: { path: { namespace: fetchClient.namespace, name } },
  headers: { "Content-Type": "application/merge-patch+json" },
  body: { metadata: { labels: { tier: "web" } } },
});
console.log(response.status, data?.kind ?? error.message);
`,
  "pod.json": JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web" },
    spec: { containers: [{ name: "web", image: "nginx:1.26" }] },
  }),
};

/** TypeScript callers: one ESM and one CommonJS file per resolution, each with a mistake the types must catch. */
const typedPrograms: Record<string, string> = {
  "esm.mts": `
import { createPodPatchClient, createPodPatchClientFromKubeconfig, type PatchPodResult, type Pod } from "pod-patch-contract";
import type { components, paths } from "pod-patch-contract/openapi";
import { createPodPatchFetchClient } from "pod-patch-contract/openapi-fetch";

const client = createPodPatchClient({ baseUrl: "https://127.0.0.1:6443", credentials: { bearerToken: "t" }, ca: "PEM", timeoutMs: 5000 });
export const container: components["schemas"]["Container"] = { name: "web", image: "nginx:1.27" };
export const path: keyof paths = "/api/v1/namespaces/{namespace}/pods/{name}";
export const fromKubeconfig: Promise<{ namespace: string }> = createPodPatchClientFromKubeconfig({ context: "prod" });

export async function valid(): Promise<Pod | undefined> {
  const result: PatchPodResult = await client.patchPod({
    namespace: "default",
    name: "web",
    contentType: "application/json-patch+json",
    body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
  });
  return result.data;
}

const fetchClient = createPodPatchFetchClient({ baseUrl: "https://127.0.0.1:6443", credentials: { xAuthToken: "t" } });

export async function viaOpenapiFetch(): Promise<Pod | undefined> {
  const { data, error } = await fetchClient.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
    params: { path: { namespace: "default", name: "web" }, query: { dryRun: ["All"] } },
    headers: { "Content-Type": "application/merge-patch+json" },
    body: { metadata: { labels: { app: "web" } } },
  });
  return error ? undefined : data;
}

export async function invalid(): Promise<void> {
  await fetchClient.GET("/api/v1/namespaces/{namespace}/pods/{name}", {
    // @ts-expect-error "nme" is not a path parameter
    params: { path: { namespace: "default", nme: "web" } },
  });
  await client.patchPod({
    namespace: "default",
    name: "web",
    contentType: "application/json-patch+json",
    body: [
      // @ts-expect-error the Pod has no member "imagee"
      { op: "replace", path: "/spec/containers/0/imagee", value: "nginx:1.27" },
    ],
  });
}
`,
  "cjs.cts": `
import pod = require("pod-patch-contract");

const client = pod.createPodPatchClient({ baseUrl: "https://127.0.0.1:6443", insecureSkipTlsVerify: true });
export const read: Promise<pod.ReadPodResult> = client.readPod({ namespace: "default", name: "web" });
export const body: pod.JsonPatchBody = pod.jsonPatch().replace("/spec/activeDeadlineSeconds", 30).build();
// @ts-expect-error activeDeadlineSeconds is a number
pod.jsonPatch().replace("/spec/activeDeadlineSeconds", "30");

import fetchEntry = require("pod-patch-contract/openapi-fetch");

const fetchClient: fetchEntry.PodPatchFetchClient = fetchEntry.createPodPatchFetchClient({ baseUrl: "https://127.0.0.1:6443" });
export const status: Promise<fetchEntry.Status | undefined> = fetchClient
  .GET("/api/v1/namespaces/{namespace}/pods/{name}", { params: { path: { namespace: "default", name: "web" } } })
  .then(({ error }) => error);
// @ts-expect-error "pod" is not "pods"
fetchClient.GET("/api/v1/namespaces/{namespace}/pod/{name}", { params: { path: { namespace: "default", name: "web" } } });
`,
};

const resolutions = {
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "Preserve", moduleResolution: "Bundler" },
};

let work: string;
let dependencyTarballs: string[];
let projectTarball: string;
let packedFiles: string[];
let snapshot: string;
let mock: RunningMock;
let kubeconfig: string;
let mockPod: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "pod-patch-consumer-"));
  const packs = join(work, "packs");
  mkdirSync(packs);
  kubeconfig = join(work, "mock.kubeconfig");
  type Packed = Array<{ filename: string; files: { path: string }[] }>;
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packs, "."], projectRoot).stdout) as Packed;
  projectTarball = join(packs, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((file) => file.path);
  // Installed dependencies are packed as they are: their lifecycle scripts belong to their own repositories
  // (js-yaml's prepack runs its test suite and linter, which an install does not have).
  const dependencies = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packs, ...runtimeDependencyFolders()], projectRoot)
      .stdout,
  ) as Packed;
  dependencyTarballs = dependencies.map(({ filename }) => join(packs, filename));
  snapshot = join(work, "snapshot");
  mkdirSync(snapshot);
  snapshotRepository(snapshot);
  // Started last: the synchronous steps above would hold up its start-up timer's event loop.
  mock = await startMock({ tls: true, kubeconfig });
  const spec = JSON.parse(readFileSync(join(projectRoot, "generated", "openapi.json"), "utf8"));
  mockPod = spec.components.examples.PodWebRunning.value.metadata.name;
}, timeout);

afterAll(async () => {
  if (mock !== undefined) expect(await mock.stop()).toBe(0);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** A fresh project that installs the package given as `spec` (a tarball, a git URL or a folder). */
function consumer(name: string, spec: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type: "module" }));
  for (const [file, text] of Object.entries(programs)) writeFileSync(join(dir, file), text);
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", ...dependencyTarballs, spec], dir);
  return dir;
}

/** The checks every installation must pass. */
function checkInstalled(dir: string, options: { types: boolean; mock: boolean }): void {
  const installed = join(dir, "node_modules", "pod-patch-contract");
  for (const file of [
    "LICENSE",
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/openapi-fetch.js",
    "dist/src/cli/pod-patch.js",
    "generated/openapi.json",
  ]) {
    expect(existsSync(join(installed, file)), file).toBe(true);
  }
  expect(run(process.execPath, ["check.mjs"], dir).stdout).toBe("import ok\n");
  expect(run(process.execPath, ["check.cjs"], dir).stdout).toBe("require ok\n");

  const bin = (args: string[], expectedStatus = 0) =>
    run("npm", ["exec", "--offline", "--", "pod-patch", ...args], dir, expectedStatus);
  expect(bin(["--help"]).stdout).toMatch(/^usage: pod-patch <command>.*\n {2}patch .*\n.*\n {2}verify /s);
  expect(bin(["bogus"], 2).stderr).toMatch(/^pod-patch: unknown command "bogus"\nusage: pod-patch <command>/);
  expect(bin(["verify", "--help"]).stdout).toMatch(/^usage: pod-patch verify \[--kubeconfig FILE\]/);
  expect(bin(["verify", "--bogus"], 2).stderr).toMatch(/^pod-patch verify: Unknown option '--bogus'\nusage: pod-patch verify/);
  // The patch CLI, as `pod-patch patch` and as the bin took it before it had subcommands.
  const patch = ["--pod", "pod.json", "--type", "merge", "--patch", '{"metadata":{"labels":{"app":"web"}}}'];
  for (const args of [["patch", ...patch], patch]) expect(JSON.parse(bin(args).stdout).metadata.labels).toEqual({ app: "web" });
  if (options.types) {
    for (const [resolution, compilerOptions] of Object.entries(resolutions)) {
      const folder = join(dir, resolution);
      mkdirSync(folder);
      for (const [file, text] of Object.entries(typedPrograms)) writeFileSync(join(folder, file), text);
      const tsconfig = {
        compilerOptions: { ...compilerOptions, target: "ES2022", lib: ["ES2023", "DOM"], types: [], strict: true, noEmit: true },
        files: Object.keys(typedPrograms),
      };
      writeFileSync(join(folder, "tsconfig.json"), JSON.stringify(tsconfig));
      expect(run(process.execPath, [tsc, "-p", "tsconfig.json"], folder).stdout, resolution).toBe("");
    }
  }
  if (options.mock) {
    expect(run(process.execPath, ["patch-mock.mjs", kubeconfig, mockPod], dir).stdout).toBe("200 Pod\n200 Pod\n");
    // A whole verify run from the installed package, through CCE's gateway route to the TLS mock: the mock
    // publishes no OpenAPI document of its own, so the run ends 1 with that difference reported.
    const verified = bin(["verify", "--kubeconfig", kubeconfig, "--gateway", "--pod", mockPod, "--json", "report.json"], 1);
    expect(verified.stdout).toMatch(/^ {2}probes: media types +\d+\/\d+$/m);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as {
      unexplained: { id: string }[];
      probes: unknown[];
    };
    expect(report.unexplained.map((difference) => difference.id)).toContain("schema:unavailable");
    expect(report.probes.length).toBeGreaterThan(40);
  }
}

describe("npm pack", () => {
  it("holds the compiled package, its LICENSE and the OpenAPI files, and no sources", () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "package.json",
        "dist/src/index.js",
        "dist/src/index.d.ts",
        "dist/src/openapi.d.ts",
        "dist/src/openapi-fetch.js",
        "dist/src/openapi-fetch.d.ts",
        "dist/src/cli/pod-patch.js",
        "dist/src/cli/verify.js",
        "dist/generated/patch-pod-operation.js",
        "generated/openapi.json",
        "generated/openapi.yaml",
        "docs/client.md",
      ]),
    );
    expect(packedFiles.filter((path) => /^(src|test|tools|openapi|bench)\//.test(path))).toEqual([]);
  });

  it("npm publish --dry-run has nothing to warn about but the missing login", () => {
    const { stderr } = run("npm", ["publish", "--dry-run", "--offline", "--ignore-scripts"], projectRoot);
    const warnings = stderr
      .split("\n")
      .filter((line) => line.startsWith("npm warn") && !/requires you to be logged in/.test(line));
    expect(warnings).toEqual([]);
  });
});

describe("installed from the tarball", () => {
  it(
    "imports, requires, type-checks under nodenext and bundler, runs its bin and patches the TLS mock",
    () => {
      checkInstalled(consumer("tarball", projectTarball), { types: true, mock: true });
    },
    timeout,
  );
});

describe("installed from a git URL", () => {
  it(
    "builds in prepare, then passes the same checks",
    () => {
      const dir = consumer("git", `git+file://${snapshot}`);
      checkInstalled(dir, { types: true, mock: true });
    },
    timeout,
  );
});

describe("installed from a path", () => {
  it(
    "links the project folder (built by prepare) and passes the runtime checks",
    () => {
      checkInstalled(consumer("path", projectRoot), { types: false, mock: false });
    },
    timeout,
  );
});
