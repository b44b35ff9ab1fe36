/**
 * Loads the bundled OpenAPI document the mock serves and turns it into Prism operations.
 *
 * Input: path of a bundled spec (`.json`, or YAML for any other extension) and a profile: `kubernetes`
 * (the contract as it is) or `cce`, which narrows every JSON Patch operation schema to the operations
 * its `x-cce-json-patch-ops` names (CCE's documented add and replace; docs/decisions/0010-cce-json-patch-profile.md).
 * Output: Prism's operation list (`getHttpOperationsFromSpec`); `loadSpec` also returns the parsed document (the stateful
 * mock seeds its Pods from the examples and serves kubectl's OpenAPI document from it). Throws an Error naming the file when it cannot be
 * read or parsed, when it still has a `$ref` that leaves the document (Prism would fetch it: the mock
 * never touches the network, so the spec must be bundled), or when it declares no operation.
 */
import { readFileSync } from "node:fs";
import { getHttpOperationsFromSpec } from "@stoplight/prism-http";
import { parse as parseYaml } from "yaml";

export type PrismOperation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];

import type { Profile } from "./profiles.js";

export { type Profile, profiles } from "./profiles.js";

/** Narrows, in place, every schema with `x-cce-json-patch-ops` to those operations; returns how many it narrowed. */
function applyCceProfile(node: unknown): number {
  if (Array.isArray(node)) return node.reduce<number>((count, item) => count + applyCceProfile(item), 0);
  if (node === null || typeof node !== "object") return 0;
  const schema = node as Record<string, unknown>;
  let count = Object.values(schema).reduce<number>((total, child) => total + applyCceProfile(child), 0);
  const ops = schema["x-cce-json-patch-ops"];
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (Array.isArray(ops) && properties?.op !== undefined) {
    properties.op = { ...properties.op, enum: ops };
    count += 1;
  }
  return count;
}

/** JSON pointer of the first `$ref` that does not point inside the document, or undefined. */
function findExternalRef(node: unknown, pointer: string): string | undefined {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findExternalRef(item, `${pointer}/${index}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) return `${pointer}/$ref (${value})`;
    const found = findExternalRef(value, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A schema's text without Stoplight's ids (`x-stoplight`, an annotation that neither Prism nor ajv reads). */
const schemaText = (schema: unknown): string =>
  JSON.stringify(schema, (name, value: unknown) => (name === "x-stoplight" ? undefined : value));

/**
 * Gives the bodies and answers whose schemas are the same but for Stoplight's ids one schema object, in
 * place. Prism compiles a validator per schema object (@stoplight/prism-http validator/validators/utils.js
 * getValidationFunction keeps them by object), and Stoplight's http-spec gives every response a copy of
 * its own, with an id of its own: the Pod schema of GET's 200 and of PATCH's 200 and 201 was compiled
 * three times, 0.2–0.35 s each.
 */
function shareSchemas(operations: PrismOperation[]): void {
  const shared = new Map<string, unknown>();
  const contents = operations.flatMap((operation) => [
    ...(operation.request?.body?.contents ?? []),
    ...operation.responses.flatMap((response) => response.contents ?? []),
  ]);
  for (const content of contents) {
    if (content.schema === undefined) continue;
    const text = schemaText(content.schema);
    const first = shared.get(text);
    if (first === undefined) shared.set(text, content.schema);
    else content.schema = first as typeof content.schema;
  }
}

export interface LoadedSpec {
  document: Record<string, unknown>;
  operations: PrismOperation[];
}

export async function loadOperations(specPath: string, profile: Profile = "kubernetes"): Promise<PrismOperation[]> {
  return (await loadSpec(specPath, profile)).operations;
}

export async function loadSpec(specPath: string, profile: Profile = "kubernetes"): Promise<LoadedSpec> {
  let document: unknown;
  try {
    const text = readFileSync(specPath, "utf8");
    document = specPath.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`cannot load spec ${specPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const externalRef = findExternalRef(document, "#");
  if (externalRef !== undefined) {
    throw new Error(`spec ${specPath} is not bundled: external reference at ${externalRef}; run \`npm run bundle\` first`);
  }
  if (profile === "cce" && applyCceProfile(document) === 0) {
    throw new Error(`spec ${specPath} has no x-cce-json-patch-ops, so it has no cce profile`);
  }
  // Prism dereferences in place; the document handed back stays as it was read.
  const operations = await getHttpOperationsFromSpec(structuredClone(document) as object);
  if (operations.length === 0) throw new Error(`spec ${specPath} declares no operation`);
  shareSchemas(operations);
  return { document: document as Record<string, unknown>, operations };
}
