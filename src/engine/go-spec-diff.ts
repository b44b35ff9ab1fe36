/**
 * The diff kube-apiserver appends to `spec: Forbidden: pod updates may not change fields other than …`:
 * kubernetes v1.35.4 pkg/apis/core/validation/validation.go ValidatePodUpdate writes
 * `diff.Diff(oldPod.Spec, mungedPodSpec)` — both INTERNAL Go PodSpecs (k8s.io/kubernetes/pkg/apis/core),
 * marshalled by json.MarshalIndent(spec, "", " ") and compared line by line (src/engine/go-difflib.ts).
 *
 * The internal JSON differs from the v1 JSON the engine holds: Go field names, every member written
 * (zero values too: "", 0, false, null for nil pointers, lists and maps), embedded structs flattened,
 * map keys sorted, quantities canonical (src/engine/quantity.ts). How each internal struct is written and
 * which v1 key each member comes from is recorded from the Go types themselves into
 * src/engine/go-pod-spec-layout.ts (tools/record/go-pod-spec-layout.go); the hand-written part of the
 * v1→internal conversion (pkg/apis/core/v1/conversion.go) is `toInternalPlacement` below.
 *
 * Inputs: the old v1 spec and the munged new one (v1 JSON, as pod-update-rules.ts builds it). Output:
 * the diff text. Pure.
 *
 * Lists and maps a patch left empty are `[]` and `{}` (withEmptyCollections), nil ones `null`.
 * Not modelled: strings with invalid UTF-16 (lone surrogates), map keys outside the BMP (Go sorts keys by
 * UTF-8 bytes), server-side apply's empty lists (its merged object is not at hand).
 */
import { goPodSpecLayout, goPodSpecRoot } from "./go-pod-spec-layout.js";
import { goUnifiedLineDiff } from "./go-difflib.js";
import { goHtmlEscaped, goJson } from "./go-text.js";
import { isJsonObject, type JsonObject, type JsonValue, jsonText, setMember } from "./json.js";
import { canonicalQuantity, quantityValue } from "./quantity.js";

/** One member of an internal struct as encoding/json writes it (recorded; see the layout file). */
export interface GoStructMember {
  /** Its JSON key: the Go field name, or its json tag in the shared metav1 types. */
  name: string;
  /** string, bool, int, quantity, intOrString, time, rawJSON, *T, []T, map[string]T or a struct name. */
  type: string;
  /** The v1 JSON key it is converted from; `a.b` is a path. */
  v1: string;
  omitEmpty?: boolean;
  omitZero?: boolean;
}

export type GoStructLayout = readonly GoStructMember[];

