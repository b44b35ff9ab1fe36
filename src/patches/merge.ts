// Typed JSON Merge Patch (RFC 7396) bodies: a deep-partial view of the generated type in which `null`
// deletes a member and a list is always given whole (its elements are complete). The Pod body keeps
// the top-level members the contract's PodMergePatch schema allows, and stays within that schema
// where it is narrower than the Pod (labels and annotations are objects, containers complete ones).
import type { ObjectSchemaOf, Schemas, WithinContract, IgnoredMember } from "./schemas.js";

/** A merge patch for `T`: every member optional and nullable, objects partial all the way down, lists whole. */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T;

type MergeBody = Schemas["PodMergePatch"];

/** The `application/merge-patch+json` body: the contract's schema, with `metadata` and `spec` as merge patches of the Pod's own types. */
export type PodMergePatch = WithinContract<
  MergeBody,
  {
    [K in keyof MergeBody as K extends IgnoredMember ? never : K]: [ObjectSchemaOf<"Pod", K>] extends [never]
      ? MergeBody[K]
      : MergePatch<Schemas[ObjectSchemaOf<"Pod", K>]>;
  }
>;
