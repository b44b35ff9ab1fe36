// Typed JSON Patch (RFC 6902) builder: each `path` is a JSON Pointer checked against the patched type
// at compile time (a wrong segment is reported by name), and `value` must have the type found there.
// Only the operations the contract's JsonPatchOperation schema allows (add, replace) exist as methods.
import type { UnescapeSegment } from "../json-pointer/pointer.js";
import type { Pod, Schemas } from "../operation/patch-pod.js";

/** A JSON Patch document as the contract types it. */
export type JsonPatchBody = Schemas["JsonPatch"];

/** The operations the contract allows. */
export type JsonPatchOp = Schemas["JsonPatchOperation"]["op"];

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

/** An immutable builder: every operation returns a new builder with that operation appended. */
export type JsonPatchBuilder<T> = {
  readonly [Op in JsonPatchOp]: <P extends string>(
    path: JsonPatchPath<T, P, Op>,
    value: JsonPatchValue<T, P, Op>,
  ) => JsonPatchBuilder<T>;
} & {
  /** The operations in order, as the body of an `application/json-patch+json` request. */
  build(): JsonPatchBody;
};

function builder<T>(operations: JsonPatchBody): JsonPatchBuilder<T> {
  const append =
    (op: JsonPatchOp) =>
    (path: string, value: unknown): JsonPatchBuilder<T> =>
      builder<T>([...operations, { op, path, value }]);
  const methods: Record<JsonPatchOp, (path: string, value: unknown) => JsonPatchBuilder<T>> = {
    add: append("add"),
    replace: append("replace"),
  };
  return { ...methods, build: () => [...operations] } as JsonPatchBuilder<T>;
}

/** Starts a JSON Patch for `T` (a Pod unless given), e.g. `jsonPatch().replace("/spec/containers/0/image", "nginx:1.27").build()`. */
export function jsonPatch<T = Pod>(): JsonPatchBuilder<T> {
  return builder<T>([]);
}
