/**
 * The canonical text of a Kubernetes quantity, as resource.Quantity's MarshalJSON writes it (k8s.io/
 * apimachinery v0.35.4 pkg/api/resource/quantity.go ParseQuantity, CanonicalizeBytes; amount.go
 * AsCanonicalBytes, AsCanonicalBase1024Bytes): "1000m" is "1", "0.5" is "500m", "2048Ki" is "2Mi",
 * "1.5Gi" is "1536Mi", "1e3" is "1e3".
 *
 * A text ParseQuantity finds canonical enough is kept as written ("100m", but also "01" or "+5"); any
 * other is rebuilt from the value, kept exact (BigInt) and rounded up to the nano unit as ParseQuantity
 * rounds, in the format its suffix implies (binary Ki…Ei, decimal n…E, or an e/E exponent), decimal
 * where upstream falls back to it (a binary value below 1024 or not whole). Not modelled: the int64 cap upstream puts on binary
 * values beyond 2^63-1.
 *
 * Input: a quantity as JSON holds it (a string, or a number). Output: its canonical text, or undefined
 * when it does not parse (the apiserver refuses such a Pod before any diff); for one that does not parse,
 * ParseQuantity's error (quantityError). Pure.
 */

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const binaryNames = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

const NANO = 10n ** 9n;

/** parseQuantityString's grammar: sign, digits, optional fraction, suffix. */
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*(?:[+-]?\d+)?)$/;

/** suffixer.interpret: the base-10 or base-2 exponent a suffix stands for, and the format it implies. */
function interpret(suffix: string): { base: 10 | 2; exponent: number; format: Format } | undefined {
  const decimal = decimalSuffixes[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" };
  const binary = binarySuffixes[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" };
  if (/^[eE][+-]?\d+$/.test(suffix)) return { base: 10, exponent: Number(suffix.slice(1)), format: "DecimalExponent" };
  return undefined;
}

/** `factor`'s multiplicity in `value` (removeInt64Factors / removeBigIntFactors). */
function removeFactors(value: bigint, factor: bigint): [bigint, number] {
  let times = 0;
  while (value >= factor && value % factor === 0n) {
    value /= factor;
    times++;
  }
  return [value, times];
}

const MAX_INT64 = 2n ** 63n - 1n;

/**
 * ParseQuantity's fast path keeps the text it was given (as `s`, which MarshalJSON then writes) when the
 * value fits an int64 and the text already looks canonical: "100m", "01", "+5", "1e-3", "1Ki" stay as
 * written; "1000m", "1.5" or "1024Ki" do not. Undefined when the text is not kept.
 */
function cachedText(
  text: string,
  whole: string,
  fraction: string,
  meaning: { base: 10 | 2; exponent: number; format: Format },
): string | undefined {
  if (text === "0") return text;
  const num = whole.replace(/^0+/, "") || "0";
  const binary = meaning.format === "BinarySI";
  let precision: number;
  if (!binary) precision = 18 - (num.length + fraction.length);
  else if (meaning.exponent >= 0 && fraction === "") precision = 15 - num.length - Math.trunc((meaning.exponent * 3) / 10) - 1;
  else precision = -1;
  const scale = (binary ? 0 : meaning.exponent) - fraction.length;
  if (precision < 0 || scale < -9) return undefined;
  const shifted = num + fraction;
  const value = BigInt(shifted);
  if (value * (binary ? 2n ** BigInt(meaning.exponent) : 1n) > MAX_INT64) return undefined;
  if (binary) return meaning.exponent % 10 === 0 && (value & 7n) !== 0n ? text : undefined;
  return scale % 3 === 0 && !shifted.endsWith("000") && !shifted.startsWith("0") ? text : undefined;
}

interface ParsedQuantity {
  text: string;
  sign: string;
  whole: string;
  fraction: string;
  meaning: { base: 10 | 2; exponent: number; format: Format };
  /** The magnitude in nano units, rounded up as ParseQuantity rounds (away from zero). */
  nanos: bigint;
}

function parseQuantity(value: unknown): ParsedQuantity | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (text === undefined || text === "") return undefined;
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, sign = "", whole = "", fraction = "", suffix = ""] = match;
  const meaning = interpret(suffix);
  if (meaning === undefined) return undefined;
  // The magnitude as numerator / denominator, exact.
  let numerator = BigInt(`0${whole}${fraction}`);
  let denominator = 10n ** BigInt(fraction.length);
  if (meaning.base === 2) numerator *= 2n ** BigInt(meaning.exponent);
  else if (meaning.exponent >= 0) numerator *= 10n ** BigInt(meaning.exponent);
  else denominator *= 10n ** BigInt(-meaning.exponent);
  return { text, sign, whole, fraction, meaning, nanos: (numerator * NANO + denominator - 1n) / denominator };
}

/** The errors of ParseQuantity (k8s.io/apimachinery v0.35.4 pkg/api/resource/quantity.go). */
const FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_WRONG = "unable to parse quantity's suffix";

/**
 * What ParseQuantity says of a text it refuses (the error Quantity's UnmarshalJSON returns): the format,
 * or a suffix it does not know; undefined when it parses. `text` is the string, or a number's JSON text.
 */
export function quantityError(text: string): string | undefined {
  if (parseQuantity(text) !== undefined) return undefined;
  const match = QUANTITY.exec(text.trim());
  return match === null || text.trim() === "" ? FORMAT_WRONG : SUFFIX_WRONG;
}

/**
 * A quantity's value as apiequality.Semantic compares quantities (Quantity.Cmp): "1Ki" and "1024" are
 * equal. Signed nano units as text, or undefined when it does not parse.
 */
export function quantityValue(value: unknown): string | undefined {
  const parsed = parseQuantity(value);
  return parsed === undefined ? undefined : `${parsed.sign === "-" && parsed.nanos !== 0n ? "-" : ""}${parsed.nanos}n`;
}

/** resource.Quantity's JSON text of `value`. */
export function canonicalQuantity(value: unknown): string | undefined {
  const parsed = parseQuantity(value);
  if (parsed === undefined) return undefined;
  const { text, sign, whole, fraction, meaning, nanos } = parsed;
  const cached = cachedText(text, whole, fraction, meaning);
  if (cached !== undefined) return cached;
  if (nanos === 0n) return "0";
  const negative = sign === "-" ? "-" : "";
  let format = meaning.format;
  // A binary value below 1024, or not whole, is written in decimal (ParseQuantity, CanonicalizeBytes).
  if (format === "BinarySI" && (nanos < 1024n * NANO || nanos % NANO !== 0n)) format = "DecimalSI";
  if (format === "BinarySI") {
    const [mantissa, times] = removeFactors(nanos / NANO, 1024n);
    return `${negative}${mantissa}${binaryNames[times] ?? ""}`;
  }
  let [mantissa, exponent] = removeFactors(nanos, 10n);
  exponent -= 9;
  // The exponent made a multiple of 3 by moving digits into the mantissa.
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  const written =
    format === "DecimalExponent"
      ? exponent === 0
        ? ""
        : `e${exponent}`
      : (Object.entries(decimalSuffixes).find(([, power]) => power === exponent)?.[0] ?? "");
  return `${negative}${mantissa}${written}`;
}
