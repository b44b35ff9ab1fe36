// Read access to generated/merge-metadata.ts for the engine: where a JSON object sits in the Pod model
// and the shape of each of its members. Inputs: a node (schema, map values, or opaque) and a member
// name. Outputs: the member's shape (undefined for a field the model does not know) and the node of
// the objects inside it. Every strategy, merge key, list type and map type comes from this table.
import { podMergeMetadata } from "../../generated/merge-metadata.js";

/**
 * Which JSON values a leaf of the Pod decodes from, as the contract types it: a string, a boolean, an
 * integer of 32 or 64 bits, any number, or one of the types that decode themselves — a quantity (a string
 * or a number), an int-or-string, an RFC 3339 time. Null decodes into every one (Go's zero value).
 */
export type ScalarType = "string" | "boolean" | "int32" | "int64" | "number" | "quantity" | "int-or-string" | "time";

/**
 * The shape of one property of a schema and its Kubernetes patch extensions: one entry of the table in
 * generated/merge-metadata.ts, which the generate stage (tools/pipeline/merge-metadata.ts) builds with this type.
 */
export type PropertyShape =
  | { readonly kind: "scalar"; readonly type?: ScalarType }
  | { readonly kind: "object"; readonly schema: string }
  | { readonly kind: "opaque" }
  | {
      readonly kind: "list";
      readonly items: string;
      /** The type of the elements when `items` is "scalar". */
      readonly itemType?: ScalarType;
      readonly mergeKey?: string;
      readonly strategy?: string;
      readonly listType?: string;
      readonly listMapKeys?: readonly string[];
      /** Defaults of list-map keys: server-side apply identifies an element missing such a key by its default. */
      readonly keyDefaults?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: "map";
      readonly values: string;
      /** The type of the values when `values` is "scalar". */
      readonly valueType?: ScalarType;
      readonly mapType?: string;
      readonly strategy?: string;
    };

const schemas: Readonly<Record<string, Readonly<Record<string, PropertyShape>>>> = podMergeMetadata;

/** A JSON object in the Pod: an instance of a schema, a map (any key, one value type), or opaque. */
export type ObjectNode =
  | { readonly kind: "schema"; readonly schema: string }
  | { readonly kind: "map"; readonly values: string }
  | { readonly kind: "opaque" };

export const podNode: ObjectNode = { kind: "schema", schema: "Pod" };

const scalarShape: PropertyShape = { kind: "scalar" };
const opaqueShape: PropertyShape = { kind: "opaque" };
const opaqueNode: ObjectNode = { kind: "opaque" };

/** The shape of member `key` of an object at `node`; undefined when the schema has no such field. */
export function fieldShape(node: ObjectNode, key: string): PropertyShape | undefined {
  switch (node.kind) {
    case "schema": {
      const properties = schemas[node.schema];
      return properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
    }
    case "map":
      return node.values === "scalar" ? scalarShape : { kind: "object", schema: node.values };
    case "opaque":
      return opaqueShape;
  }
}

/** The node of the object a member holds (for a list, of its elements). */
export function objectNode(shape: PropertyShape): ObjectNode {
  switch (shape.kind) {
    case "object":
      return { kind: "schema", schema: shape.schema };
    case "map":
      return { kind: "map", values: shape.values };
    case "list":
      return shape.items === "scalar" ? opaqueNode : { kind: "schema", schema: shape.items };
    case "scalar":
    case "opaque":
      return opaqueNode;
  }
}

/** The patch strategy of a field without `retainKeys` ("merge", "replace" or ""), as upstream splits it. */
export function patchStrategy(shape: PropertyShape): string {
  const strategy = shape.kind === "list" || shape.kind === "map" ? (shape.strategy ?? "") : "";
  return strategy.split(",").find((part) => part !== "retainKeys") ?? "";
}
