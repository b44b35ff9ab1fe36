/**
 * Validating values against the contract's component schemas the way the contract means them: Ajv 2020
 * with the bundle's refs resolved inside it, the spec's formats checked (date-time, int32, int64) and
 * the OpenAPI/Kubernetes `x-` annotations allowed. Used by `verify` (answers of a live server) and by
 * the tests (test/support/pod-schema.ts).
 *
 * Input: the bundled document and a component name. Output: an Ajv validate function; `formatErrors`
 * turns its errors into one line each. Throws when the component does not exist or a keyword or format
 * the spec uses is not registered here (strict mode), so a new keyword is never silently ignored.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { OpenApiNode } from "./bundle.js";

export type { ErrorObject, ValidateFunction };

const componentPrefix = "#/components/schemas/";

/** Base URI the bundle is registered under, so `#/components/schemas/<Name>` resolves inside it. */
const bundleId = "https://pod-patch-contract.local/openapi.json";

/** Every key starting with `x-` anywhere in the bundle's schemas (OpenAPI/Kubernetes annotations). */
function extensionKeywords(schemas: OpenApiNode): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) found.add(key);
      else visit(value);
    }
  };
  visit(schemas);
  return [...found].sort();
}

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const int64 = { min: -(2 ** 63), max: 2 ** 63 };

/**
 * An Ajv 2020 instance holding the bundle's schemas. Strict mode stays on, so a keyword or format
 * the spec starts using without being registered here fails compilation instead of being ignored.
 * Only strictTypes is off: IntOrString, like upstream, puts `format` beside a oneOf with no `type`.
 */
function createAjv(document: OpenApiNode): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  addFormats.default(ajv, ["date-time"]);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= int32.min && n <= int32.max });
  // int64 beyond 2^53 cannot be exact in JSON.parse; the range check still rejects overflow.
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= int64.min && n < int64.max });
  // IntOrString carries this label next to a oneOf whose branches (int32 integer | string) do the checking.
  ajv.addFormat("int-or-string", true);
  // `components` is only the container the refs point into; the x- keys are annotations.
  ajv.addVocabulary(["components", ...extensionKeywords(document.components.schemas)]);
  ajv.addSchema({ $id: bundleId, components: { schemas: document.components.schemas } });
  return ajv;
}

const instances = new WeakMap<OpenApiNode, Ajv2020>();

/** Compiles `components.schemas.<name>` of the bundle into a validator (one Ajv instance per document). */
export function compileComponent(document: OpenApiNode, name: string): ValidateFunction {
  let ajv = instances.get(document);
  if (ajv === undefined) {
    ajv = createAjv(document);
    instances.set(document, ajv);
  }
  const validate = ajv.getSchema(`${bundleId}${componentPrefix}${name}`);
  if (validate === undefined) throw new Error(`bundle has no components.schemas.${name}`);
  return validate;
}

/**
 * The field an Ajv error is about, as a JSON pointer into the instance: the instance path, plus the
 * missing member for `required`.
 */
export function errorField(error: ErrorObject): string {
  return error.keyword === "required" ? `${error.instancePath}/${error.params.missingProperty as string}` : error.instancePath;
}

/** One line per Ajv error, for messages. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${errorField(error) || "/"} ${error.keyword}: ${error.message ?? ""}`).join("\n");
}
