/**
 * The only places where the mock reaches past the public API of @stoplight/prism-http (5.12.x).
 *
 * - installSuffixAwareMediaTypeMatch(): replaces prism-http's exported `wildcardMediaTypeMatch` with
 *   our `mediaTypeMatches`, so every `+json` request body is validated against its own schema.
 * - loadSecurityValidator(): Prism's own security check, so the mock can answer 401 before it
 *   reads the body (the apiserver authenticates first), with exactly Prism's rules.
 * - loadValidators(): Prism's request and response validators (the ones its pipeline runs), so the
 *   stateful mock validates every request, and every answer it computes itself, against the contract.
 * - installBoundedValidation(): replaces prism-http's exported `validateAgainstSchema` with one that stops
 *   looking once it has found more than MAX_LISTED_ERRORS errors in one validated part (the body, the
 *   query, the headers), lists the first MAX_LISTED_ERRORS as Prism does (its own `convertAjvErrors`) and
 *   says in one more diagnostic that it stopped. Prism runs ajv with `allErrors`, and a 3 MiB body can
 *   break the contract in a million places or more: ajv built an error object for each (hundreds of MB, a
 *   second or more of garbage collection) and Prism a diagnostic for each (ten seconds and a gigabyte,
 *   before only the listed ones were converted), while no answer shows more than the first few thousand
 *   (tools/servers/send-status.ts cuts a Status to 256 KiB). ajv has no option to stop after N errors, so
 *   the replacement compiles with ajv's documented `code.process` hook and adds, after each place where the
 *   generated code counts an error, a return once the count passes the bound (boundErrorCount). It mirrors
 *   what Prism's own function does around that (the same ajv package, options, formats and date-time check,
 *   a cache per schema, an exception from ajv meaning no verdict); installing it compares its diagnostics
 *   with Prism's own on a probe and refuses to start when they differ.
 *   One consequence, in the generated code's terms: a function that returns early returns `false`, also
 *   inside a branch of `anyOf`/`oneOf` that another branch would have let pass. The contract's alternatives
 *   are scalars (IntOrString, Quantity) and JSON Patch operations, whose failing branches add a few errors
 *   at most, so a value is only refused that way when it already has about MAX_LISTED_ERRORS real errors.
 *   It can go when Prism lets a caller bound the errors ajv collects.
 *
 * Inputs: the installed Prism package. Outputs: the patched module / the validator function.
 * Both throw a PrismInternalsError when the module cannot be loaded or the export is missing or no
 * longer a function, so a Prism upgrade that moves them fails loudly at start-up instead of quietly
 * bringing the bug back.
 */
import { createRequire } from "node:module";
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import type { PrismOperation } from "./spec.js";
import { mediaTypeMatches } from "./media-type.js";

export const MEDIA_TYPE_MATCH_MODULE = "@stoplight/prism-http/dist/validator/utils/wildcardMediaTypeMatch.js";
export const MEDIA_TYPE_MATCH_EXPORT = "wildcardMediaTypeMatch";
export const VALIDATION_MODULE = "@stoplight/prism-http/dist/validator/validators/utils.js";
export const VALIDATION_EXPORT = "validateAgainstSchema";
const CONVERSION_EXPORT = "convertAjvErrors";
const DATE_TIME_MODULE = "@stoplight/prism-http/dist/validator/validators/dateTime.js";
/**
 * The most errors of one validated part (the body, the query, the headers) that are looked for and listed:
 * enough that the causes they make never fit in a Status the mock sends (each cause's JSON is over 60
 * bytes, so at most about 4,400 fit in 256 KiB), so the bound changes no answer's causes.
 */
export const MAX_LISTED_ERRORS = 10_000;
/** The `code` of the diagnostic that says the validation stopped after MAX_LISTED_ERRORS errors. */
export const UNLISTED_ERRORS_CODE = "unlistedErrors";
const SECURITY_MODULE = "@stoplight/prism-http/dist/validator/index.js";
const SECURITY_EXPORT = "validateSecurity";

/** A Prism validator: an fp-ts Either whose Left holds the diagnostics. */
export type PrismValidator<E> = (input: {
  resource: PrismOperation;
  element: E;
}) => { _tag: "Left"; left: IPrismDiagnostic[] } | { _tag: "Right" };

