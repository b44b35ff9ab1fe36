// Builds the pod-patch-contract-servers package (docs/decisions/0014-mock-and-proxy-package.md); npm pack runs
// it (prepack). Input: the repository's tools/servers/ (and what it imports from tools/ and src/) and the bundled
// spec generated/openapi.json. Output: dist/ (tsc, tsconfig.build.json, the repository's layout) and
// generated/openapi.json beside it, where the mock's default `--spec` looks (the package's own generated/).
// Exit codes: tsc's when it fails; 1 when the spec is missing (run `npm run build` in the repository).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const spec = join(here, "..", "..", "generated", "openapi.json");
if (!existsSync(spec)) {
  console.error(`build: no bundled spec at ${spec}: run npm run build in the repository first`);
  process.exit(1);
}
rmSync(join(here, "dist"), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", join(here, "tsconfig.build.json")], { stdio: "inherit" });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
mkdirSync(join(here, "generated"), { recursive: true });
copyFileSync(spec, join(here, "generated", "openapi.json"));
