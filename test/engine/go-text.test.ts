// Unit tests of the Go wording the engine and the mock borrow (src/engine/go-text.ts): each expected
// string is what Go itself prints (strconv.Quote, %#U, fmt's %v; checked with go1.26), the wording the
// real apiserver's messages carry (test/differential/errors.test.ts compares them).
import { describe, expect, it } from "vitest";
import { goJsonKind, goQuote, goRuneNotation, goValue, isGoPrintable, runesWithByteOffsets } from "../../src/engine/go-text.js";

describe("Go's formatting", () => {
  it("quotes like strconv.Quote", () => {
    expect(goQuote("a\tb")).toBe('"a\\tb"');
    expect(goQuote("a\u007fb")).toBe('"a\\x7fb"');
    expect(goQuote("a\u00a0b")).toBe('"a\\u00a0b"');
    expect(goQuote("a\u0085b")).toBe('"a\\u0085b"');
    expect(goQuote('say "€" \\')).toBe('"say \\"€\\" \\\\"');
    expect(goQuote("\u{e0001}")).toBe('"\\U000e0001"');
  });

  it("names runes, counts bytes and knows what is printable like the unicode package", () => {
    expect(goRuneNotation(9)).toBe("U+0009");
    expect(goRuneNotation(0x85)).toBe("U+0085");
    expect([...runesWithByteOffsets("a€\tb")]).toEqual([
      [0, 0x61],
      [1, 0x20ac],
      [4, 9],
      [5, 0x62],
    ]);
    expect([0x20, 0x41, 0x20ac, 0x3000 - 0x2fff].map(isGoPrintable)).toEqual([true, true, true, false]);
    expect(isGoPrintable(0xa0)).toBe(false);
  });

  it("prints decoded JSON as fmt's %v does: maps sorted, <nil>, int64s plain, floats shortest", () => {
    expect(goValue({ spec: { bogus: 1, other: [2, "x"] }, $patch: "merge", zz: null })).toBe(
      "map[$patch:merge spec:map[bogus:1 other:[2 x]] zz:<nil>]",
    );
    expect([0.5, 0.00001, 1e21, 123456789, 123456.5, 1234567.5].map(goValue)).toEqual([
      "0.5",
      "1e-05",
      "1e+21",
      "123456789",
      "123456.5",
      "1.2345675e+06",
    ]);
    expect([{}, [], "s", 1, true, null].map(goJsonKind)).toEqual(["object", "array", "string", "number", "bool", "null"]);
  });
});
