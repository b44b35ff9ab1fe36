/**
 * Part of the generate stage (called by tools/pipeline/generate.ts, not a CLI): derives the Pod model's
 * merge metadata from the bundle — for every schema in the Pod closure, each property's shape
 * (scalar, object, opaque object, list, map) and its Kubernetes patch extensions (merge key, patch
 * strategy, list type, list-map keys and the defaults of those keys, map type), and the schemas that are
 * atomic as a whole (`x-kubernetes-map-type: atomic` on the schema: server-side apply owns and replaces
 * them as one value), and the type of every leaf (string, boolean, int32/int64, number, and the types
 * that decode themselves: quantity, int-or-string, time), which the engine decodes a patched Pod with.
 * A leaf of a type the engine cannot decode stops the stage, naming the schema and property. The typed patch builders (compile time) and the local patch engine (run time) both
 * read these tables instead of a hand-kept list.
 */
import type { PropertyShape, ScalarType } from "../../src/engine/metadata.js";
import { SpecError } from "./common.js";
import type { OpenApiNode } from "./common.js";

const schemaPrefix = "#/components/schemas/";

function schemaName(node: OpenApiNode | undefined): string | undefined {
  const ref = node?.$ref;
  return typeof ref === "string" && ref.startsWith(schemaPrefix) ? ref.slice(schemaPrefix.length) : undefined;
}

/** A schema with properties is an object to descend into; one without (Quantity, Time, FieldsV1) is a leaf. */
function hasProperties(schemas: OpenApiNode, name: string): boolean {
  return Object.keys(schemas[name]?.properties ?? {}).length > 0;
}

/** Element or value type: a schema name when it has properties, "scalar" for leaves and primitives. */
function elementType(schemas: OpenApiNode, node: OpenApiNode | undefined): string {
  const name = schemaName(node);
  return name !== undefined && hasProperties(schemas, name) ? name : "scalar";
}

/** The `default` of each list-map key that has one (server-side apply fills a missing key with it). */
function keyDefaults(schemas: OpenApiNode, items: OpenApiNode | undefined, keys: unknown): Record<string, unknown> | undefined {
  const name = schemaName(items);
  if (name === undefined || !Array.isArray(keys)) return undefined;
  const properties: OpenApiNode = schemas[name]?.properties ?? {};
  const defaults = Object.fromEntries(
    keys.filter((key: string) => properties[key]?.default !== undefined).map((key: string) => [key, properties[key].default]),
  );
  return Object.keys(defaults).length === 0 ? undefined : defaults;
}

/** The JSON types a schema allows besides null: its `type` (one or a list) or those of its `oneOf` branches. */
function jsonTypes(node: OpenApiNode): string[] {
  if (Array.isArray(node.oneOf)) return node.oneOf.flatMap((branch: OpenApiNode) => jsonTypes(branch));
  const types: unknown[] = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  return types.filter((type): type is string => typeof type === "string" && type !== "null");
}

/**
 * The type of a leaf: a time or an int-or-string by its `format`; a quantity where a string or a number
 * is allowed; else its one JSON type (an integer by its format, int64 without one).
 */
function scalarType(schemas: OpenApiNode, node: OpenApiNode | undefined, where: string): ScalarType {
  const name = schemaName(node);
  const target: OpenApiNode = (name === undefined ? node : schemas[name]) ?? {};
  if (target.format === "date-time") return "time";
  if (target.format === "int-or-string") return "int-or-string";
  const types = [...new Set(jsonTypes(target))].sort();
  if (types.join() === "number,string") return "quantity";
  if (types.length === 1) {
    const [type] = types;
    if (type === "string" || type === "boolean" || type === "number") return type;
    if (type === "integer") return target.format === "int32" ? "int32" : "int64";
  }
  throw new SpecError("generate", [
    {
      file: "generated/openapi.json",
      line: 1,
      column: 1,
      severity: "error",
      rule: "generate",
      message: `${where}: the engine cannot decode a leaf of type ${JSON.stringify(types)}${target.format ? ` (format ${target.format})` : ""}`,
    },
  ]);
}

