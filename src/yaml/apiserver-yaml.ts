// YAML read as the apiserver reads an apply body (kubernetes v1.35.4: sigs.k8s.io/yaml v1.6.0 over
// go.yaml.in/yaml/v2 v2.4.3, decode.go and resolve.go, then its conversion to JSON), so that the mock, the
// proxy and the patch CLI see the same values the server would:
// - YAML 1.1 scalars: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0777` is octal (511), `0x1F`, `0b101`,
//   `1_000` are integers, `.inf`/`.nan` floats (refused by the JSON conversion, as upstream refuses them);
//   timestamps stay strings; quoted and block scalars are always strings;
// - map keys become JSON strings as upstream converts them (`on:` is the key "true", `1:` is "1", a float
//   key is printed as a 32-bit float; a null or collection key is an error);
// - `<<` merge keys work as in go-yaml v2: a merged key overrides the keys before it, later keys override it;
// - aliases are expanded, and the work they cause is bounded exactly as upstream bounds it: every decoded
//   node is counted, and once more than 100 of them came from alias expansion in a document of more than
//   1,000, their share may not exceed 99% (up to 400,000 nodes) falling to 10% (from 4,000,000 nodes), or the
//   document is refused with "yaml: document contains excessive aliasing" (allowedAliasRatio in decode.go).
//   A 2 MB body that aliases a million-item list 99 times is refused after about 2.5 million nodes instead
//   of becoming a hundred million values.
// Only the first document counts, as upstream reads only the first.
//
// Input: the text. Output: the JSON value, or the message the apiserver words its refusal with (without
// its "error decoding YAML: " prefix). Parsing is js-yaml's event parser (it does not build values, so
// aliases expand only here, under the count); collections may nest at most MAX_YAML_NESTING_DEPTH levels,
// in the text and after aliases are expanded: js-yaml's parser recurses, and an overflow of node's stack at
// the wrong moment is fatal, not a RangeError. The apiserver allows 10,000 levels; no real Pod comes near 256.
import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE } from "js-yaml";
import { type JsonObject, type JsonValue, setMember } from "../engine/json.js";

/** How deeply YAML collections may nest, in the text and after alias expansion. */
export const MAX_YAML_NESTING_DEPTH = 256;
/** How many strict decoding complaints are kept (go-yaml keeps them all; aliases can multiply them). */
export const MAX_STRICT_ERRORS = 1000;

/**
 * `strictErrors`: what go-yaml's strict decoding adds (a key set twice in one mapping, `line N: key "x"
 * already set in map`, also through merge keys and again at every alias of a node holding one), which the
 * apiserver reports only under `fieldValidation=Strict`; at most MAX_STRICT_ERRORS of them.
 */
export type YamlDecoded = { ok: true; value: JsonValue; strictErrors: string[] } | { ok: false; message: string };

