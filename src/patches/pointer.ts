// RFC 6901 JSON Pointers built from keys: `pointer("metadata", "labels", "app.kubernetes.io/name")` is
// `/metadata/labels/app.kubernetes.io~1name`, escaped at run time and, for literal keys, in its type too,
// so the JSON Patch builder still checks the path and knows the value type.

/** One reference token: a key, or a list index. */
export type PointerSegment = string | number;

type ReplaceAll<S extends string, From extends string, To extends string> = S extends `${infer Head}${From}${infer Tail}`
  ? `${Head}${To}${ReplaceAll<Tail, From, To>}`
  : S;

/** A key escaped as RFC 6901 requires: `~` becomes `~0`, then `/` becomes `~1`. */
export type EscapeSegment<S extends string> = ReplaceAll<ReplaceAll<S, "~", "~0">, "/", "~1">;

/** The pointer `pointer(...segments)` returns, as a string literal type when the segments are literals. */
export type Pointer<Segments extends readonly PointerSegment[]> = Segments extends readonly [
  infer Head extends PointerSegment,
  ...infer Tail extends readonly PointerSegment[],
]
  ? `/${EscapeSegment<`${Head}`>}${Pointer<Tail>}`
  : "";

/** Escapes one key for use inside a pointer. */
export function escapeSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Joins keys and indices into a pointer, escaping each key. */
export function pointer<const Segments extends readonly PointerSegment[]>(...segments: Segments): Pointer<Segments> {
  return segments.map((segment) => `/${escapeSegment(String(segment))}`).join("") as Pointer<Segments>;
}