function shapeOf(schemas: OpenApiNode, property: OpenApiNode, where: string): PropertyShape {
  const extensions = {
    ...(property["x-kubernetes-patch-merge-key"] && { mergeKey: property["x-kubernetes-patch-merge-key"] as string }),
    ...(property["x-kubernetes-patch-strategy"] && { strategy: property["x-kubernetes-patch-strategy"] as string }),
  };
  if (property.type === "array") {
    const items = elementType(schemas, property.items);
    return {
      kind: "list",
      items,
      ...(items === "scalar" && { itemType: scalarType(schemas, property.items, `${where}[]`) }),
      ...extensions,
      ...(property["x-kubernetes-list-type"] && { listType: property["x-kubernetes-list-type"] as string }),
      ...(property["x-kubernetes-list-map-keys"] && { listMapKeys: property["x-kubernetes-list-map-keys"] as string[] }),
      ...(keyDefaults(schemas, property.items, property["x-kubernetes-list-map-keys"]) && {
        keyDefaults: keyDefaults(schemas, property.items, property["x-kubernetes-list-map-keys"]),
      }),
    };
  }
  if (property.type === "object" && property.additionalProperties !== undefined) {
    const values = elementType(schemas, property.additionalProperties);
    return {
      kind: "map",
      values,
      ...(values === "scalar" && { valueType: scalarType(schemas, property.additionalProperties, `${where}{}`) }),
      ...extensions,
      ...(property["x-kubernetes-map-type"] && { mapType: property["x-kubernetes-map-type"] as string }),
    };
  }
  const name = schemaName(property);
  if (name !== undefined) {
    if (hasProperties(schemas, name)) return { kind: "object", schema: name };
    return schemas[name]?.type === "object" ? { kind: "opaque" } : { kind: "scalar", type: scalarType(schemas, property, where) };
  }
  return property.type === "object" ? { kind: "opaque" } : { kind: "scalar", type: scalarType(schemas, property, where) };
}

/** Shapes of every property of every schema reachable from `root`, keyed by schema name. */
export function mergeMetadata(document: OpenApiNode, root = "Pod"): Record<string, Record<string, PropertyShape>> {
  const schemas: OpenApiNode = document.components?.schemas ?? {};
  if (!schemas[root]) {
    throw new SpecError("generate", [
      { file: "generated/openapi.json", line: 1, column: 1, severity: "error", rule: "generate", message: `no schema ${root}` },
    ]);
  }
  const table: Record<string, Record<string, PropertyShape>> = {};
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (table[name]) continue;
    const shapes: Record<string, PropertyShape> = {};
    for (const [property, node] of Object.entries<OpenApiNode>(schemas[name].properties ?? {})) {
      const shape = shapeOf(schemas, node, `${name}.${property}`);
      shapes[property] = shape;
      const next =
        shape.kind === "object"
          ? shape.schema
          : shape.kind === "list"
            ? shape.items
            : shape.kind === "map"
              ? shape.values
              : "scalar";
      if (next !== "scalar") pending.push(next);
    }
    table[name] = shapes;
  }
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
}

/** The schemas of the Pod closure that are atomic as a whole (`x-kubernetes-map-type: atomic` on the schema). */
export function atomicSchemas(document: OpenApiNode, root = "Pod"): string[] {
  const schemas: OpenApiNode = document.components?.schemas ?? {};
  return Object.keys(mergeMetadata(document, root)).filter((name) => schemas[name]?.["x-kubernetes-map-type"] === "atomic");
}

/** The generated TypeScript module: the table as a const, so its literal types drive compile-time checks. */
export function mergeMetadataModule(document: OpenApiNode, banner: string): string {
  return `${banner}/** Shape and patch extensions of every property in the Pod closure, keyed by schema name. */
export const podMergeMetadata = ${JSON.stringify(mergeMetadata(document), null, 2)} as const;

/** Schemas of the Pod closure that server-side apply treats as one value (\`x-kubernetes-map-type: atomic\`). */
export const podAtomicSchemas: readonly string[] = ${JSON.stringify(atomicSchemas(document))};

export type PodMergeMetadata = typeof podMergeMetadata;
`;
}
