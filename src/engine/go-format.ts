// How Go prints the values of a decoded JSON document, for the error messages the apiserver builds with
// fmt (kubernetes v1.35.4 staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go and
// strategicpatch/patch.go): `%v` of a value (maps as `map[k:v …]` with sorted keys, lists as `[a b]`,
// strings bare, `<nil>`), and the reflect type name of one (`map[string]interface {}`, `[]interface {}`,
// `string`, `int64` — the apiserver decodes patches preserving integers —, `float64`, `bool`).
// Inputs: parsed JSON values. Outputs: strings. Pure.
import { isJsonObject, type JsonValue } from "./json.js";

/** fmt's `%v` of a value decoded from JSON. */
export function goValue(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goValue).join(" ")}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goValue(value[key])}`).join(" ")}]`;
  }
  // Integers print as int64 does; fractions as JavaScript prints them, which is Go's %v up to 1e21.
  return String(value);
}

/** reflect.TypeOf(value).String() of a value decoded from JSON. */
export function goType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "%!s(<nil>)";
  if (Array.isArray(value)) return "[]interface {}";
  if (isJsonObject(value)) return "map[string]interface {}";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  return typeof value === "boolean" ? "bool" : "string";
}