/** Convert_v1_PodSpec_To_core_PodSpec's fields that live in the internal PodSecurityContext. */
const movedIntoSecurityContext = ["hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "hostUsers"];

/**
 * The v1 spec with conversion.go's hand-written moves done: the host namespace fields go into
 * securityContext (which the internal spec always has), `serviceAccount` stands in for an empty
 * `serviceAccountName`, and a negative terminationGracePeriodSeconds is 1 (Convert_v1_Pod_To_core_Pod).
 */
function toInternalPlacement(spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  const securityContext: JsonObject = isJsonObject(spec.securityContext) ? { ...spec.securityContext } : {};
  for (const key of movedIntoSecurityContext) {
    if (spec[key] !== undefined) securityContext[key] = spec[key];
  }
  out.securityContext = securityContext;
  if (typeof spec.serviceAccountName !== "string" || spec.serviceAccountName === "") {
    out.serviceAccountName = spec.serviceAccount ?? "";
  }
  if (typeof spec.terminationGracePeriodSeconds === "number" && spec.terminationGracePeriodSeconds < 0) {
    out.terminationGracePeriodSeconds = 1;
  }
  return out;
}

function at(object: JsonObject, path: string): JsonValue | undefined {
  // Most members are one key: no list of one is made for each (three per env var of 30,000).
  if (!path.includes(".")) return object[path];
  let value: JsonValue | undefined = object;
  for (const key of path.split(".")) value = isJsonObject(value) ? value[key] : undefined;
  return value;
}

/** encoding/json's isEmptyValue, for omitempty: a struct (quantities, times too) is never empty. */
function isEmpty(type: string, value: JsonValue | undefined): boolean {
  const missing = value === undefined || value === null;
  if (type.startsWith("*")) return missing;
  if (type.startsWith("[]")) return missing || (Array.isArray(value) && value.length === 0);
  if (type.startsWith("map[")) return missing || (isJsonObject(value) && Object.keys(value).length === 0);
  if (type === "string" || type === "int" || type === "bool") return missing || value === "" || value === 0 || value === false;
  return false;
}

const indents: string[] = [];

/** `depth` spaces, made once per depth (every line of half a million starts with some). */
function indentOf(depth: number): string {
  let indent = indents[depth];
  if (indent === undefined) {
    indent = " ".repeat(depth);
    indents[depth] = indent;
  }
  return indent;
}

/** `"Name": `, the prefix of a struct member's line, made once per member. */
const memberPrefixes = new Map<GoStructMember, string>();

function memberPrefix(member: GoStructMember): string {
  let prefix = memberPrefixes.get(member);
  if (prefix === undefined) {
    prefix = `${goJson(member.name)}: `;
    memberPrefixes.set(member, prefix);
  }
  return prefix;
}

/**
 * Lines that recur — a struct's braces, `"ValueFrom": null`, `"Stdin": false` — as one string each per
 * prefix, text, depth and comma, not one per line: three of the five lines of each of 90,000 env vars are
 * alike, and a line made once is kept (and hashed by the diff) once. Only texts that do not come from a value
 * are kept, and at most MAX_RECURRING lines (map keys make prefixes of their own).
 */
const recurring = new Map<string, Map<string, string[]>>();
const MAX_RECURRING = 4096;
let recurringCount = 0;
const RECURRING_TEXTS = new Set(["null", "[]", "{}", "[", "{", "]", "}", "true", "false", "0", '""']);

/** `indent + prefix + text + suffix` (suffix "" or ","), the same string each time when the text recurs. */
function line(depth: number, prefix: string, text: string, suffix: string): string {
  if (!RECURRING_TEXTS.has(text)) return `${indentOf(depth)}${prefix}${text}${suffix}`;
  let byText = recurring.get(prefix);
  let byDepth = byText?.get(text);
  const slot = 2 * depth + (suffix === "" ? 0 : 1);
  const known = byDepth?.[slot];
  if (known !== undefined) return known;
  const made = `${indentOf(depth)}${prefix}${text}${suffix}`;
  if (recurringCount >= MAX_RECURRING) return made;
  recurringCount += 1;
  if (byText === undefined) {
    byText = new Map();
    recurring.set(prefix, byText);
  }
  if (byDepth === undefined) {
    byDepth = [];
    byText.set(text, byDepth);
  }
  byDepth[slot] = made;
  return made;
}

/** Whether MarshalIndent writes a struct member holding `value` (omitempty and omitzero leave some out). */
function written(member: GoStructMember, value: JsonValue | undefined): boolean {
  if (member.omitEmpty === true && isEmpty(member.type, value)) return false;
  return !(member.omitZero === true && (value === undefined || value === null));
}

/**
 * Appends the lines of json.MarshalIndent(value, "", " ") for a value of `type` at `depth`, the first after
 * `prefix`, the last followed by `suffix`. An object or array is `open`, its items one level deeper (each
 * but the last followed by a comma) and `close`, or `{}` / `[]` when empty. Every line goes straight into
 * the one array, written once, and no list of items is made per object (a list of 90,000 env vars is half a
 * million lines).
 */
function render(out: string[], type: string, value: JsonValue | undefined, depth: number, prefix: string, suffix = ""): void {
  const missing = value === undefined || value === null;
  if (type.startsWith("*")) {
    if (missing) out.push(line(depth, prefix, "null", suffix));
    else render(out, type.slice(1), value, depth, prefix, suffix);
    return;
  }
  if (type.startsWith("[]")) {
    if (!Array.isArray(value)) out.push(line(depth, prefix, "null", suffix));
    else if (value.length === 0) out.push(line(depth, prefix, "[]", suffix));
    else {
      const element = type.slice(2);
      out.push(line(depth, prefix, "[", ""));
      const last = value.length - 1;
      for (let index = 0; index <= last; index++) render(out, element, value[index], depth + 1, "", index < last ? "," : "");
      out.push(line(depth, "", "]", suffix));
    }
    return;
  }
  if (type.startsWith("map[string]")) {
    if (!isJsonObject(value)) out.push(line(depth, prefix, "null", suffix));
    else {
      const keys = Object.keys(value).sort();
      if (keys.length === 0) out.push(line(depth, prefix, "{}", suffix));
      else {
        const element = type.slice("map[string]".length);
        out.push(line(depth, prefix, "{", ""));
        const last = keys.length - 1;
        for (let index = 0; index <= last; index++) {
          const key = keys[index] as string;
          render(out, element, value[key], depth + 1, `${goJson(key)}: `, index < last ? "," : "");
        }
        out.push(line(depth, "", "}", suffix));
      }
    }
    return;
  }
  if (type === "rawJSON") {
    renderAny(out, value ?? null, depth, prefix, suffix);
    return;
  }
  const text = scalarText(type, value, missing);
  if (text !== undefined) {
    out.push(line(depth, prefix, text, suffix));
    return;
  }
  const layout = goPodSpecLayout[type];
  if (layout === undefined) throw new Error(`go-spec-diff: ${type} is not in src/engine/go-pod-spec-layout.ts`);
  const object = isJsonObject(value) ? value : {};
  // The last member written, which gets no comma.
  let last = layout.length - 1;
  while (last >= 0 && !written(layout[last] as GoStructMember, at(object, (layout[last] as GoStructMember).v1))) last--;
  if (last < 0) {
    out.push(line(depth, prefix, "{}", suffix));
    return;
  }
  out.push(line(depth, prefix, "{", ""));
  for (let index = 0; index <= last; index++) {
    const member = layout[index] as GoStructMember;
    const memberValue = at(object, member.v1);
    if (written(member, memberValue))
      render(out, member.type, memberValue, depth + 1, memberPrefix(member), index < last ? "," : "");
  }
  out.push(line(depth, "", "}", suffix));
}

/** The text MarshalIndent writes for a scalar of `type`; undefined for a type that is not one. */
function scalarText(type: string, value: JsonValue | undefined, missing: boolean): string | undefined {
  switch (type) {
    case "string":
      return goJson(typeof value === "string" ? value : "");
    case "bool":
      return value === true ? "true" : "false";
    case "int":
      return typeof value === "number" ? String(value) : "0";
    case "quantity":
      // The zero Quantity writes "0"; an unparsable one (refused before any diff upstream) as given.
      return goJson(missing ? "0" : (canonicalQuantity(value) ?? String(value)));
    case "intOrString":
      return typeof value === "string" ? goJson(value) : typeof value === "number" ? String(value) : "0";
    case "time":
      return typeof value === "string" ? goJson(value) : "null";
    default:
      return undefined;
  }
}

/**
 * A value of no recorded type (FieldsV1's raw JSON, which MarshalIndent re-indents as it stands, keys in
 * their order): jsonText's one-space indentation, which needs no recursion however deep the value nests.
 */
function renderAny(out: string[], value: JsonValue, depth: number, prefix: string, suffix: string): void {
  const indent = indentOf(depth);
  const lines = goHtmlEscaped(jsonText(value, { indent: 1 })).split("\n");
  lines.forEach((text, index) => {
    out.push(`${indent}${index === 0 ? prefix : ""}${text}${index === lines.length - 1 ? suffix : ""}`);
  });
}

/**
 * `decoded` with the empty lists and maps of `raw` (the same document before decoding) put back
 * where decoding dropped them: encoding/json makes `[]` and `{}` non-nil empty values, which the
 * conversion keeps and MarshalIndent writes as `[]` and `{}`, not `null`. Members the layout does not
 * know are never written, so what decoding dropped for being unknown may come back harmlessly.
 */
export function withEmptyCollections(decoded: JsonObject, raw: JsonObject): JsonObject {
  // Copy on write: only the objects and lists on the way to an empty collection put back are new (the 90,000
  // env vars of a patch that left nothing empty are not copied).
  let out: JsonObject | undefined;
  const put = (key: string, value: JsonValue): void => {
    out ??= { ...decoded };
    setMember(out, key, value);
  };
  for (const key of Object.keys(raw)) {
    const value = raw[key] as JsonValue;
    const kept = decoded[key];
    const empty = Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0;
    if (empty && kept === undefined) put(key, Array.isArray(value) ? [] : {});
    else if (isJsonObject(value) && isJsonObject(kept)) {
      const filled = withEmptyCollections(kept, value);
      if (filled !== kept) put(key, filled);
    } else if (Array.isArray(value) && Array.isArray(kept) && value.length === kept.length) {
      let items: JsonValue[] | undefined;
      for (let index = 0; index < kept.length; index++) {
        const item = kept[index];
        const source = value[index];
        if (!isJsonObject(item) || !isJsonObject(source)) continue;
        const filled = withEmptyCollections(item, source);
        if (filled === item) continue;
        items ??= kept.slice();
        items[index] = filled;
      }
      if (items !== undefined) put(key, items);
    }
  }
  return out ?? decoded;
}

const quantityHolders = new Map<string, boolean>();

/** Whether a value of `type` can hold a quantity (memoized; the recorder refuses recursive types). */
function holdsQuantities(type: string): boolean {
  const known = quantityHolders.get(type);
  if (known !== undefined) return known;
  const element = type.replace(/^(\*|\[\]|map\[string\])+/, "");
  const members = goPodSpecLayout[element] ?? [];
  const holds = element === "quantity" || members.some((member) => !member.v1.includes(".") && holdsQuantities(member.type));
  quantityHolders.set(type, holds);
  return holds;
}

/** The members of a struct type that can hold a quantity, read from `v1` (memoized). */
const quantityMembers = new Map<string, GoStructMember[]>();

function membersHoldingQuantities(type: string): GoStructMember[] {
  let members = quantityMembers.get(type);
  if (members === undefined) {
    // Members moved by the conversion or nested under another key (ObjectMeta) hold no quantities.
    members = (goPodSpecLayout[type] ?? []).filter((member) => !member.v1.includes(".") && holdsQuantities(member.type));
    quantityMembers.set(type, members);
  }
  return members;
}

/**
 * `value` of `type` with every quantity in it replaced by `map` of it. Copy on write: what `map` leaves as
 * it is (an env var without a resource field reference, a list of strings) is the value itself, not a
 * copy; only the objects and lists on the way to a changed quantity are new.
 */
function mapQuantities(
  type: string,
  value: JsonValue | undefined,
  map: (quantity: JsonValue) => JsonValue,
): JsonValue | undefined {
  if (value === undefined || value === null || !holdsQuantities(type)) return value;
  if (type.startsWith("*")) return mapQuantities(type.slice(1), value, map);
  if (type === "quantity") return map(value);
  if (type.startsWith("[]")) {
    if (!Array.isArray(value)) return value;
    const element = type.slice(2);
    let out: JsonValue[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const mapped = mapQuantities(element, item, map) ?? null;
      if (mapped === item) continue;
      out ??= value.slice();
      out[index] = mapped;
    }
    return out ?? value;
  }
  const layout = goPodSpecLayout[type];
  if (!isJsonObject(value) || (layout === undefined && !type.startsWith("map[string]"))) return value;
  let out: JsonObject | undefined;
  const replace = (key: string, elementType: string): void => {
    const item = value[key];
    const mapped = mapQuantities(elementType, item, map) ?? null;
    if (mapped === item) return;
    out ??= { ...value };
    setMember(out, key, mapped);
  };
  if (type.startsWith("map[string]")) {
    const element = type.slice("map[string]".length);
    for (const key of Object.keys(value)) replace(key, element);
    return out ?? value;
  }
  for (const member of membersHoldingQuantities(type)) if (value[member.v1] !== undefined) replace(member.v1, member.type);
  return out ?? value;
}

/**
 * A v1 spec with its quantities as the apiserver decodes and writes them ("1000m" is "1", "0.5Gi" is
 * "512Mi"; see quantity.ts): what decoding into the Go types does to them (pod-defaults.ts decodePod).
 */
export function withCanonicalQuantities(spec: JsonObject): JsonObject {
  return mapQuantities(goPodSpecRoot, spec, (quantity) => canonicalQuantity(quantity) ?? quantity) as JsonObject;
}

/**
 * A v1 spec with its quantities replaced by their values, for equality as apiequality.Semantic sees it
 * ("1Ki" equals "1024"): what pod-update-rules.ts compares.
 */
export function withQuantityValues(spec: JsonObject): JsonObject {
  return mapQuantities(goPodSpecRoot, spec, (quantity) => quantityValue(quantity) ?? quantity) as JsonObject;
}

/** The lines of json.MarshalIndent(internal PodSpec, "", " ") of a v1 spec. */
function internalSpecLines(spec: JsonObject): string[] {
  const out: string[] = [];
  render(out, goPodSpecRoot, toInternalPlacement(spec), 0, "");
  return out;
}

/** json.MarshalIndent(internal PodSpec, "", " ") of a v1 spec. */
export function internalSpecText(spec: JsonObject): string {
  return internalSpecLines(spec).join("\n");
}

/** diff.Diff(old, munged) of two v1 specs, as the apiserver appends it to the Forbidden message. */
export function goSpecDiff(before: JsonObject, after: JsonObject): string {
  return goUnifiedLineDiff(internalSpecLines(before), internalSpecLines(after));
}
