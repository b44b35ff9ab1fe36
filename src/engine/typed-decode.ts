/**
 * The apiserver's decoding of a patched Pod into the Go types, for what it refuses: after a JSON Patch
 * (and a merge patch, which the engine does not decode yet), kube-apiserver decodes the patched JSON text into a v1.Pod (kubernetes v1.35.4
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, jsonPatcher.applyPatchToCurrentObject:
 * runtime.DecodeInto), and a value of the wrong type fails it: 422 Invalid on the field `patch`, quoting
 * the patched object and Go's error (`json: cannot unmarshal number into Go struct field
 * Container.spec.containers.args of type string`).
 *
 * Go's rules (sigs.k8s.io/json's fork of encoding/json, decode.go): the members of the JSON text are read
 * in the order they are written; a value of the wrong type is remembered — the first one only — and
 * decoding goes on; a type that decodes itself (metav1.Time, resource.Quantity, intstr.IntOrString) and
 * refuses its value stops decoding at once, and its error wins over a remembered one. Null decodes into
 * anything (the zero value); a member the Pod does not have is skipped (under fieldValidation Strict it is
 * a strict error, reported elsewhere); an integer must be written as one and fit its int32/int64; a
 * quantity is a string or a number ParseQuantity reads; an int-or-string a string or an int32; a time an
 * RFC 3339 string. Which values each field takes comes from the contract (generated/merge-metadata.ts);
 * the Go names in the message from src/engine/go-pod-types.ts (recorded from the Go types).
 *
 * The order is the patched text's: evanphx/json-patch v4 (the apiserver's JSON Patch library) decodes
 * into Go maps only the objects a patch walks through (json-patch.ts says which) and writes those with
 * their keys sorted; every other object keeps the text it had. The caller
 * passes those objects (`decoded`); the rest of the Pod is read in its own key order, which for a Pod read
 * from the apiserver is the Go types' order. Numbers are written as
 * JSON.stringify writes them (the patch's own spelling, `1.50` or `1E2`, is gone once parsed).
 *
 * Inputs: the patched document and the set of its decoded objects. Output: undefined, or the PatchError
 * with the apiserver's Status. Pure.
 */
import { podMergeMetadata } from "../../generated/merge-metadata.js";
import { PatchError, patchInvalidStatus } from "./errors.js";
import { type GoField, goPodTypes } from "./go-pod-types.js";
import { goHtmlEscaped, goJsonKind } from "./go-text.js";
import { rfc3339Error } from "./go-time.js";
import { isJsonObject, type JsonObject, jsonText, type JsonValue } from "./json.js";
import type { PropertyShape, ScalarType } from "./metadata.js";
import { quantityError } from "./quantity.js";

const schemas: Readonly<Record<string, Readonly<Record<string, PropertyShape>>>> = podMergeMetadata;

/** The decoded objects' keys sorted as Go writes a map's; every other object's in its own order. */
function keysOf(object: JsonObject, decoded: ReadonlySet<object>): string[] {
  const keys = Object.keys(object);
  return decoded.has(object) ? keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : keys;
}

/** Where a value sits for Go's message: the struct whose object holds the member, and the field path. */
interface Place {
  struct: string;
  path: string;
}

/** A value that stops decoding (a type that decodes itself refused it). */
class Stop {
  constructor(
    readonly text: string,
    readonly field: string,
  ) {}
}

/** Types whose failure stops decoding; plain ones are remembered and decoding goes on. */
const SELF_DECODING = new Set<ScalarType | undefined>(["quantity", "int-or-string", "time"]);

const INT_BOUNDS = { int32: 2 ** 31, int64: 2 ** 63 } as const;

function unmarshalText(kind: string, place: Place, goType: string): string {
  return `json: cannot unmarshal ${kind} into Go struct field ${place.struct}.${place.path} of type ${goType}`;
}

class Decoder {
  /** The first value of the wrong type (Go's savedError). */
  saved: { text: string; field: string } | undefined;

  constructor(private readonly decoded: ReadonlySet<object>) {}

  private save(kind: string, place: Place, goType: string): void {
    this.saved ??= { text: unmarshalText(kind, place, goType), field: place.path };
  }

  /** The members of an object of schema `schema`, below the field path `path`. */
  struct(object: JsonObject, schema: string, path: string): void {
    const properties = schemas[schema] ?? {};
    const names = goPodTypes[schema] ?? {};
    for (const key of keysOf(object, this.decoded)) {
      // Own members only: a key such as `__proto__` is data, a field the Pod does not have.
      if (!Object.hasOwn(properties, key) || !Object.hasOwn(names, key)) continue;
      const shape = properties[key] as PropertyShape;
      const go = names[key] as GoField;
      const field = `${path === "" ? "" : `${path}.`}${go.via === undefined ? "" : `${go.via}.`}${key}`;
      this.value(object[key] as JsonValue, shape, go, { struct: schema, path: field });
    }
  }

