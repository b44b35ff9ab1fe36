// Packaging test: `npm pack` the project (prepack compiles dist/), install the tarball offline into a scratch
// ESM project, then import it from plain JavaScript and type-check a TypeScript caller against its .d.ts files.
// Offline, npm can resolve a registry dependency only from metadata it has cached, which `npm ci` never
// fetches; so the runtime dependencies are packed from node_modules too and installed alongside.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";

const timeout = 120_000;

/**
 * Without the npm_* variables of an enclosing `npm test`, so the nested npm sees only its own cwd; and
 * without npm's update check, which would ask the registry.
 */
const childEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"))),
  npm_config_update_notifier: "false",
};

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: childEnv, encoding: "utf8", timeout });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const checkMjs = `
import assert from "node:assert/strict";
import { createPodPatchClient, InvalidPathParameterError, patchMediaTypes } from "pod-patch-contract";

assert.deepEqual(patchMediaTypes, [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
]);
const client = createPodPatchClient({ baseUrl: "http://127.0.0.1:9", credentials: { bearerToken: "t" } });
assert.deepEqual(Object.keys(client), ["patchPod"]);
await assert.rejects(
  client.patchPod({ namespace: "default", name: "..", contentType: "application/merge-patch+json", body: {} }),
  InvalidPathParameterError,
);
console.log("import ok");
`;

const checkTs = `
import { createPodPatchClient, type PatchBody, type PatchPodResult, type Pod } from "pod-patch-contract";

const client = createPodPatchClient({ baseUrl: "http://127.0.0.1:9", credentials: { xAuthToken: "t" } });
const labels: PatchBody<"application/merge-patch+json"> = { metadata: { labels: { app: "web" } } };

export async function valid(): Promise<Pod | undefined> {
  const result: PatchPodResult = await client.patchPod({
    namespace: "default",
    name: "web",
    contentType: "application/merge-patch+json",
    body: labels,
  });
  return result.error === undefined ? result.data : undefined;
}

export async function invalid(): Promise<void> {
  await client.patchPod({
    namespace: "default",
    name: "web",
    contentType: "application/json-patch+json",
    // @ts-expect-error a JSON Patch move takes the member at \`from\`, which is missing
    body: [{ op: "move", path: "/metadata/labels/app" }],
  });
}
`;

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023", "DOM"],
    types: [],
    strict: true,
    noEmit: true,
  },
  files: ["check.ts"],
};

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

let packDir: string;
let scratchDir: string;
let packedFiles: string[];

beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), "pod-patch-pack-"));
  scratchDir = mkdtempSync(join(tmpdir(), "pod-patch-scratch-"));
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", packDir, ".", ...runtimeDependencyFolders()], projectRoot),
  ) as Array<{
    filename: string;
    files: { path: string }[];
  }>;
  packedFiles = packed[0]!.files.map((file) => file.path);
  writeFileSync(join(scratchDir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", ...packed.map((tarball) => join(packDir, tarball.filename))],
    scratchDir,
  );
}, timeout);

afterAll(() => {
  for (const dir of [packDir, scratchDir]) {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

test("the tarball holds the compiled entry point and no sources", () => {
  expect(packedFiles).toEqual(
    expect.arrayContaining(["dist/src/index.js", "dist/src/index.d.ts", "dist/generated/patch-pod-operation.js", "package.json"]),
  );
  expect(packedFiles.filter((path) => /^(src|test|tools|openapi)\//.test(path))).toEqual([]);
});

test("plain JavaScript imports createPodPatchClient and patchMediaTypes", () => {
  writeFileSync(join(scratchDir, "check.mjs"), checkMjs);
  expect(run(process.execPath, ["check.mjs"], scratchDir)).toContain("import ok");
});

test(
  "a TypeScript caller type-checks against the published declarations",
  () => {
    writeFileSync(join(scratchDir, "check.ts"), checkTs);
    writeFileSync(join(scratchDir, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    expect(run(process.execPath, [tsc, "-p", "tsconfig.json"], scratchDir)).toBe("");
  },
  timeout,
);
