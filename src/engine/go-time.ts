/**
 * What Go's `time.Parse(time.RFC3339, value)` says of a value it cannot parse — the error metav1.Time's
 * UnmarshalJSON returns, so the text the apiserver writes for a time that is not RFC 3339
 * (`parsing time "bogus" as "2006-01-02T15:04:05Z07:00": cannot parse "bogus" as "2006"`).
 *
 * A port of go1.26 src/time/format.go `parse` for that one layout, element by element: the year (four
 * characters, the first a digit, an optional sign in atoi), `-`, month (two digits), `-`, day (two
 * digits), `T`, hour (one or two digits), `:`, minute, `:`, second (two digits each), an optional
 * fraction (`.` or `,` and digits), then `Z` or a `±hh:mm` offset; the range checks in the order Go makes
 * them (month, hour, minute, second, the offset's hour and minute, then the day of the month), and
 * `extra text` after the end. Go works on bytes: the value is read as its UTF-8 bytes and quoted as Go's
 * time package quotes (bytes outside printable ASCII as `\xNN`).
 *
 * Input: the string. Output: the error text, or undefined when Go parses it. Pure.
 */

const LAYOUT = "2006-01-02T15:04:05Z07:00";

/** The time package's own quote (format.go `quote`): not strconv's, every non-ASCII byte as `\xNN`. */
function timeQuote(bytes: string): string {
  let out = '"';
  for (let index = 0; index < bytes.length; index++) {
    const code = bytes.charCodeAt(index);
    if (code >= 0x80 || code < 0x20) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += code === 0x22 || code === 0x5c ? `\\${bytes[index]}` : bytes[index];
  }
  return `${out}"`;
}

const isDigit = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
};

/** getnum: one or two digits (`fixed`: exactly two); undefined for errBad. */
function getnum(text: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(text, 0)) return undefined;
  if (!isDigit(text, 1)) return fixed ? undefined : [Number(text[0]), text.slice(1)];
  return [Number(text.slice(0, 2)), text.slice(2)];
}

/** atoi of the year's four characters: an optional sign, then digits only. */
function atoi(text: string): number | undefined {
  const unsigned = text.startsWith("-") || text.startsWith("+") ? text.slice(1) : text;
  if (!/^\d*$/.test(unsigned)) return undefined;
  const value = Number(unsigned === "" ? "0" : unsigned);
  return text.startsWith("-") ? -value : value;
}

const daysIn = (month: number, year: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return 30 + ((month + (month >> 3)) & 1);
};

/** The error of `time.Parse(time.RFC3339, value)`, or undefined when it parses. */
export function rfc3339Error(value: string): string | undefined {
  const whole = Buffer.from(value, "utf8").toString("latin1");
  const cannot = (valueElem: string, layoutElem: string) =>
    `parsing time ${timeQuote(whole)} as ${timeQuote(LAYOUT)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`;
  const outOfRange = (what: string) => `parsing time ${timeQuote(whole)}: ${what} out of range`;
  let rest = whole;
  const literal = (prefix: string): boolean => {
    if (!rest.startsWith(prefix)) return false;
    rest = rest.slice(prefix.length);
    return true;
  };
  // The year.
  if (rest.length < 4 || !isDigit(rest, 0)) return cannot(rest, "2006");
  const year = atoi(rest.slice(0, 4));
  if (year === undefined) return cannot(rest, "2006");
  rest = rest.slice(4);
  // Month, day, hour, minute, second: [prefix, layout element, fixed width, range name and bound].
  const fields: [string, string, boolean, string, number][] = [
    ["-", "01", true, "month", 12],
    ["-", "02", true, "", 0],
    ["T", "15", false, "hour", 23],
    [":", "04", true, "minute", 59],
    [":", "05", true, "second", 59],
  ];
  const numbers: number[] = [];
  for (const [prefix, element, fixed, range, bound] of fields) {
    if (!literal(prefix)) return cannot(rest, prefix);
    const parsed = getnum(rest, fixed);
    if (parsed === undefined) return cannot(rest, element);
    const [number, after] = parsed;
    rest = after;
    if (range === "month" && (number <= 0 || number > bound)) return outOfRange(range);
    if (range !== "" && range !== "month" && number > bound) return outOfRange(range);
    numbers.push(number);
  }
  // A fraction of a second the layout does not name is taken after the seconds.
  if (rest.length >= 2 && (rest[0] === "." || rest[0] === ",") && isDigit(rest, 1)) {
    let end = 2;
    while (isDigit(rest, end)) end++;
    rest = rest.slice(end);
  }
  // The zone: Z, or ±hh:mm.
  if (rest.startsWith("Z")) rest = rest.slice(1);
  else {
    const zone = rest;
    if (rest.length < 6 || rest[3] !== ":") return cannot(zone, "Z07:00");
    const hours = getnum(rest.slice(1, 3), true);
    const minutes = hours === undefined ? undefined : getnum(rest.slice(4, 6), true);
    const sign = rest[0];
    rest = rest.slice(6);
    if (hours !== undefined && hours[0] > 24) return outOfRange("time zone offset hour");
    if (minutes !== undefined && minutes[0] > 60) return outOfRange("time zone offset minute");
    if (hours === undefined || minutes === undefined || (sign !== "+" && sign !== "-")) return cannot(zone, "Z07:00");
  }
  if (rest.length > 0) return `parsing time ${timeQuote(whole)}: extra text: ${timeQuote(rest)}`;
  const [month = 1, day = 1] = numbers;
  if (day < 1 || day > daysIn(month, year)) return outOfRange("day");
  return undefined;
}
