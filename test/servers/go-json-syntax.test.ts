// Unit tests of the mock's reading of bad JSON (tools/servers/go-json-syntax.ts): each expected message
// is what Go's encoding/json itself reports (checked with go1.26); the same wording is compared with the
// real apiserver's answers by test/differential/errors.test.ts. Deep nesting must not overflow node's stack.
import { describe, expect, it } from "vitest";
import { goJsonSyntaxError } from "../../tools/servers/go-json-syntax.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("encoding/json syntax errors", () => {
  it.each<[body: string, message: string | undefined]>([
    ['{"a": [1, 2]}', undefined],
    [" [] \n", undefined],
    ["", "unexpected end of JSON input"],
    ['[{"op": "add", "path": ', "unexpected end of JSON input"],
    ["{spec: }", "invalid character 's' looking for beginning of object key string"],
    ['[{"op": "add",}]', "invalid character '}' looking for beginning of object key string"],
    ["{} x", "invalid character 'x' after top-level value"],
    ['{"spec": tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1.e5", "invalid character 'e' after decimal point in numeric literal"],
    ["1e+", "invalid character ' ' in exponent of numeric literal"],
    ["-", "invalid character ' ' in numeric literal"],
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ['"a\\', "invalid character ' ' in string escape code"],
    ['"abc', "unexpected end of JSON input"],
    ["[1,", "unexpected end of JSON input"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ['"a\\qb"', "invalid character 'q' in string escape code"],
    ['"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ["\u00e9", "invalid character 'Ã' looking for beginning of value"],
  ])("%j → %j", (body, message) => {
    expect(goJsonSyntaxError(bytes(body))).toBe(message);
  });

  it("reads 200000 levels of nesting without recursion", () => {
    expect(goJsonSyntaxError(bytes("[".repeat(200_000)))).toBe("unexpected end of JSON input");
    expect(goJsonSyntaxError(bytes(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`))).toBeUndefined();
  });
});
