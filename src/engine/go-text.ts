/**
 * How Go writes values into the apiserver's messages, so the Status messages built here (PatchOptions,
 * src/engine/patch-options.ts) and by the mock (tools/servers/) read like the real server's:
 * `strconv.Quote` (%q), `%#U` of a non-printable rune, encoding/json's text of a value, `fmt`'s `%v` and reflect's type name of a decoded JSON value
 * (`map[k:v]`, keys sorted), `unicode.IsPrint`, and the JSON kind names `encoding/json` uses in
 * "cannot unmarshal <kind> into …".
 *
 * Inputs: strings, code points and JSON values. Outputs: strings. Pure functions.
 * Go sources: go1.26 src/strconv/quote.go (appendEscapedRune), src/fmt/print.go (maps sorted by key),
 * src/unicode/graphic.go (IsPrint), src/encoding/json/decode.go (literal kinds), src/encoding/json/encode.go
 * (HTML-safe escaping).
 */
import type { JsonValue } from "./json.js";

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(codePoint: number): boolean {
  return codePoint === 0x20 || PRINTABLE.test(String.fromCodePoint(codePoint));
}

const NAMED_ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };

const hex = (value: number, width: number): string => value.toString(16).padStart(width, "0");

/** Printable ASCII only: what strconv.Quote writes as it is, but for `"` and `\`. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Go's strconv.Quote (the `%q` verb) of a string. */
export function goQuote(text: string): string {
  // One native test instead of a pattern per character: a quoted Pod is megabytes of plain ASCII.
  if (PRINTABLE_ASCII.test(text)) return `"${text.replace(/["\\]/g, "\\$&")}"`;
  let out = '"';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (character === '"' || character === "\\") out += `\\${character}`;
    else if (isGoPrintable(codePoint)) out += character;
    else if (NAMED_ESCAPES[codePoint] !== undefined) out += NAMED_ESCAPES[codePoint];
    else if (codePoint < 0x20 || codePoint === 0x7f) out += `\\x${hex(codePoint, 2)}`;
    else if (codePoint < 0x10000) out += `\\u${hex(codePoint, 4)}`;
    else out += `\\U${hex(codePoint, 8)}`;
  }
  return `${out}"`;
}

/** Go's `%#U` of a rune that is not printable: `U+0009`. */
export function goRuneNotation(codePoint: number): string {
  return `U+${hex(codePoint, 4).toUpperCase()}`;
}

/** The byte offset of each character of `text` in its UTF-8 form, as Go's `for i, r := range s` counts. */
export function* runesWithByteOffsets(text: string): Generator<[offset: number, codePoint: number]> {
  let offset = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    yield [offset, codePoint];
    offset += Buffer.byteLength(character);
  }
}

/**
 * `fmt`'s `%v` of a number as the apiserver decodes strategic patches (sigs.k8s.io/json
 * UnmarshalCaseSensitivePreserveInts): an integer within int64 stays an int64 and prints plainly; any
 * other number is a float64 printed shortest, in e-notation when its exponent is below -4 or from 6
 * on (strconv's 'g' with the shortest precision): `1.5`, `1e-05`, `1.2345675e+06`, `1e+21`.
 */
function goNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return String(value);
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (value === 0 || (exponent >= -4 && exponent < 6)) return String(value);
  const [mantissa = "", power = "0"] = value.toExponential().split("e");
  const sign = power.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${power.replace(/^[-+]/, "").padStart(2, "0")}`;
}

/** The characters Go's encoder escapes in JSON text; `g`: also for replacing every one. */
const HTML_SPECIAL = /[<>&\u2028\u2029]/g;

/**
 * JSON text as Go's encoder escapes it: `<`, `>`, `&`, U+2028 and U+2029 as `\u003c` …, which JSON.stringify
 * leaves alone. Those characters occur only inside strings of JSON text, so the whole text can be passed.
 */
export function goHtmlEscaped(jsonText: string): string {
  // Tested first: most texts have nothing to escape, and a test costs less than a replace that finds nothing.
  // search(), not test(): a global pattern's test() would carry its lastIndex from one call to the next.
  if (jsonText.search(HTML_SPECIAL) === -1) return jsonText;
  return jsonText.replace(HTML_SPECIAL, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** JSON as Go's encoder writes it (keys in the given order, HTML characters escaped). */
export function goJson(value: JsonValue): string {
  return goHtmlEscaped(JSON.stringify(value));
}

/** `fmt`'s `%v` of a JSON value as Go decodes it into `interface{}`: `map[a:1 b:[x y]]`, `<nil>` for null. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goValue).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, child]) => `${key}:${goValue(child)}`).join(" ")}]`;
  }
  if (typeof value === "number") return goNumber(value);
  return String(value);
}

/**
 * reflect.TypeOf(value).String() of a value the apiserver decoded from a patch, which keeps integers as
 * int64 (kubernetes v1.35.4 staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go messages).
 */
export function goType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "%!s(<nil>)";
  if (Array.isArray(value)) return "[]interface {}";
  if (typeof value === "object") return "map[string]interface {}";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  return typeof value === "boolean" ? "bool" : "string";
}

/** The word `encoding/json` uses for a JSON value's kind in "cannot unmarshal <kind> into …". */
export function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value === "object" ? "object" : typeof value;
}
