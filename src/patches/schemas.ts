// Shared type-level view of the generated model for the typed patches: schemas by name, the merge
// metadata of their properties, and `WithinContract`, which keeps a Pod-derived patch type inside the
// contract's own body schema.
import type { PodMergeMetadata } from "../../generated/merge-metadata.js";
import type { Schemas } from "../operation/patch-pod.js";

export type { Schemas };

/**
 * Body members the contract accepts but the apiserver ignores: a patch never changes a Pod's `status`
 * (that is the status subresource's job), so the typed bodies leave it out rather than let a caller
 * write one that has no effect.
 */
export type IgnoredMember = "status";

/** A schema of the Pod closure: one the merge metadata describes. */
export type SchemaName = keyof PodMergeMetadata & keyof Schemas;

/** The merge metadata of property `K` of schema `S`; `unknown` (matching no shape) for a property the metadata does not list. */
export type ShapeOf<S extends SchemaName, K> = K extends keyof PodMergeMetadata[S] ? PodMergeMetadata[S][K] : unknown;

/** The schema name of property `K` of `S` when the metadata shapes it as an object, else `never`. */
export type ObjectSchemaOf<S extends SchemaName, K> =
  ShapeOf<S, K> extends { kind: "object"; schema: infer O extends SchemaName } ? O : never;

/** The element type of list property `K` of schema `S`. */
export type ListItem<S extends SchemaName, K extends keyof Schemas[S]> =
  NonNullable<Schemas[S][K]> extends readonly (infer E)[] ? E : never;

/** The value type of map property `K` of schema `S`. */
export type MapValue<S extends SchemaName, K extends keyof Schemas[S]> = NonNullable<Schemas[S][K]>[string &
  keyof NonNullable<Schemas[S][K]>];

/** The members `T` requires; an index signature requires none. */
type RequiredKeys<T> = { [K in keyof T]-?: string extends K ? never : object extends Pick<T, K> ? never : K }[keyof T];

/**
 * `Mine`, a patch type derived from the Pod, kept within `Contract`, the contract's own type at the same
 * place in the body: `null` (and `undefined` in an index signature) only where the contract allows it,
 * members the contract requires required (`never` for an object that lacks one), applied member by
 * member and element by element. Where the contract says nothing (`unknown`, or a member it does not
 * list) `Mine` stands as it is.
 */
export type WithinContract<Contract, Mine> = unknown extends Contract
  ? Mine
  : Mine extends null | undefined
    ? [Mine] extends [Contract]
      ? Mine
      : never
    : Mine extends readonly (infer Item)[]
      ? NonNullable<Contract> extends readonly (infer ContractItem)[]
        ? WithinContract<ContractItem, Item>[]
        : Mine
      : Mine extends object
        ? WithinContractObject<NonNullable<Contract>, Mine>
        : Mine;

type WithinContractObject<Contract, Mine> = [Exclude<RequiredKeys<Contract>, keyof Mine>] extends [never]
  ? [RequiredKeys<Contract>] extends [never]
    ? WithinContractMembers<Contract, Mine, keyof Mine>
    : RequiredMembers<Contract, Mine> & WithinContractMembers<Contract, Mine, Exclude<keyof Mine, RequiredKeys<Contract>>>
  : never;

/** The members of `Mine` that `Contract` requires, made required. */
type RequiredMembers<Contract, Mine> = {
  [K in keyof Mine as K extends RequiredKeys<Contract> ? K : never]-?: WithinContractMember<Contract, Mine, K>;
};

/**
 * The members `Keys` of `Mine`, optional as in `Mine`. One mapped type when the contract requires nothing,
 * so that an all-optional body stays a weak type (TypeScript then refuses a value sharing no member with it).
 */
type WithinContractMembers<Contract, Mine, Keys> = {
  [K in keyof Mine as K extends Keys ? K : never]: WithinContractMember<Contract, Mine, K>;
};

type WithinContractMember<Contract, Mine, K extends keyof Mine> = K extends keyof Contract
  ? WithinContract<Contract[K], Mine[K]>
  : Mine[K];
