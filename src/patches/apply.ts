// Typed server-side apply bodies: the fields a manager owns, as a deep-partial Pod walked along the
// generated merge metadata. Elements of list-type `map` lists carry their list-map keys (those the
// element type requires), other lists are given whole, and the body names the Pod: `apiVersion: "v1"`,
// `kind: "Pod"` and `metadata.name`.
import type { ShapeOf, ObjectSchemaOf, SchemaName, Schemas, WithinContract, IgnoredMember } from "./schemas.js";

type ApplyBody = Schemas["PodApplyPatch"];

/** An apply configuration of an object of schema `S`. */
export type ApplyPatch<S extends SchemaName> = { [K in keyof Schemas[S]]?: ApplyMember<S, K> };

/** Property `K` of `S` in an apply configuration; scalars, maps of scalars and atomic or set lists as generated. */
type ApplyMember<S extends SchemaName, K extends keyof Schemas[S]> =
  ShapeOf<S, K> extends { kind: "object"; schema: infer O extends SchemaName }
    ? ApplyPatch<O>
    : ShapeOf<S, K> extends { kind: "map"; values: infer Values extends SchemaName }
      ? { [key: string]: ApplyPatch<Values> }
      : ShapeOf<S, K> extends {
            kind: "list";
            listType: "map";
            items: infer Item extends SchemaName;
            listMapKeys: readonly (infer Key)[];
          }
        ? (ApplyPatch<Item> & Pick<Schemas[Item], Key & keyof Schemas[Item]>)[]
        : Schemas[S][K];

/** The `application/apply-patch+yaml` body: the contract's schema, `metadata` with the Pod's `name`, and the Pod's own types below. */
export type PodApplyPatch = WithinContract<
  ApplyBody,
  {
    [K in keyof ApplyBody as K extends IgnoredMember ? never : K]: [ObjectSchemaOf<"Pod", K>] extends [never]
      ? ApplyBody[K]
      : ApplyPatch<ObjectSchemaOf<"Pod", K>>;
  }
> & { metadata: Required<Pick<Schemas["ObjectMeta"], "name">> };
