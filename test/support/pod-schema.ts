/**
 * Test support for the Pod model in the bundle (generated/openapi.json): walks the `$ref` closure of a
 * component schema, and compiles component schemas with Ajv 2020 the way the contract means them —
 * refs resolved against the bundle, the spec's formats checked, OpenAPI/Kubernetes annotations allowed.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import type { OpenApiNode } from "../../tools/pipeline/common.js";

export type Json = OpenApiNode;

const componentPrefix = "#/components/schemas/";

/** Base URI the bundle is registered under, so `#/components/schemas/<Name>` resolves inside it. */
const bundleId = "https://pod-patch-contract.test/openapi.json";

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

/** Every key starting with `x-` anywhere in the bundle's schemas (OpenAPI/Kubernetes annotations). */
function extensionKeywords(schemas: Json): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) found.add(key);
      else visit(value);
    }
  };
  visit(schemas);
  return [...found].sort();
}

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const int64 = { min: -(2 ** 63), max: 2 ** 63 };

/**
 * An Ajv 2020 instance holding the bundle's schemas. Strict mode stays on, so a keyword or format
 * the spec starts using without being registered here fails compilation instead of being ignored.
 * Only strictTypes is off: IntOrString, like upstream, puts `format` beside a oneOf with no `type`.
 */
function createAjv(document: Json): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  addFormats.default(ajv, ["date-time"]);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= int32.min && n <= int32.max });
  // int64 beyond 2^53 cannot be exact in JSON.parse; the range check still rejects overflow.
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= int64.min && n < int64.max });
  // IntOrString carries this label next to a oneOf whose branches (int32 integer | string) do the checking.
  ajv.addFormat("int-or-string", true);
  // `components` is only the container the refs point into; the x- keys are annotations.
  ajv.addVocabulary(["components", ...extensionKeywords(document.components.schemas)]);
  ajv.addSchema({ $id: bundleId, components: { schemas: document.components.schemas } });
  return ajv;
}

/** Compiles `components.schemas.<name>` of the bundle into a validator. */
export function compileComponent(document: Json, name: string): ValidateFunction {
  const validate = createAjv(document).getSchema(`${bundleId}${componentPrefix}${name}`);
  if (validate === undefined) throw new Error(`bundle has no components.schemas.${name}`);
  return validate;
}

/**
 * The field an Ajv error is about, as a JSON pointer into the instance: the instance path, plus the
 * missing member for `required`.
 */
export function errorField(error: ErrorObject): string {
  return error.keyword === "required" ? `${error.instancePath}/${error.params.missingProperty as string}` : error.instancePath;
}

/** One line per Ajv error, for assertion messages. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${errorField(error) || "/"} ${error.keyword}: ${error.message ?? ""}`).join("\n");
}