const TAG_PREFIX = "tag:yaml.org,2002:";
const STR = "tag:yaml.org,2002:str";
const BOOL = "tag:yaml.org,2002:bool";
const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const NULL = "tag:yaml.org,2002:null";
const TIMESTAMP = "tag:yaml.org,2002:timestamp";
const BINARY = "tag:yaml.org,2002:binary";
const MERGE = "tag:yaml.org,2002:merge";
const RESOLVABLE_TAGS = new Set(["", STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);

/** A failure as go-yaml (`yaml: …`) or sigs.k8s.io/yaml's conversion to JSON words it; thrown inside this module only. */
class YamlRefusal extends Error {
  constructor(
    reason: string,
    readonly fromYaml: boolean,
  ) {
    super(reason);
  }
}

/** go-yaml refuses the document. */
const fail = (reason: string): never => {
  throw new YamlRefusal(reason, true);
};

/** The conversion of the decoded document to JSON fails. */
const failConversion = (reason: string): never => {
  throw new YamlRefusal(reason, false);
};

// --- structure: one pass over js-yaml's events, binding aliases and sizing nodes as go-yaml's decoder counts them

/** Event indexes of the first document's nodes, with what the decoder needs to know before it starts. */
interface Structure {
  source: string;
  events: Event[];
  /** The root node's event, or -1 for an empty document. */
  root: number;
  /** The first event after this document (events.length when it is the last). */
  next: number;
  /** For a sequence or mapping: the index of the event that closes it. */
  end: Int32Array;
  /** For an alias: the event of the node its anchor names (bound in document order, as go-yaml's parser binds it). */
  target: Int32Array;
  /**
   * How many nodes the decoder visits for this node (unmarshal calls: itself, each key, each value, and
   * for an alias 1 + its target's, so aliases inside count expanded); Infinity when an alias inside names
   * a node still open (decoding fails on it first: "contains itself").
   */
  size: Float64Array;
}

/** `!!int` → tag:yaml.org,2002:int, `!<x>` → x; anything else as written. */
function longTag(text: string): string {
  if (text.startsWith("!!")) return `${TAG_PREFIX}${text.slice(2)}`;
  if (text.startsWith("!<") && text.endsWith(">")) return text.slice(2, -1);
  return text;
}

function slice(source: string, start: number, end: number): string {
  return start < 0 ? "" : source.slice(start, end);
}

function isMergeKey(source: string, event: Event): boolean {
  if (event.type !== EVENT_ID.SCALAR || getScalarValue(source, event) !== "<<") return false;
  const tag = longTag(slice(source, event.tagStart, event.tagEnd));
  return (tag === "" && event.style === SCALAR_STYLE.PLAIN) || tag === MERGE;
}

/** The document whose DOCUMENT event is at `from` or after it. */
function structure(source: string, events: Event[], from = 0): Structure {
  const count = events.length;
  const end = new Int32Array(count).fill(-1);
  const target = new Int32Array(count).fill(-1);
  const size = new Float64Array(count);
  const anchors = new Map<string, number>();
  // Open containers (the document first), with their accumulated size, children so far, and whether the
  // last key of a mapping was a merge key (not decoded itself; a merged sequence is not decoded either).
  const open: { index: number; size: number; children: number; merging: boolean }[] = [];
  let root = -1;
  let next = events.length;
  const add = (child: number): void => {
    const parent = open[open.length - 1];
    if (parent === undefined) return;
    if (open.length === 1) {
      root = child;
      return;
    }
    const isMapping = events[parent.index]?.type === EVENT_ID.MAPPING;
    const isKey = isMapping && parent.children % 2 === 0;
    parent.children += 1;
    if (isKey && isMergeKey(source, events[child] as Event)) {
      parent.merging = true;
      return;
    }
    const mergedSequence = isMapping && !isKey && parent.merging && events[child]?.type === EVENT_ID.SEQUENCE;
    if (!isKey) parent.merging = false;
    parent.size += (size[child] as number) - (mergedSequence ? 1 : 0);
  };
  for (let index = from; index < count; index++) {
    const event = events[index] as Event;
    if (event.type === EVENT_ID.DOCUMENT) {
      open.push({ index, size: 0, children: 0, merging: false });
      continue;
    }
    if (event.type === EVENT_ID.POP) {
      const closed = open.pop();
      if (closed === undefined || open.length === 0) {
        next = index + 1;
        break;
      }
      end[closed.index] = index;
      size[closed.index] = closed.size;
      add(closed.index);
      continue;
    }
    if (event.type === EVENT_ID.ALIAS) {
      const name = slice(source, event.anchorStart, event.anchorEnd);
      const named = anchors.get(name) ?? fail(`unknown anchor '${name}' referenced`);
      target[index] = named;
      const isOpen = events[named]?.type !== EVENT_ID.SCALAR && end[named] === -1;
      size[index] = isOpen ? Infinity : 1 + (size[named] as number);
      add(index);
      continue;
    }
    const anchor = slice(source, event.anchorStart, event.anchorEnd);
    if (anchor !== "") anchors.set(anchor, index);
    if (event.type === EVENT_ID.SCALAR) {
      size[index] = 1;
      add(index);
    } else {
      open.push({ index, size: 1, children: 0, merging: false });
    }
  }
  return { source, events, root, next, end, target, size };
}

// --- resolving plain scalars: go-yaml v2's resolve(), with Go's strconv rules

type Resolved =
  | { tag: typeof NULL; value: null }
  | { tag: typeof BOOL; value: boolean }
  | { tag: typeof INT; value: bigint }
  | { tag: typeof FLOAT; value: number }
  | { tag: typeof STR | typeof TIMESTAMP; value: string };

const RESOLVE_MAP = new Map<string, Resolved>();
for (const [value, words] of [
  [true, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]],
  [false, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]],
] as const) {
  for (const word of words) RESOLVE_MAP.set(word, { tag: BOOL, value });
}
for (const word of ["", "~", "null", "Null", "NULL"]) RESOLVE_MAP.set(word, { tag: NULL, value: null });
for (const word of [".nan", ".NaN", ".NAN"]) RESOLVE_MAP.set(word, { tag: FLOAT, value: Number.NaN });
for (const word of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) RESOLVE_MAP.set(word, { tag: FLOAT, value: Infinity });
for (const word of ["-.inf", "-.Inf", "-.INF"]) RESOLVE_MAP.set(word, { tag: FLOAT, value: -Infinity });

