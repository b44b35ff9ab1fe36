// Typed JSON Patch (RFC 6902) builder: each `path` (and `from`) is a JSON Pointer checked against the
// patched type at compile time (a wrong segment is reported by name), and `value` must have the type
// found there. `jsonPatch()` has a method for each of the six operations the contract's
// JsonPatchOperation schema allows; `cceJsonPatch()` only for those CCE's page documents (add, replace:
// generated/patch-pod-operation.ts `cceJsonPatchOps`, docs/decisions/0010-cce-json-patch-profile.md).
import type { UnescapeSegment } from "../json-pointer/pointer.js";
import { cceJsonPatchOps, type Pod, type Schemas } from "../operation/patch-pod.js";

/** A JSON Patch document as the contract types it. */
export type JsonPatchBody = Schemas["JsonPatch"];

/** The operations the contract allows: all six of RFC 6902. */
export type JsonPatchOp = Schemas["JsonPatchOperation"]["op"];

/** The operations CCE's page documents: the `cce` profile. */
export type CceJsonPatchOp = (typeof cceJsonPatchOps)[number];

type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";

type AllDigits<S extends string> = S extends "" ? true : S extends `${Digit}${infer Rest}` ? AllDigits<Rest> : false;

/** RFC 6901 array index: `0`, or digits without a leading zero. */
type IsIndex<S extends string> = S extends "0" ? true : S extends `${Exclude<Digit, "0">}${infer Rest}` ? AllDigits<Rest> : false;

type Found<V> = { found: V };
type Failed<Message extends string> = { failed: Message };

/** Where a step is, for messages: the pointer walked so far. */
type Location<At extends string> = At extends "" ? "the root" : At;

/** One step of a pointer: the member `Segment` of `T`, reached at `At`. */
type Step<
  T,
  Segment extends string,
  At extends string,
  Last extends boolean,
  Op extends JsonPatchOp,
> = T extends readonly (infer Element)[]
  ? Segment extends "-"
    ? [Last, Op] extends [true, "add"]
      ? Found<Element>
      : Failed<`"-" (append) may only end the path of an add, at ${Location<At>}`>
    : IsIndex<Segment> extends true
      ? Found<Element>
      : Failed<`"${Segment}" is not an index of the list at ${Location<At>}`>
  : T extends object
    ? UnescapeSegment<Segment> extends infer Key extends string
      ? Key extends keyof T
        ? Found<Exclude<T[Key], undefined>>
        : Failed<`no member "${Key}" at ${Location<At>}`>
      : Failed<`"~" must be written "~0" (and "/" in a key "~1"), in "${Segment}" at ${Location<At>}`>
    : Failed<`${Location<At>} is a scalar and has no member "${Segment}"`>;

/** Walks pointer `Rest` from `T`; `At` is the part already walked. */
type Resolve<T, Rest extends string, At extends string, Op extends JsonPatchOp> = string extends Rest
  ? Failed<"the path must be a string literal type (pointer() keeps literal keys literal)">
  : Rest extends `/${infer Segment}/${infer Tail}`
    ? Step<T, Segment, At, false, Op> extends Found<infer Member>
      ? Resolve<NonNullable<Member>, `/${Tail}`, `${At}/${Segment}`, Op>
      : Step<T, Segment, At, false, Op>
    : Rest extends `/${infer Segment}`
      ? Step<T, Segment, At, true, Op>
      : Failed<`a path starts with "/"`>;

/** `P` itself when it is a valid `Op` path into `T`; otherwise a message naming the first wrong segment. */
export type JsonPatchPath<T, P extends string, Op extends JsonPatchOp> =
  Resolve<T, P, "", Op> extends Failed<infer Message> ? Message : P;

/** The type of the value at path `P` of `T` (`unknown` for an invalid path, which is reported on the path). */
export type JsonPatchValue<T, P extends string, Op extends JsonPatchOp> =
  Resolve<T, P, "", Op> extends Found<infer V> ? V : unknown;

/** `P` as the destination of a `move` or `copy` from `F`: a valid add path whose type takes the member at `F`. */
export type JsonPatchTarget<T, F extends string, P extends string> =
  JsonPatchPath<T, P, "add"> extends P
    ? [JsonPatchValue<T, F, "remove">] extends [JsonPatchValue<T, P, "add">]
      ? P
      : `the member at "${F}" does not fit "${P}"`
    : JsonPatchPath<T, P, "add">;

type Methods<T, Ops extends JsonPatchOp> = {
  add<P extends string>(path: JsonPatchPath<T, P, "add">, value: JsonPatchValue<T, P, "add">): JsonPatchBuilder<T, Ops>;
  replace<P extends string>(
    path: JsonPatchPath<T, P, "replace">,
    value: JsonPatchValue<T, P, "replace">,
  ): JsonPatchBuilder<T, Ops>;
  /** Fails the whole patch unless the member at `path` equals `value`. */
  test<P extends string>(path: JsonPatchPath<T, P, "test">, value: JsonPatchValue<T, P, "test">): JsonPatchBuilder<T, Ops>;
  remove<P extends string>(path: JsonPatchPath<T, P, "remove">): JsonPatchBuilder<T, Ops>;
  move<F extends string, P extends string>(
    from: JsonPatchPath<T, F, "remove">,
    path: JsonPatchTarget<T, F, P>,
  ): JsonPatchBuilder<T, Ops>;
  copy<F extends string, P extends string>(
    from: JsonPatchPath<T, F, "remove">,
    path: JsonPatchTarget<T, F, P>,
  ): JsonPatchBuilder<T, Ops>;
};

