// Typed strategic merge patch bodies, walked schema by schema along the generated merge metadata:
// a deep-partial Pod in which `null` deletes a member, lists with a merge key take partial elements
// that carry the key, other lists are given whole, and each directive is typed only where the
// metadata lets it apply:
// - `$patch` in every object, map and merge-key list element (and `{ $patch: "replace" }` as a list entry);
// - `$setElementOrder/<list>` beside a list whose strategy is `merge` (merge keys only, or the values);
// - `$deleteFromPrimitiveList/<list>` beside a list of scalars whose strategy is `merge`;
// - `$retainKeys` in the elements of a list (or in a map) whose strategy includes `retainKeys`.
import type { PodMergeMetadata } from "../../generated/merge-metadata.js";
import type {
  ShapeOf,
  ListItem,
  MapValue,
  ObjectSchemaOf,
  SchemaName,
  Schemas,
  WithinContract,
  IgnoredMember,
} from "./schemas.js";

type StrategicBody = Schemas["PodStrategicMergePatch"];

/** The values of `$patch`, as the contract's strategic body schema lists them. */
export type PatchDirective = NonNullable<StrategicBody["$patch"]>;

type MergeStrategy = `${string}merge${string}`;
type RetainKeysStrategy = `${string}retainKeys${string}`;

/** Shape of a list merged element by element on its merge key. */
type MergeKeyList<Item extends SchemaName = SchemaName, Key extends string = string> = {
  kind: "list";
  items: Item;
  mergeKey: Key;
  strategy: MergeStrategy;
};

/** Shape of a list of scalars merged as a set. */
type PrimitiveMergeList = { kind: "list"; items: "scalar"; strategy: MergeStrategy };

type RetainsKeys<Shape> = Shape extends { strategy: RetainKeysStrategy } ? true : false;

/** `$retainKeys`, when the field holding this object has the retainKeys strategy. */
type RetainKeysDirective<Keys, Retain extends boolean> = Retain extends true ? { $retainKeys?: Keys[] } : unknown;

/** The merge key of a `Item` element, required and non-null. */
type MergeKeyOf<Item extends SchemaName, Key extends string> = {
  [P in Key & keyof Schemas[Item]]-?: NonNullable<Schemas[Item][P]>;
};

type ListsWithShape<S extends SchemaName, Shape> = {
  [K in keyof PodMergeMetadata[S]]: PodMergeMetadata[S][K] extends Shape ? K : never;
}[keyof PodMergeMetadata[S]] &
  keyof Schemas[S] &
  string;

/** One `$setElementOrder/<list>` entry: the merge key of an element, or a value of a primitive list. */
type ElementOrderEntry<S extends SchemaName, K extends keyof Schemas[S]> =
  ShapeOf<S, K> extends MergeKeyList<infer Item, infer Key> ? MergeKeyOf<Item, Key> : ListItem<S, K>;

type ListDirectives<S extends SchemaName> = {
  [K in ListsWithShape<S, MergeKeyList | PrimitiveMergeList> as `$setElementOrder/${K}`]?: ElementOrderEntry<S, K>[];
} & {
  [K in ListsWithShape<S, PrimitiveMergeList> as `$deleteFromPrimitiveList/${K}`]?: ListItem<S, K>[];
};

/** A strategic merge patch of an object of schema `S`. */
export type StrategicMergePatch<S extends SchemaName, Retain extends boolean = false> = {
  [K in keyof Schemas[S]]?: StrategicMember<S, K> | null;
} & { $patch?: PatchDirective } & RetainKeysDirective<keyof Schemas[S] & string, Retain> &
  ListDirectives<S>;

/** A map patched key by key; `null` deletes a key. */
type StrategicMap<S extends SchemaName, K extends keyof Schemas[S], Values, Retain extends boolean> = {
  [key: string]: (Values extends SchemaName ? StrategicMergePatch<Values> : MapValue<S, K>) | null;
} & { $patch?: PatchDirective } & RetainKeysDirective<string, Retain>;

/** An entry of a merge-key list: a partial element that names its merge key, or the list's own `$patch: replace`. */
type MergeKeyListEntry<Item extends SchemaName, Key extends string, Retain extends boolean> =
  | (StrategicMergePatch<Item, Retain> & MergeKeyOf<Item, Key>)
  | { $patch: "replace" };

/** Property `K` of `S` in a strategic merge patch; scalars, opaque values and lists without a merge key as generated. */
type StrategicMember<S extends SchemaName, K extends keyof Schemas[S]> =
  ShapeOf<S, K> extends { kind: "object"; schema: infer O extends SchemaName }
    ? StrategicMergePatch<O>
    : ShapeOf<S, K> extends { kind: "map"; values: infer Values }
      ? StrategicMap<S, K, Values, RetainsKeys<ShapeOf<S, K>>>
      : ShapeOf<S, K> extends MergeKeyList<infer Item, infer Key>
        ? MergeKeyListEntry<Item, Key, RetainsKeys<ShapeOf<S, K>>>[]
        : Schemas[S][K];

/**
 * The `application/strategic-merge-patch+json` body: the contract's schema, with `metadata` and `spec`
 * as strategic patches. Where the contract is narrower it wins: its `spec.containers` are complete
 * Containers, so no `null` member and no `{ $patch: "replace" }` entry there.
 */
export type PodStrategicMergePatch = WithinContract<
  StrategicBody,
  {
    [K in keyof StrategicBody as K extends IgnoredMember ? never : K]: [ObjectSchemaOf<"Pod", K>] extends [never]
      ? StrategicBody[K]
      : StrategicMergePatch<ObjectSchemaOf<"Pod", K>>;
  }
>;