/** resolve.go's first-character hint: S sign, D digit, M in the map above, . a float. */
function hintOf(text: string): string | undefined {
  if (text === "") return "N";
  const first = text[0] as string;
  if (first === "+" || first === "-") return "S";
  if (first >= "0" && first <= "9") return "D";
  if ("yYnNtTfFoO~".includes(first)) return "M";
  if (first === ".") return ".";
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(text, 0, 64) (signed) or ParseUint(text, 0, 64), underscores already removed. */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (match === null || (!signed && match[1] !== "")) return undefined;
  const digits = match[2] as string;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const value = match[1] === "-" ? -magnitude : magnitude;
  if (signed) return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
  return value <= UINT64_MAX ? value : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** time.Parse with upstream's allowedTimestampFormats, as a pattern (plain timestamps stay strings either way). */
const TIMESTAMP_PATTERN =
  /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})| \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?)?$/;

/** resolve(): the tag and value a scalar resolves to; `tag` "" for a plain scalar without one. */
function resolve(tag: string, text: string): Resolved {
  if (!RESOLVABLE_TAGS.has(tag)) return { tag: STR, value: text };
  const found = resolveUnchecked(tag, text);
  if (tag === "" || tag === found.tag || tag === STR) return found;
  if (tag === FLOAT && found.tag === INT) return { tag: FLOAT, value: Number(found.value) };
  const short = (long: string) => `!!${long.slice(TAG_PREFIX.length)}`;
  return fail(`cannot decode ${short(found.tag)} \`${text}\` as a ${short(tag)}`);
}

function resolveUnchecked(tag: string, text: string): Resolved {
  const hint = hintOf(text);
  if (hint === undefined || tag === STR) return { tag: STR, value: text };
  const mapped = RESOLVE_MAP.get(text);
  if (mapped !== undefined) return mapped;
  if (hint === "." && /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { tag: FLOAT, value: Number(text) };
  if (hint === "D" || hint === "S") {
    if ((tag === "" || tag === TIMESTAMP) && TIMESTAMP_PATTERN.test(text)) return { tag: TIMESTAMP, value: text };
    const plain = text.replaceAll("_", "");
    const integer = parseGoInteger(plain, true) ?? parseGoInteger(plain, false);
    if (integer !== undefined) return { tag: INT, value: integer };
    if (YAML_STYLE_FLOAT.test(plain)) return { tag: FLOAT, value: Number(plain) };
    // resolve.go then retries "0b…" and "-0b…" in base 2, which ParseInt with base 0 above already covers.
  }
  return { tag: STR, value: text };
}

/** decode.scalar(): the value of a scalar as interface{} holds it; `implicit` for a plain scalar without a tag. */
function scalarValue(text: string, tag: string, implicit: boolean): Resolved {
  if (tag === "" && !implicit) return { tag: STR, value: text };
  if (tag === BINARY) {
    const compact = text.replace(/[\r\n]/g, "");
    if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) fail("!!binary value contains invalid base64 data");
    return { tag: STR, value: Buffer.from(compact, "base64").toString("utf8") };
  }
  return resolve(tag, text);
}

