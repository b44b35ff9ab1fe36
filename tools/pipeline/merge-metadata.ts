/**
 * Part of the generate stage (called by tools/pipeline/generate.ts, not a CLI): derives the Pod model's
 * merge metadata from the bundle — for every schema in the Pod closure, each property's shape
 * (scalar, object, opaque object, list, map) and its Kubernetes patch extensions (merge key, patch
 * strategy, list type, list-map keys and the defaults of those keys, map type), and the schemas that are
 * atomic as a whole (`x-kubernetes-map-type: atomic` on the schema: server-side apply owns and replaces
 * them as one value). The typed patch builders (compile time) and the local patch engine (run time) both
 * read these tables instead of a hand-kept list.
 */
import type { PropertyShape } from "../../src/engine/metadata.js";
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

function shapeOf(schemas: OpenApiNode, property: OpenApiNode): PropertyShape {
  const extensions = {
    ...(property["x-kubernetes-patch-merge-key"] && { mergeKey: property["x-kubernetes-patch-merge-key"] as string }),
    ...(property["x-kubernetes-patch-strategy"] && { strategy: property["x-kubernetes-patch-strategy"] as string }),
  };
  if (property.type === "array") {
    return {
      kind: "list",
      items: elementType(schemas, property.items),
      ...extensions,
      ...(property["x-kubernetes-list-type"] && { listType: property["x-kubernetes-list-type"] as string }),
      ...(property["x-kubernetes-list-map-keys"] && { listMapKeys: property["x-kubernetes-list-map-keys"] as string[] }),
      ...(keyDefaults(schemas, property.items, property["x-kubernetes-list-map-keys"]) && {
        keyDefaults: keyDefaults(schemas, property.items, property["x-kubernetes-list-map-keys"]),
      }),
    };
  }
  if (property.type === "object" && property.additionalProperties !== undefined) {
    return {
      kind: "map",
      values: elementType(schemas, property.additionalProperties),
      ...extensions,
      ...(property["x-kubernetes-map-type"] && { mapType: property["x-kubernetes-map-type"] as string }),
    };
  }
  const name = schemaName(property);
  if (name !== undefined) {
    if (hasProperties(schemas, name)) return { kind: "object", schema: name };
    return schemas[name]?.type === "object" ? { kind: "opaque" } : { kind: "scalar" };
  }
  return property.type === "object" ? { kind: "opaque" } : { kind: "scalar" };
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
      const shape = shapeOf(schemas, node);
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