/** An immutable builder with a method per operation in `Ops`: each returns a new builder with that operation appended. */
export type JsonPatchBuilder<T, Ops extends JsonPatchOp = JsonPatchOp> = Pick<Methods<T, Ops>, Ops> & {
  /** The operations in order, as the body of an `application/json-patch+json` request. */
  build(): JsonPatchBody;
};

type Operation = JsonPatchBody[number];

function builder<T, Ops extends JsonPatchOp>(operations: readonly Operation[], ops: readonly Ops[]): JsonPatchBuilder<T, Ops> {
  const next = (operation: Operation) => builder<T, Ops>([...operations, operation], ops);
  const all: Record<JsonPatchOp, (first: string, second?: unknown) => JsonPatchBuilder<T, Ops>> = {
    add: (path, value) => next({ op: "add", path, value }),
    replace: (path, value) => next({ op: "replace", path, value }),
    test: (path, value) => next({ op: "test", path, value }),
    remove: (path) => next({ op: "remove", path }),
    move: (from, path) => next({ op: "move", from, path: path as string }),
    copy: (from, path) => next({ op: "copy", from, path: path as string }),
  };
  const methods = Object.fromEntries(ops.map((op) => [op, all[op]]));
  return { ...methods, build: () => [...operations] } as unknown as JsonPatchBuilder<T, Ops>;
}

const allOps: readonly JsonPatchOp[] = ["add", "remove", "replace", "move", "copy", "test"];

/** Starts a JSON Patch for `T` (a Pod unless given), e.g. `jsonPatch().replace("/spec/containers/0/image", "nginx:1.27").build()`. */
export function jsonPatch<T = Pod>(): JsonPatchBuilder<T> {
  return builder<T, JsonPatchOp>([], allOps);
}

/**
 * Starts a JSON Patch that keeps to the operations CCE's page documents (`add`, `replace`): the other
 * four are not methods of this builder. The apiserver itself applies all six (`jsonPatch()`).
 */
export function cceJsonPatch<T = Pod>(): JsonPatchBuilder<T, CceJsonPatchOp> {
  return builder<T, CceJsonPatchOp>([], cceJsonPatchOps);
}

/** A pointer as `patchPod` reads it in an array literal: an inline literal stays literal, so it can be checked. */
type LiteralPath = (string & {}) | `/${string}`;

/**
 * One operation as `patchPod` accepts it in an array literal, shaped as the contract's JsonPatchOperation. Any
 * `string` is still accepted as a path: a path held in a `string` variable cannot be checked, and jsonPatch()
 * has checked the paths of what it builds.
 */
export type JsonPatchOperationInput =
  | { op: "add" | "replace" | "test"; path: LiteralPath; value: unknown }
  | { op: "remove"; path: LiteralPath }
  | { op: "move" | "copy"; from: LiteralPath; path: LiteralPath };

/** The first member of `V` that `E` does not have, as a pointer below `At`; `never` when there is none. */
type ExcessMember<V, E, At extends string> = V extends readonly (infer VItem)[]
  ? NonNullable<E> extends readonly (infer EItem)[]
    ? ExcessMember<VItem, EItem, `${At}/0`>
    : never
  : V extends object
    ? NonNullable<E> extends infer Target extends object
      ? Exclude<keyof V, keyof Target> extends infer Extra extends string
        ? [Extra] extends [never]
          ? { [K in keyof V & keyof Target & string]: ExcessMember<V[K], Target[K], `${At}/${K}`> }[keyof V &
              keyof Target &
              string]
          : `${At}/${Extra}`
        : never
      : never
    : never;

/** A member named after the problem, so the compiler's "property … is missing" message says what is wrong. */
type Problem<Message extends string, Shown> = { [K in Message]: Shown };

/** The problems of value `V` at path `P`: none when it fits the member there and has no member the type lacks. */
type ValueCheck<T, P extends string, Op extends JsonPatchOp, V> = [V] extends [JsonPatchValue<T, P, Op>]
  ? [ExcessMember<V, JsonPatchValue<T, P, Op>, P>] extends [never]
    ? unknown
    : Problem<`value error: no member ${ExcessMember<V, JsonPatchValue<T, P, Op>, P>}`, never>
  : Problem<`value error: the value at ${P} must be`, JsonPatchValue<T, P, Op>>;

/**
 * What one operation `E` must also be: nothing more when its paths (literals) exist in `T` for its op and its
 * value fits (`add`, `replace`, `test`), or the member at `from` fits `path` (`move`, `copy`); otherwise a
 * Problem. A path typed only as `string` is not checked.
 */
export type JsonPatchOperationCheck<T, E> = E extends {
  op: "move" | "copy";
  from: infer F extends string;
  path: infer P extends string;
}
  ? string extends F | P
    ? unknown
    : JsonPatchPath<T, F, "remove"> extends F
      ? JsonPatchTarget<T, F, P> extends P
        ? unknown
        : Problem<`path error: ${JsonPatchTarget<T, F, P>}`, P>
      : Problem<`from error: ${JsonPatchPath<T, F, "remove">}`, F>
  : E extends { op: infer Op extends JsonPatchOp; path: infer P extends string }
    ? string extends P
      ? unknown
      : Resolve<T, P, "", Op> extends Failed<infer Message>
        ? Problem<`path error: ${Message}`, P>
        : E extends { value: infer V }
          ? ValueCheck<T, P, Op, V>
          : unknown
    : unknown;

/** The checks of every operation of JSON Patch body `B` (an array literal) against `T`. */
export type JsonPatchChecks<T, B> = { [K in keyof B]: JsonPatchOperationCheck<T, B[K]> };