// --- converting to JSON: sigs.k8s.io/yaml's convertToJSONableObject and json.Marshal

/** strconv.FormatFloat(value, 'g', -1, 32), the form upstream gives a float map key. */
function formatFloatKey(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  const single = Math.fround(value);
  if (single === 0) return Object.is(single, -0) ? "-0" : "0";
  let digits = 1;
  while (digits < 9 && Math.fround(Number(single.toPrecision(digits))) !== single) digits += 1;
  const [mantissa = "", exponentText = "0"] = single.toExponential(digits - 1).split("e");
  const exponent = Number(exponentText);
  // %e below 1e-4 and, for the shortest form, from 1e+06 on (strconv's eprec = 6); %f between.
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(Number(single.toPrecision(digits)));
}

function keyString(key: Resolved): string {
  switch (key.tag) {
    case STR:
    case TIMESTAMP:
      return key.value;
    case INT:
      return key.value.toString();
    case FLOAT:
      return formatFloatKey(key.value);
    case BOOL:
      return key.value ? "true" : "false";
    default:
      return failConversion("unsupported map key of type: %!s(<nil>), key: <nil>");
  }
}

function jsonScalar(value: Resolved): JsonValue {
  if (value.tag === INT) return Number(value.value);
  if (value.tag === FLOAT && !Number.isFinite(value.value)) {
    return failConversion(`json: unsupported value: ${Number.isNaN(value.value) ? "NaN" : value.value > 0 ? "+Inf" : "-Inf"}`);
  }
  return value.value;
}

// --- decoding: go-yaml v2's decoder, with its alias accounting, as a loop over the events

const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - (0.89 * (decodeCount - ALIAS_RATIO_RANGE_LOW)) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW);
}

/** A copy of an aliased value placed at `depth`, refused when it would nest too deeply there. */
function copyAt(value: JsonValue, depth: number): JsonValue {
  if (typeof value !== "object" || value === null) return value;
  const copy = (source: JsonValue[] | JsonObject): JsonValue[] | JsonObject => (Array.isArray(source) ? [] : {});
  const root = copy(value);
  const pending: [JsonValue[] | JsonObject, JsonValue[] | JsonObject, number][] = [[value, root, depth]];
  while (pending.length > 0) {
    const [source, target, level] = pending.pop() as [JsonValue[] | JsonObject, JsonValue[] | JsonObject, number];
    if (level > MAX_YAML_NESTING_DEPTH) tooDeep();
    for (const key of Object.keys(source)) {
      const child = (source as JsonObject)[key] as JsonValue;
      const copied = typeof child === "object" && child !== null ? copy(child) : child;
      if (Array.isArray(target)) target.push(copied);
      else setMember(target, key, copied);
      if (copied !== child) pending.push([child as JsonValue[] | JsonObject, copied as JsonValue[] | JsonObject, level + 1]);
    }
  }
  return root;
}

function tooDeep(): never {
  return fail(`it nests deeper than ${MAX_YAML_NESTING_DEPTH} levels of mappings and sequences`);
}

const wantMap = (): never => fail("map merge requires map or sequence of maps as the value");

/** A container being filled: its events run from `next` to `end`; `depth` is the container's own level. */
type Frame =
  | {
      kind: "sequence";
      index: number;
      next: number;
      end: number;
      depth: number;
      list: JsonValue[];
      errorsFrom: number;
      errorAfter?: string;
    }
  | {
      kind: "mapping";
      index: number;
      next: number;
      end: number;
      depth: number;
      object: JsonObject;
      /** The pending key, or MERGE when the last key was `<<`. */
      key: string | typeof MERGE | undefined;
      /** The pending key as Go prints it (%#v) and as Go's map tells keys apart, for strict decoding. */
      keyScalar?: Resolved;
      /**
       * The Go map's keys so far (shared with the mapping a merged one goes into). Undefined while every
       * key was a string and nothing was merged in: the object's own keys are then the map's keys, and no
       * set of them is made (a mapping of 100,000 keys); seenOf makes it when another key comes.
       */
      seen: Set<GoIdentity> | undefined;
      /** A merged mapping: its pairs go into this object once it is complete. */
      mergeInto?: JsonObject;
      /** Where this node's strict complaints begin, and the one to add when it is complete (its key was set). */
      errorsFrom: number;
      errorAfter?: string;
    }
  | { kind: "merge-list"; depth: number; into: JsonObject; seen: Set<GoIdentity>; children: number[] };