/** Prism's security validator: an fp-ts Either whose Left means the security requirements are not met. */
export type SecurityValidator = (input: { resource: PrismOperation; element: IHttpRequest }) => { _tag: "Left" | "Right" };

/** Raised at start-up when a Prism internal the mock depends on is missing. */
export class PrismInternalsError extends Error {}

const requireFromHere = createRequire(import.meta.url);

/** Loads a CommonJS module of Prism and returns its exports object if `exportName` is a function there. */
function loadFunctionHolder(moduleId: string, exportName: string): Record<string, unknown> {
  let holder: Record<string, unknown>;
  try {
    holder = requireFromHere(moduleId) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
    throw new PrismInternalsError(
      `cannot load Prism module ${moduleId} (${reason}); the installed @stoplight/prism-http no longer has it — ` +
        "re-check tools/servers/prism-internals.ts against the new Prism version",
    );
  }
  if (typeof holder[exportName] !== "function") {
    throw new PrismInternalsError(
      `Prism module ${moduleId} no longer exports a function ${exportName} (found ${typeof holder[exportName]}); ` +
        "re-check tools/servers/prism-internals.ts against the new Prism version",
    );
  }
  return holder;
}

/**
 * Installs the suffix-aware matcher into Prism. Prism's callers look the export up on every call
 * (`(0, module_1.wildcardMediaTypeMatch)(...)`), so replacing the property takes effect everywhere.
 * `moduleId` exists so tests can prove the loud failure; production code uses the default.
 */
export function installSuffixAwareMediaTypeMatch(moduleId: string = MEDIA_TYPE_MATCH_MODULE): void {
  const holder = loadFunctionHolder(moduleId, MEDIA_TYPE_MATCH_EXPORT);
  // Prism compares `+json` media types by suffix only (stoplightio/prism #1936, #2509), so swap in an exact matcher.
  holder[MEDIA_TYPE_MATCH_EXPORT] = mediaTypeMatches;
  if (holder[MEDIA_TYPE_MATCH_EXPORT] !== mediaTypeMatches) {
    throw new PrismInternalsError(`Prism's ${MEDIA_TYPE_MATCH_EXPORT} in ${moduleId} could not be replaced`);
  }
}

