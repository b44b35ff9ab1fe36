/**
 * The bundled contract (generated/openapi.json) as the package ships it, read at run time by the parts
 * of the package that need the whole document (src/verify). Found by walking up from this module to the
 * folder whose package.json names this package, so it resolves the same from the sources (src/contract),
 * the stage launcher's copy (.stages/src/contract), the compiled package (dist/src/contract) and an
 * installed copy under node_modules.
 *
 * Output: the parsed document (cached). Throws when the package's generated/openapi.json is missing
 * (a checkout that was never built: `npm run build`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pointerSegments } from "../json-pointer/pointer.js";

/**
 * A node of an OpenAPI document walked without a static type: its shape is what JSON Schema says, which
 * TypeScript cannot follow through `$ref`s. One alias for every walk of the bundle (tools/ re-export it).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export type OpenApiNode = Record<string, any>;

/** The component a reference names: its last segment (`#/components/schemas/Pod` → `Pod`). */
export const refName = (ref: string): string => ref.slice(ref.lastIndexOf("/") + 1);

/**
 * The node a local reference (`#/components/…`, RFC 6901 escapes undone) points at, following references
 * in turn; a node without `$ref` (or `undefined`) is returned as it is. Throws on a reference to nothing.
 */
export function dereference(document: OpenApiNode, node: OpenApiNode): OpenApiNode;
export function dereference(document: OpenApiNode, node: OpenApiNode | undefined): OpenApiNode | undefined;
export function dereference(document: OpenApiNode, node: OpenApiNode | undefined): OpenApiNode | undefined {
  if (typeof node?.$ref !== "string") return node;
  const target = pointerSegments(node.$ref.replace(/^#/, "")).reduce(
    (at: OpenApiNode | undefined, key: string) => at?.[key],
    document,
  );
  if (target === undefined) throw new Error(`dangling reference ${node.$ref}`);
  return dereference(document, target);
}

const packageName = "pod-patch-contract";

function packageRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
      if (name === packageName) return folder;
    }
    if (dirname(folder) === folder) throw new Error(`no package.json of ${packageName} above ${from}`);
  }
}

/** Path of the bundled contract inside the package. */
export function bundledContractPath(): string {
  return join(packageRoot(dirname(fileURLToPath(import.meta.url))), "generated", "openapi.json");
}

let cached: OpenApiNode | undefined;

export function loadBundledContract(): OpenApiNode {
  if (cached !== undefined) return cached;
  const path = bundledContractPath();
  if (!existsSync(path)) throw new Error(`the bundled contract ${path} is missing; run: npm run build`);
  cached = JSON.parse(readFileSync(path, "utf8")) as OpenApiNode;
  return cached;
}