  private value(value: JsonValue, shape: PropertyShape, go: GoField, place: Place): void {
    if (value === null) return;
    switch (shape.kind) {
      case "opaque":
        return;
      case "scalar":
        this.scalar(value, shape.type, go.type, place);
        return;
      case "object":
        if (isJsonObject(value)) this.struct(value, shape.schema, place.path);
        else this.save(goJsonKind(value), place, go.type);
        return;
      case "list": {
        if (!Array.isArray(value)) {
          this.save(goJsonKind(value), place, go.type);
          return;
        }
        const element = go.element ?? go.type;
        for (const item of value) {
          if (item === null) continue;
          if (shape.items === "scalar") {
            // Once a value is remembered, plain elements cannot change the outcome: 1.5 million are not read.
            if (this.saved !== undefined && !SELF_DECODING.has(shape.itemType)) return;
            this.scalar(item, shape.itemType, element, place);
          } else if (isJsonObject(item)) this.struct(item, shape.items, place.path);
          else this.save(goJsonKind(item), place, element);
        }
        return;
      }
      case "map": {
        if (!isJsonObject(value)) {
          this.save(goJsonKind(value), place, go.type);
          return;
        }
        const element = go.element ?? go.type;
        for (const key of keysOf(value, this.decoded)) {
          const member = value[key] as JsonValue;
          if (member === null) continue;
          if (shape.values === "scalar") {
            if (this.saved !== undefined && !SELF_DECODING.has(shape.valueType)) return;
            this.scalar(member, shape.valueType, element, place);
          } else if (isJsonObject(member)) this.struct(member, shape.values, place.path);
          else this.save(goJsonKind(member), place, element);
        }
        return;
      }
    }
  }

  private scalar(value: JsonValue, type: ScalarType | undefined, goType: string, place: Place): void {
    if (value === null) return;
    const kind = goJsonKind(value);
    switch (type) {
      case undefined:
        return;
      case "string":
        if (typeof value !== "string") this.save(kind, place, goType);
        return;
      case "boolean":
        if (typeof value !== "boolean") this.save(kind, place, goType);
        return;
      case "number":
        if (typeof value !== "number") this.save(kind, place, goType);
        return;
      case "int32":
      case "int64":
        if (typeof value !== "number") this.save(kind, place, goType);
        else if (!fitsInteger(value, INT_BOUNDS[type])) this.save(`number ${JSON.stringify(value)}`, place, goType);
        return;
      case "quantity": {
        // UnmarshalJSON reads a string's content, and any other value's JSON text, with ParseQuantity.
        const error = quantityError(typeof value === "string" ? value : jsonText(value));
        if (error !== undefined) throw new Stop(error, place.path);
        return;
      }
      case "int-or-string":
        // A string is its string; anything else is decoded as an int32 (intstr.IntOrString UnmarshalJSON).
        if (typeof value === "string") return;
        if (typeof value !== "number") throw new Stop(unmarshalText(kind, place, "int32"), place.path);
        if (!fitsInteger(value, INT_BOUNDS.int32))
          throw new Stop(unmarshalText(`number ${JSON.stringify(value)}`, place, "int32"), place.path);
        return;
      case "time": {
        // metav1.Time decodes a string, then parses it as RFC 3339.
        if (typeof value !== "string") throw new Stop(unmarshalText(kind, place, "string"), place.path);
        const error = rfc3339Error(value);
        if (error !== undefined) throw new Stop(error, place.path);
        return;
      }
    }
  }
}

const fitsInteger = (value: number, bound: number): boolean => Number.isInteger(value) && value >= -bound && value < bound;

/**
 * The codec's first pass: it reads `apiVersion` and `kind` into a struct of two strings to find the type
 * (apimachinery's json serializer, SimpleMetaFactory.Interpret) before it decodes anything else, so a
 * value there that is not a string (null is none) is refused first, in words of its own.
 */
function versionKindError(document: JsonObject, decoded: ReadonlySet<object>): { text: string; field: string } | undefined {
  for (const key of keysOf(document, decoded)) {
    const value = document[key];
    if ((key === "apiVersion" || key === "kind") && value !== null && typeof value !== "string") {
      return {
        text: `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(value)} into Go struct field .${key} of type string`,
        field: key,
      };
    }
  }
  return undefined;
}

/** Go's error for the patched Pod, and the field it is about; undefined when the Pod decodes. */
function podDecodingError(document: JsonObject, decoded: ReadonlySet<object>): { text: string; field: string } | undefined {
  const versionKind = versionKindError(document, decoded);
  if (versionKind !== undefined) return versionKind;
  const decoder = new Decoder(decoded);
  try {
    decoder.struct(document, "Pod", "");
  } catch (error) {
    if (error instanceof Stop) return { text: error.text, field: error.field };
    throw error;
  }
  return decoder.saved;
}

/**
 * The text of a part the library did not decode. JSON.stringify is native and several times faster than
 * jsonText on the megabytes a hostile patch adds, but recurses: beyond its stack (a value nested
 * thousands of levels deep) jsonText writes the same text.
 */
function undecodedText(value: JsonValue): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) return jsonText(value);
    throw error;
  }
}

/** The patched text as the patch library writes it: decoded objects with sorted keys, HTML characters escaped. */
function patchedText(document: JsonValue, decoded: ReadonlySet<object>): string {
  const write = (value: JsonValue): string => {
    if (value === null || typeof value !== "object" || !decoded.has(value)) return undecodedText(value);
    if (Array.isArray(value)) return `[${value.map(write).join(",")}]`;
    return `{${keysOf(value, decoded)
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${write(value[key] as JsonValue)}`)
      .join(",")}}`;
  };
  return goHtmlEscaped(write(document));
}

/**
 * Decodes the patched Pod as the apiserver does after a JSON Patch (see the header); throws the PatchError
 * with its 422 when a value does not decode.
 */
export function decodePatchedPod(document: JsonObject, decoded: ReadonlySet<object>): void {
  const failure = podDecodingError(document, decoded);
  if (failure === undefined) return;
  throw new PatchError(patchInvalidStatus(patchedText(document, decoded), failure.text), {
    field: failure.field,
    message: failure.text,
  });
}
