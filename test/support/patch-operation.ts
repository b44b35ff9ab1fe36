/**
 * The bundled contract's PATCH operation as Prism reads it (tools/servers/spec.ts loadSpec on
 * generated/openapi.json), for tests that call Prism's validators on it directly.
 * Rejects when the bundle has no PATCH operation.
 */
import { join } from "node:path";
import { generatedDir } from "../../tools/pipeline/common.js";
import { loadSpec, type PrismOperation } from "../../tools/servers/spec.js";

export async function loadPatchOperation(): Promise<PrismOperation> {
  const { operations } = await loadSpec(join(generatedDir, "openapi.json"));
  const found = operations.find((operation) => operation.method === "patch");
  if (found === undefined) throw new Error("the bundle has no PATCH operation");
  return found;
}