type MappingFrame = Extract<Frame, { kind: "mapping" }>;

/** What a node decoded to: a JSON value, and for a scalar its resolved form (keys are made from it). */
interface Decoded {
  value: JsonValue;
  scalar: Resolved | undefined;
  /** A scalar's JSON value, once it was needed (jsonValueOf). */
  json?: JsonValue;
}

/** Go's %#v of a map key as strict decoding prints it. */
function goKey(key: Resolved): string {
  if (key.tag === STR || key.tag === TIMESTAMP) return JSON.stringify(key.value);
  if (key.tag === NULL) return "<nil>";
  return String(key.value);
}

/**
 * Which keys a Go map[interface{}]interface{} holds as one: equal values of one Go type (1 and "1" are
 * two keys, `on` and `true` one, 0.0 and -0.0 one); NaN equals no key (undefined). Each Go type has its
 * own JavaScript type here (int a bigint, float a number, string a string), so a Set tells them apart as
 * Go does, without a text made for every key.
 */
type GoIdentity = bigint | number | boolean | string | null;

function goIdentity(key: Resolved): GoIdentity | undefined {
  return key.tag === FLOAT && Number.isNaN(key.value) ? undefined : key.value;
}

/** The document's value (an empty document is `empty`), and the strict decoder's complaints into `strictErrors`. */
function decode(structure: Structure, empty: JsonValue, strictErrors: string[] = []): JsonValue {
  const { source, events, end, target, size } = structure;
  let newlines: number[] | undefined;
  const lineOf = (index: number): number => {
    const event = events[index] as Event;
    // go-yaml's node starts at its anchor when it has one (a block mapping's anchor may sit a line above it).
    const offset =
      "anchorStart" in event && event.anchorStart >= 0
        ? event.anchorStart
        : event.type === EVENT_ID.SCALAR
          ? event.valueStart
          : "start" in event
            ? event.start
            : 0;
    if (newlines === undefined) {
      newlines = [];
      for (let at = source.indexOf("\n"); at !== -1; at = source.indexOf("\n", at + 1)) newlines.push(at);
    }
    // The count of line breaks before the offset, by binary search: a body may repeat keys thousands of times.
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((newlines[middle] as number) < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
  const complain = (message: string): void => {
    if (strictErrors.length < MAX_STRICT_ERRORS) strictErrors.push(message);
  };
  /** The complaints made inside each container that had any, by its event: an alias of it makes them again. */
  const complaintsIn = new Map<number, [number, number]>();
  const replay = (index: number): void => {
    const range = complaintsIn.get(index);
    if (range !== undefined) for (const message of strictErrors.slice(range[0], range[1])) complain(message);
  };
  /**
   * setMapIndex under strict decoding: a key already in the map is a complaint at the line of the value
   * (its words made only then: most keys are not repeated).
   */
  const setKey = (seen: Set<GoIdentity>, key: Resolved, valueIndex: number): string | undefined => {
    const identity = goIdentity(key);
    if (identity === undefined) return undefined;
    if (!seen.has(identity)) {
      seen.add(identity);
      return undefined;
    }
    return alreadySet(key, valueIndex);
  };
  const alreadySet = (key: Resolved, valueIndex: number): string =>
    `line ${lineOf(valueIndex)}: key ${goKey(key)} already set in map`;
  /** A mapping frame's set of Go keys, made from its object's keys while it has none (see Frame). */
  const seenOf = (frame: MappingFrame): Set<GoIdentity> => {
    frame.seen ??= new Set(Object.keys(frame.object));
    return frame.seen;
  };
  /** setKey for the pair of a mapping frame whose value is at `valueIndex`; `key` is the JSON key. */
  const setFrameKey = (frame: MappingFrame, key: string, scalar: Resolved, valueIndex: number): string | undefined => {
    // A string's Go key is the string itself, which the object already holds when it was set.
    if (frame.seen === undefined && (scalar.tag === STR || scalar.tag === TIMESTAMP)) {
      return Object.hasOwn(frame.object, key) ? alreadySet(scalar, valueIndex) : undefined;
    }
    return setKey(seenOf(frame), scalar, valueIndex);
  };
  /**
   * The strict side of merging the mapping at `index` (the target of a merged alias) into a map whose keys
   * are `seen`: go-yaml decodes the aliased node again into that map, pair by pair, merges included.
   */
  const mergeAgain = (index: number, seen: Set<GoIdentity>): void => {
    const event = events[index] as Event;
    if (event.type === EVENT_ID.ALIAS) {
      mergeAgain(target[index] as number, seen);
      return;
    }
    if (event.type === EVENT_ID.SEQUENCE) {
      const children: number[] = [];
      for (let child = index + 1; child < (end[index] as number); child = nextSibling(child)) children.push(child);
      for (let at = children.length - 1; at >= 0; at -= 1) mergeAgain(children[at] as number, seen);
      return;
    }
    if (event.type !== EVENT_ID.MAPPING) return;
    for (let key = index + 1; key < (end[index] as number); ) {
      const value = nextSibling(key);
      if (isMergeKey(source, events[key] as Event)) mergeAgain(value, seen);
      else if (events[key]?.type === EVENT_ID.SCALAR) {
        replay(events[value]?.type === EVENT_ID.ALIAS ? (target[value] as number) : value);
        const resolved = scalarAt(key).scalar as Resolved;
        const complaint = setKey(seen, resolved, value);
        if (complaint !== undefined) complain(complaint);
      }
      key = nextSibling(value);
    }
  };
  let decodeCount = 1; // the document node
  let aliasCount = 0;
  const check = (): void => {
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
      fail("document contains excessive aliasing");
    }
  };
  const anchored = new Map<number, Decoded>();
  const isOpen = new Uint8Array(events.length);
  /**
   * Plain scalars without a tag decoded so far, by their text (which alone decides what they decode to):
   * the many repeats of a few values (a flow list of 1.5 million zeros) share one, their JSON value made once.
   */
  const plainScalars = new Map<string, Decoded>();
  const frames: Frame[] = [];

  const scalarAt = (index: number): Decoded => {
    const event = events[index] as Extract<Event, { type: typeof EVENT_ID.SCALAR }>;
    const text = getScalarValue(source, event);
    const tag = longTag(slice(source, event.tagStart, event.tagEnd));
    if (tag !== "" || event.style !== SCALAR_STYLE.PLAIN) return { value: null, scalar: scalarValue(text, tag, false) };
    let decoded = plainScalars.get(text);
    if (decoded === undefined) {
      decoded = { value: null, scalar: scalarValue(text, "", true) };
      if (plainScalars.size < 4096) plainScalars.set(text, decoded);
    }
    return decoded;
  };

  /**
   * Visits the node at `index`, placed at `depth`: counts it, and returns its value — a new container is
   * returned empty with a frame pushed to fill it; an alias counts its target's size at once (every node of
   * an expansion counts as aliased, so the ratio can only rise within it and checking at its end is checking
   * at every step) and is a copy of the target's value.
   */
  const visit = (index: number, depth: number, mergeInto?: { object: JsonObject; seen: Set<GoIdentity> }): Decoded => {
    const event = events[index] as Event;
    decodeCount += 1;
    check();
    switch (event.type) {
      case EVENT_ID.SCALAR: {
        const decoded = scalarAt(index);
        if (event.anchorStart >= 0) anchored.set(index, decoded);
        return decoded;
      }
      case EVENT_ID.ALIAS: {
        const named = target[index] as number;
        if (isOpen[named] === 1) fail(`anchor '${slice(source, event.anchorStart, event.anchorEnd)}' value contains itself`);
        const expansion = size[named] as number;
        decodeCount += expansion;
        aliasCount += expansion;
        check();
        replay(named);
        // A merge key's own anchor is never decoded as a node; its value is the string "<<".
        const decoded = anchored.get(named) ?? scalarAt(named);
        return decoded.scalar === undefined ? { value: copyAt(decoded.value, depth), scalar: undefined } : decoded;
      }
      case EVENT_ID.SEQUENCE: {
        if (depth > MAX_YAML_NESTING_DEPTH) tooDeep();
        const list: JsonValue[] = [];
        isOpen[index] = 1;
        frames.push({
          kind: "sequence",
          index,
          next: index + 1,
          end: end[index] as number,
          depth,
          list,
          errorsFrom: strictErrors.length,
        });
        return { value: list, scalar: undefined };
      }
      case EVENT_ID.MAPPING: {
        if (depth > MAX_YAML_NESTING_DEPTH) tooDeep();
        const object: JsonObject = {};
        isOpen[index] = 1;
        frames.push({
          kind: "mapping",
          index,
          next: index + 1,
          end: end[index] as number,
          depth,
          object,
          key: undefined,
          seen: mergeInto?.seen,
          errorsFrom: strictErrors.length,
          ...(mergeInto === undefined ? {} : { mergeInto: mergeInto.object }),
        });
        return { value: object, scalar: undefined };
      }
      default:
        return fail("unexpected event");
    }
  };

  /** The value of a node for its parent: scalars become JSON here (so NaN fails as a value, not as a key). */
  const jsonValueOf = (decoded: Decoded): JsonValue => {
    if (decoded.scalar === undefined) return decoded.value;
    decoded.json ??= jsonScalar(decoded.scalar);
    return decoded.json;
  };

  /** decoder.merge(): the value of a `<<` key, merged into `into` (a mapping decoded at `depth`). */
  const merge = (index: number, into: JsonObject, seen: Set<GoIdentity>, depth: number): void => {
    const event = events[index] as Event;
    if (event.type === EVENT_ID.MAPPING) {
      visit(index, depth, { object: into, seen });
    } else if (event.type === EVENT_ID.ALIAS) {
      if (events[target[index] as number]?.type !== EVENT_ID.MAPPING) wantMap();
      const errorsBefore = strictErrors.length;
      const merged = visit(index, depth).value as JsonObject;
      // The alias's own complaints are made again below, pair by pair, against this map's keys.
      strictErrors.length = errorsBefore;
      mergeAgain(target[index] as number, seen);
      for (const key of Object.keys(merged)) setMember(into, key, merged[key] as JsonValue);
    } else if (event.type === EVENT_ID.SEQUENCE) {
      const children: number[] = [];
      for (let child = index + 1; child < (end[index] as number); child = nextSibling(child)) children.push(child);
      frames.push({ kind: "merge-list", depth, into, seen, children });
    } else {
      wantMap();
    }
  };

  const nextSibling = (index: number): number => {
    const type = events[index]?.type;
    return type === EVENT_ID.SEQUENCE || type === EVENT_ID.MAPPING ? (end[index] as number) + 1 : index + 1;
  };

  const finish = (frame: Extract<Frame, { index: number }>): void => {
    isOpen[frame.index] = 0;
    if (strictErrors.length > frame.errorsFrom) complaintsIn.set(frame.index, [frame.errorsFrom, strictErrors.length]);
    if (frame.errorAfter !== undefined) complain(frame.errorAfter);
    const value = frame.kind === "sequence" ? frame.list : frame.object;
    if ((events[frame.index] as Extract<Event, { anchorStart: number }>).anchorStart >= 0) {
      anchored.set(frame.index, { value, scalar: undefined });
    }
    if (frame.kind === "mapping" && frame.mergeInto !== undefined) {
      for (const key of Object.keys(frame.object)) setMember(frame.mergeInto, key, frame.object[key] as JsonValue);
    }
  };

  if (structure.root < 0) return empty;
  const root = visit(structure.root, 1);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as Frame;
    if (frame.kind === "merge-list") {
      // Last to first, so that the earlier mappings of the list win.
      const child = frame.children.pop();
      if (child === undefined) {
        frames.pop();
        continue;
      }
      const event = events[child] as Event;
      const named = event.type === EVENT_ID.ALIAS ? events[target[child] as number] : event;
      if (named?.type !== EVENT_ID.MAPPING) wantMap();
      merge(child, frame.into, frame.seen, frame.depth);
      continue;
    }
    if (frame.next >= frame.end) {
      frames.pop();
      finish(frame);
      continue;
    }
    const index = frame.next;
    frame.next = nextSibling(index);
    if (frame.kind === "sequence") {
      frame.list.push(jsonValueOf(visit(index, frame.depth + 1)));
      continue;
    }
    if (frame.key === undefined) {
      if (isMergeKey(source, events[index] as Event)) {
        frame.key = MERGE;
        continue;
      }
      const key = visit(index, frame.depth + 1);
      if (key.scalar === undefined) {
        fail(`invalid map key: ${Array.isArray(key.value) ? "[]interface {}" : "map[interface {}]interface {}"}`);
      }
      frame.key = keyString(key.scalar as Resolved);
      frame.keyScalar = key.scalar as Resolved;
      continue;
    }
    if (frame.key === MERGE) {
      frame.key = undefined;
      merge(index, frame.object, seenOf(frame), frame.depth);
      continue;
    }
    const key = frame.key;
    frame.key = undefined;
    const complaint = frame.keyScalar === undefined ? undefined : setFrameKey(frame, key, frame.keyScalar, index);
    const framesBefore = frames.length;
    setMember(frame.object, key, jsonValueOf(visit(index, frame.depth + 1)));
    // go-yaml complains once the value is decoded: after the complaints inside it.
    if (complaint === undefined) continue;
    if (frames.length > framesBefore) (frames[frames.length - 1] as Extract<Frame, { index: number }>).errorAfter = complaint;
    else complain(complaint);
  }
  return jsonValueOf(root);
}