type ConvertAjvErrors = (errors: unknown[], severity: number, context: number, prefix?: string) => IPrismDiagnostic[];
/** A function ajv compiled: true when the value is valid, its errors (at most MAX_LISTED_ERRORS + 1 here) in `errors`. */
type AjvValidate = ((value: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvInstance {
  compile(schema: object): AjvValidate;
  addFormat(name: string, format: unknown): unknown;
}
type AjvClass = new (options: object) => AjvInstance;
/** fp-ts's Option, as Prism's callers of validateAgainstSchema read it. */
type Option<T> = { _tag: "None" } | { _tag: "Some"; value: T };
type ValidateAgainstSchema = (
  value: unknown,
  schema: { $schema?: unknown },
  coerce: boolean,
  context: number,
  prefix?: string,
  bundle?: unknown,
) => Option<IPrismDiagnostic[]>;

/**
 * The generated code of one ajv function with a return after every place it counts an error, once it has
 * counted more than MAX_LISTED_ERRORS: `errors++;` after an error of its own, `errors = vErrors.length;`
 * after the errors of a function it called (ajv 8's compile/errors.ts addError, vocabularies/code.ts
 * callValidateCode's caller). The function's errors so far go where its caller reads them, as at its end.
 * Throws when the code is not one function of ajv's shape (ajv changed how it generates code).
 */
export function boundErrorCount(source: string): string {
  const names = [...source.matchAll(/\bfunction (validate\d+)\(/g)].map((match) => match[1]);
  const [name] = names;
  if (names.length !== 1 || name === undefined || !source.includes("let vErrors = null;")) {
    throw new PrismInternalsError(
      `ajv generated code of an unknown shape (${names.length} validate functions); ` +
        "re-check tools/servers/prism-internals.ts boundErrorCount against the installed ajv",
    );
  }
  const stop = `if(errors>${MAX_LISTED_ERRORS}){${name}.errors=vErrors;return false;}`;
  return source.replace(/(?<=[;}])(errors\+\+;|errors = vErrors\.length;)/g, (site) => `${site}${stop}`);
}

/** The bounded validation once installed: installing again must not replace it a second time. */
let boundedValidation: ValidateAgainstSchema | undefined;

/**
 * Prism's validateAgainstSchema with the error count bounded (see the header): the same ajv classes (ajv,
 * its 2019-09 and 2020-12 drafts, by the schema's `$schema`), options and formats as Prism's
 * validator/validators/utils.js createAjvInstances, plus the `code.process` hook; a compiled function
 * kept per schema and bundle, as Prism keeps it.
 */
function boundedValidator(holder: Record<string, unknown>, moduleId: string): ValidateAgainstSchema {
  const requireFromPrism = createRequire(requireFromHere.resolve(moduleId));
  const formats = requireFromPrism("ajv-formats") as { default: (ajv: AjvInstance) => void };
  const dateTime = requireFromPrism(DATE_TIME_MODULE) as {
    fmtDef: (validate: unknown, compare: unknown) => unknown;
    date_time: unknown;
    compareDateTime: unknown;
  };
  const severity = (requireFromPrism("@stoplight/types") as { DiagnosticSeverity: { Error: number } }).DiagnosticSeverity.Error;
  const classes: Record<string, AjvClass> = {
    default: (requireFromPrism("ajv") as { default: AjvClass }).default,
    draft2019: (requireFromPrism("ajv/dist/2019") as { default: AjvClass }).default,
    draft2020: (requireFromPrism("ajv/dist/2020") as { default: AjvClass }).default,
  };
  const instances = new Map<string, AjvInstance>();
  function instanceFor($schema: unknown, coerce: boolean): AjvInstance {
    const text = String($schema);
    const draft = /^https?:\/\/json-schema.org\/draft\/2019-09\/schema#?$/.test(text)
      ? "draft2019"
      : /^https?:\/\/json-schema.org\/draft\/2020-12\/schema#?$/.test(text)
        ? "draft2020"
        : "default";
    const key = `${draft} ${coerce}`;
    let ajv = instances.get(key);
    if (ajv === undefined) {
      const Ajv = classes[draft] as AjvClass;
      ajv = new Ajv({
        allErrors: true,
        allowUnionTypes: true,
        allowMatchingProperties: true,
        strict: false,
        // Prism silences ajv's warnings about formats it does not know (OpenAPI's own, like int32); so does this.
        logger: {
          warn: (...args: unknown[]) => {
            if (typeof args[0] !== "string" || !args[0].startsWith("unknown format")) console.warn(...args);
          },
          log: console.log,
          error: console.error,
        },
        coerceTypes: coerce,
        code: { process: boundErrorCount },
      });
      formats.default(ajv);
      ajv.addFormat("date-time", dateTime.fmtDef(dateTime.date_time, dateTime.compareDateTime));
      instances.set(key, ajv);
    }
    return ajv;
  }
  const compiled = new WeakMap<object, WeakMap<object, AjvValidate>>();
  const noBundle = {};
  function validatorOf(schema: { $schema?: unknown }, coerce: boolean, bundle: unknown): AjvValidate {
    const bundleKey = typeof bundle === "object" && bundle !== null ? bundle : noBundle;
    let byBundle = compiled.get(schema);
    let validate = byBundle?.get(bundleKey);
    if (validate !== undefined) return validate;
    validate = instanceFor(schema.$schema, coerce).compile({ ...schema, __bundled__: bundle });
    if (byBundle === undefined) {
      byBundle = new WeakMap();
      compiled.set(schema, byBundle);
    }
    byBundle.set(bundleKey, validate);
    return validate;
  }
  return (value, schema, coerce, context, prefix, bundle) => {
    let errors: unknown[] | null | undefined;
    try {
      const validate = validatorOf(schema, coerce, bundle);
      validate(value);
      errors = validate.errors;
    } catch {
      // Prism's own function gives no verdict when ajv throws (fp-ts Option.tryCatch): neither does this one.
      return { _tag: "None" };
    }
    if (errors === null || errors === undefined || errors.length === 0) return { _tag: "None" };
    // Prism's conversion, looked up as Prism's own function looks it up.
    const convert = holder[CONVERSION_EXPORT] as ConvertAjvErrors;
    if (errors.length <= MAX_LISTED_ERRORS) return { _tag: "Some", value: convert(errors, severity, context, prefix) };
    const where = prefix === undefined ? "" : ` in the ${prefix}`;
    const stopped: IPrismDiagnostic = {
      path: prefix === undefined ? [] : [prefix],
      code: UNLISTED_ERRORS_CODE,
      severity,
      message: `more errors${where} not listed: validation stops after the first ${MAX_LISTED_ERRORS}`,
    };
    return { _tag: "Some", value: [...convert(errors.slice(0, MAX_LISTED_ERRORS), severity, context, prefix), stopped] };
  };
}

/** A value and schemas on which the bounded validation must say what Prism's own says (installBoundedValidation). */
const PROBES: { value: unknown; schema: object; coerce: boolean }[] = [
  {
    value: { a: "1", n: 1.5, t: "2024-02-30T00:00:00Z", u: "not-a-uri", e: "x", extra: true, list: [1, "2"] },
    schema: {
      type: "object",
      required: ["a", "missing"],
      additionalProperties: false,
      properties: {
        a: { type: "integer" },
        n: { type: "integer", format: "int32" },
        t: { type: "string", format: "date-time" },
        u: { type: "string", format: "uri" },
        e: { enum: ["y", "z"] },
        list: { type: "array", items: { type: ["integer", "boolean"] } },
      },
    },
    coerce: false,
  },
  {
    value: { count: "5", flag: "true", when: "2024-01-01T00:00:00.5+01:00" },
    schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { count: { type: "integer", minimum: 6 }, flag: { type: "boolean" }, when: { format: "date-time" } },
    },
    coerce: true,
  },
];

/**
 * Installs the bounded validation into Prism (see the header). Prism's callers look the export up on every
 * call (`(0, utils_1.validateAgainstSchema)(...)`), so replacing the property takes effect everywhere.
 * Before it does, it checks that it answers the PROBES as Prism's own function does, so a Prism upgrade
 * that changes its ajv options fails the start instead of changing verdicts. `moduleId` exists so tests can
 * prove the loud failure.
 */
export function installBoundedValidation(moduleId: string = VALIDATION_MODULE): void {
  const holder = loadFunctionHolder(moduleId, VALIDATION_EXPORT);
  if (boundedValidation !== undefined && holder[VALIDATION_EXPORT] === boundedValidation) return;
  // The replacement converts its errors with Prism's own conversion: that must be there too.
  loadFunctionHolder(moduleId, CONVERSION_EXPORT);
  const prismOwn = holder[VALIDATION_EXPORT] as ValidateAgainstSchema;
  const bounded = boundedValidator(holder, moduleId);
  for (const probe of PROBES) {
    const verdicts = [prismOwn, bounded].map((validate) =>
      JSON.stringify(validate(structuredClone(probe.value), probe.schema, probe.coerce, 0, "body")),
    );
    if (verdicts[0] !== verdicts[1]) {
      throw new PrismInternalsError(
        `the bounded validation differs from Prism's ${VALIDATION_EXPORT} in ${moduleId} (Prism: ${verdicts[0]}; bounded: ${verdicts[1]}); ` +
          "re-check tools/servers/prism-internals.ts boundedValidator against the new Prism version",
      );
    }
  }
  holder[VALIDATION_EXPORT] = bounded;
  if (holder[VALIDATION_EXPORT] !== bounded) {
    throw new PrismInternalsError(`Prism's ${VALIDATION_EXPORT} in ${moduleId} could not be replaced`);
  }
  boundedValidation = bounded;
}

/** Every adjustment of Prism the mock and the proxy run with: the media-type match and the bounded validation. */
export function installPrismAdjustments(): void {
  installSuffixAwareMediaTypeMatch();
  installBoundedValidation();
}

/** Returns Prism's security validator (the one its own pipeline runs when `checkSecurity` is on). */
export function loadSecurityValidator(): SecurityValidator {
  return loadFunctionHolder(SECURITY_MODULE, SECURITY_EXPORT)[SECURITY_EXPORT] as SecurityValidator;
}

/** Prism's `validateInput` and `validateOutput`. */
export function loadValidators(): { input: PrismValidator<IHttpRequest>; output: PrismValidator<IHttpResponse> } {
  const holder = loadFunctionHolder(SECURITY_MODULE, "validateOutput");
  if (typeof holder.validateInput !== "function") {
    throw new PrismInternalsError(`Prism module ${SECURITY_MODULE} no longer exports a function validateInput`);
  }
  return {
    input: holder.validateInput as PrismValidator<IHttpRequest>,
    output: holder.validateOutput as PrismValidator<IHttpResponse>,
  };
}
