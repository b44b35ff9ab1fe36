/**
 * Test support for the Pod model in the bundle (generated/openapi.json): walks the `$ref` closure of a
 * component schema; compiling component schemas is src/contract/schema-validator.ts's (re-exported here).
 */
import type { OpenApiNode } from "../../tools/pipeline/common.js";

export type Json = OpenApiNode;

const componentPrefix = "#/components/schemas/";

/** Keywords whose values are subschemas that may hold a `$ref` to another component. */
const subschemaKeywords = ["items", "additionalProperties"] as const;
const subschemaListKeywords = ["oneOf", "anyOf", "allOf"] as const;

/** `#/components/schemas/PodSpec` → `PodSpec`. */
export function componentName(ref: string): string {
  if (!ref.startsWith(componentPrefix)) throw new Error(`not a component schema reference: ${ref}`);
  return ref.slice(componentPrefix.length);
}

/** Reads the target of a reference node, or undefined when the node is not one. */
export type RefReader = (node: Json) => string | undefined;

/** The bundle's own references: `{ $ref: "#/components/schemas/<Name>" }`. */
export const bundleRef: RefReader = (node) => (typeof node.$ref === "string" ? componentName(node.$ref) : undefined);

/** The schemas one schema refers to directly (through properties, items, maps and combinators). */
export function directRefs(schema: Json, refOf: RefReader = bundleRef): string[] {
  const refs: string[] = [];
  const visit = (node: Json | undefined): void => {
    if (typeof node !== "object" || node === null) return;
    const ref = refOf(node);
    if (ref !== undefined) refs.push(ref);
    for (const property of Object.values<Json>(node.properties ?? {})) visit(property);
    for (const keyword of subschemaKeywords) visit(node[keyword]);
    for (const keyword of subschemaListKeywords) for (const branch of node[keyword] ?? []) visit(branch);
  };
  visit(schema);
  return refs;
}

/** Every schema reachable from `root` (root included), following references through nested schemas. */
export function componentClosure(schemas: Json, root: string, refOf: RefReader = bundleRef): Set<string> {
  const seen = new Set<string>();
  const pending = [root];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`dangling reference to ${name}`);
    seen.add(name);
    pending.push(...directRefs(schema, refOf));
  }
  return seen;
}

export { compileComponent, errorField, formatErrors } from "../../src/contract/schema-validator.js";
