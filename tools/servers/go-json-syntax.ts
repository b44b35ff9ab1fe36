/**
 * The syntax error Go's `encoding/json` reports for a body that is not JSON, in its own words
 * ("invalid character '}' looking for beginning of object key string", "unexpected end of JSON input"),
 * so the mock's 400 answers to bad JSON read exactly like the apiserver's (which decodes patches with
 * sigs.k8s.io/json, a copy of encoding/json's scanner).
 *
 * Input: the body bytes. Output: the message, or undefined when the bytes are one valid JSON value
 * (surrounded by whitespace only). A recursive-descent reading of go1.26 src/encoding/json/scanner.go:
 * the same states, the same context words, `quoteChar`'s quoting of the offending byte. Nesting is
 * walked with an explicit stack (`beginValue` only opens a container, the loop reads its contents),
 * never recursion, so a hostile body cannot overflow node's stack.
 */

/** scanner.go quoteChar: `'x'`, with `\''` and `'"'` special and other bytes as strconv.Quote writes them. */
function quoteChar(byte: number): string {
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 92: "\\\\" };
  if (named[byte] !== undefined) return `'${named[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, "0")}'`;
  // string(c) of a byte is the rune U+00XX: printable from U+00A1 on (U+00A0 and U+00AD are not).
  if (byte >= 0x80 && byte < 0xa1) return `'\\u${byte.toString(16).padStart(4, "0")}'`;
  if (byte === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(byte)}'`;
}

class SyntaxFailure extends Error {}

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isHex = (byte: number | undefined): boolean =>
  byte !== undefined && (isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46));

/** Where the reader is inside a container, which decides the words of an error after a value. */
type Frame = "object-key" | "object-value" | "array-start" | "array";

export function goJsonSyntaxError(bytes: Uint8Array): string | undefined {
  let at = 0;
  // At the end of the input the scanner steps once more with a space (scanner.eof): inside a number, a
  // literal or an escape that space is the invalid character; anywhere else the input just ended.
  const fail = (context: string, spaceAtEnd = false): never => {
    if (at < bytes.length) throw new SyntaxFailure(`invalid character ${quoteChar(bytes[at] as number)} ${context}`);
    throw new SyntaxFailure(spaceAtEnd ? `invalid character ' ' ${context}` : "unexpected end of JSON input");
  };
  const skipSpace = (): void => {
    while (isSpace(bytes[at])) at += 1;
  };
  const literal = (word: string): void => {
    for (let index = 1; index < word.length; index += 1) {
      at += 1;
      if (bytes[at] !== word.charCodeAt(index)) fail(`in literal ${word} (expecting '${word[index]}')`, true);
    }
    at += 1;
  };
  const string = (): void => {
    at += 1;
    for (;;) {
      const byte = bytes[at];
      if (byte === undefined) fail("in string literal");
      if (byte === 0x22) {
        at += 1;
        return;
      }
      if (byte === 0x5c) {
        at += 1;
        const escaped = bytes[at];
        if (escaped === 0x75) {
          for (let digit = 0; digit < 4; digit += 1) {
            at += 1;
            if (!isHex(bytes[at])) fail("in \\u hexadecimal character escape", true);
          }
        } else if (escaped === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(escaped))) {
          fail("in string escape code", true);
        }
      } else if ((byte as number) < 0x20) {
        fail("in string literal");
      }
      at += 1;
    }
  };
  const number = (): void => {
    if (bytes[at] === 0x2d) {
      at += 1;
      if (!isDigit(bytes[at])) fail("in numeric literal", true);
    }
    if (bytes[at] === 0x30) at += 1;
    else while (isDigit(bytes[at])) at += 1;
    if (bytes[at] === 0x2e) {
      at += 1;
      if (!isDigit(bytes[at])) fail("after decimal point in numeric literal", true);
      while (isDigit(bytes[at])) at += 1;
    }
    if (bytes[at] === 0x65 || bytes[at] === 0x45) {
      at += 1;
      if (bytes[at] === 0x2b || bytes[at] === 0x2d) at += 1;
      if (!isDigit(bytes[at])) fail("in exponent of numeric literal", true);
      while (isDigit(bytes[at])) at += 1;
    }
  };
  const stack: Frame[] = [];
  /** Reads the start of a value: a scalar whole, or the opening of a container (pushed on the stack). */
  const beginValue = (): void => {
    skipSpace();
    const byte = bytes[at];
    if (byte === 0x7b) {
      at += 1;
      skipSpace();
      if (bytes[at] === 0x7d) {
        at += 1;
        return;
      }
      if (bytes[at] !== 0x22) fail("looking for beginning of object key string");
      string();
      stack.push("object-key");
      return;
    }
    if (byte === 0x5b) {
      at += 1;
      skipSpace();
      if (bytes[at] === 0x5d) {
        at += 1;
        return;
      }
      stack.push("array-start");
      return;
    }
    if (byte === 0x22) string();
    else if (byte === 0x2d || isDigit(byte)) number();
    else if (byte === 0x74) literal("true");
    else if (byte === 0x66) literal("false");
    else if (byte === 0x6e) literal("null");
    else fail("looking for beginning of value");
  };
  try {
    beginValue();
    while (stack.length > 0) {
      skipSpace();
      const frame = stack[stack.length - 1];
      const byte = bytes[at];
      if (frame === "array-start") {
        stack[stack.length - 1] = "array";
        beginValue();
      } else if (frame === "object-key") {
        if (byte !== 0x3a) fail("after object key");
        at += 1;
        stack[stack.length - 1] = "object-value";
        beginValue();
      } else if (frame === "object-value") {
        if (byte === 0x2c) {
          at += 1;
          skipSpace();
          if (bytes[at] !== 0x22) fail("looking for beginning of object key string");
          string();
          stack[stack.length - 1] = "object-key";
        } else if (byte === 0x7d) {
          at += 1;
          stack.pop();
        } else {
          fail("after object key:value pair");
        }
      } else if (byte === 0x2c) {
        at += 1;
        beginValue();
      } else if (byte === 0x5d) {
        at += 1;
        stack.pop();
      } else {
        fail("after array element");
      }
    }
    skipSpace();
    if (at < bytes.length) fail("after top-level value");
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxFailure) return error.message;
    throw error;
  }
}