/**
 * Every document of a YAML stream (`---` between them), each decoded as decodeApiserverYaml decodes the
 * first — with its own anchors and its own alias accounting — and an empty one as null; or the first
 * refusal. For inputs that are streams of objects (the mock's `/mock/pods`), not for apply bodies.
 */
export function decodeYamlDocuments(text: string): { ok: true; values: JsonValue[] } | { ok: false; message: string } {
  const values: JsonValue[] = [];
  try {
    const events = parseOrRefuse(text);
    for (let from = 0; from < events.length; ) {
      const document = structure(text, events, from);
      values.push(decode(document, null));
      from = document.next;
    }
    return { ok: true, values };
  } catch (error) {
    if (!(error instanceof YamlRefusal)) throw error;
    return { ok: false, message: refusalMessage(error) };
  }
}

function refusalMessage(error: YamlRefusal): string {
  return `error converting YAML to JSON: ${error.fromYaml ? "yaml: " : ""}${error.message}`;
}

/** go-yaml's error for the complaints of strict decoding, as sigs.k8s.io/yaml wraps it. */
export function strictYamlMessage(strictErrors: readonly string[]): string {
  return `error converting YAML to JSON: yaml: unmarshal errors:\n  ${strictErrors.join("\n  ")}`;
}

/** js-yaml's events for `text`, its parse errors worded as go-yaml words them (`line N: …`). */
function parseOrRefuse(text: string): Event[] {
  try {
    return parseEvents(text, { maxDepth: MAX_YAML_NESTING_DEPTH });
  } catch (error) {
    const reason = error instanceof Error && "reason" in error ? String(error.reason) : String(error);
    const mark = error instanceof Error && "mark" in error ? (error.mark as { line?: number } | undefined) : undefined;
    if (/maxDepth/.test(reason)) fail(`it nests deeper than ${MAX_YAML_NESTING_DEPTH} levels of mappings and sequences`);
    return fail(mark?.line === undefined ? reason : `line ${mark.line + 1}: ${reason}`);
  }
}

export function decodeApiserverYaml(text: string): YamlDecoded {
  try {
    // An empty document leaves the apiserver's map empty; only the first document counts.
    const strictErrors: string[] = [];
    const value = decode(structure(text, parseOrRefuse(text)), {}, strictErrors);
    return { ok: true, value, strictErrors };
  } catch (error) {
    if (!(error instanceof YamlRefusal)) throw error;
    return { ok: false, message: refusalMessage(error) };
  }
}
