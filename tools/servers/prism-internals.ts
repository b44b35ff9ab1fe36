/**
 * The only places where the mock reaches past the public API of @stoplight/prism-http (5.12.x).
 *
 * - installSuffixAwareMediaTypeMatch(): replaces prism-http's exported `wildcardMediaTypeMatch` with
 *   our `mediaTypeMatches`, so every `+json` request body is validated against its own schema.
 * - loadSecurityValidator(): Prism's own security check, so the mock can answer 401 before it
 *   reads the body (the apiserver authenticates first), with exactly Prism's rules.
 * - loadValidators(): Prism's request and response validators (the ones its pipeline runs), so the
 *   stateful mock validates every request, and every answer it computes itself, against the contract.
 * - installBoundedErrorConversion(): replaces prism-http's exported `convertAjvErrors` with one that turns
 *   at most MAX_LISTED_ERRORS of ajv's errors into diagnostics and counts the rest in one more diagnostic.
 *   Prism runs ajv with `allErrors`, and a 3 MiB body can break the contract in 1.5 million places: ajv
 *   finds them in a third of a second, but converting each into a diagnostic (and each diagnostic into a
 *   Kubernetes cause) took ten seconds and a gigabyte. No answer shows more than the first few thousand
 *   (tools/servers/send-status.ts cuts a Status to 256 KiB), so the rest are counted, not converted.
 *   It can go when Prism lets a caller bound the errors it converts.
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
export const ERROR_CONVERSION_MODULE = "@stoplight/prism-http/dist/validator/validators/utils.js";
export const ERROR_CONVERSION_EXPORT = "convertAjvErrors";
/**
 * The most ajv errors of one validated part (the body, the query, the headers) that become diagnostics:
 * enough that the causes they make never fit in a Status the mock sends (each cause's JSON is over 60
 * bytes, so at most about 4,400 fit in 256 KiB), so the cut changes no answer's body.
 */
export const MAX_LISTED_ERRORS = 10_000;
/** The `code` of the diagnostic that counts the errors past MAX_LISTED_ERRORS. */
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

type ConvertAjvErrors = (errors: unknown[], severity: number, context: string, prefix?: string) => IPrismDiagnostic[];

/** The bounded conversion once installed: installing again must not wrap it a second time. */
let boundedConversion: ConvertAjvErrors | undefined;

/**
 * Installs the bounded conversion into Prism (see the header). Prism's `validateAgainstSchema` looks
 * the export up on every call (`(0, exports.convertAjvErrors)(...)`), so replacing the property takes
 * effect everywhere. `moduleId` exists so tests can prove the loud failure.
 */
export function installBoundedErrorConversion(moduleId: string = ERROR_CONVERSION_MODULE): void {
  const holder = loadFunctionHolder(moduleId, ERROR_CONVERSION_EXPORT);
  if (boundedConversion !== undefined && holder[ERROR_CONVERSION_EXPORT] === boundedConversion) return;
  const convert = holder[ERROR_CONVERSION_EXPORT] as ConvertAjvErrors;
  const bounded: ConvertAjvErrors = (errors, severity, context, prefix) => {
    if (errors.length <= MAX_LISTED_ERRORS) return convert(errors, severity, context, prefix);
    const unlisted = errors.length - MAX_LISTED_ERRORS;
    const where = prefix === undefined ? "" : ` in the ${prefix}`;
    return [
      ...convert(errors.slice(0, MAX_LISTED_ERRORS), severity, context, prefix),
      {
        path: prefix === undefined ? [] : [prefix],
        code: UNLISTED_ERRORS_CODE,
        severity,
        message: `${unlisted} more errors${where} not listed (only the first ${MAX_LISTED_ERRORS} are)`,
      } as IPrismDiagnostic,
    ];
  };
  holder[ERROR_CONVERSION_EXPORT] = bounded;
  if (holder[ERROR_CONVERSION_EXPORT] !== bounded) {
    throw new PrismInternalsError(`Prism's ${ERROR_CONVERSION_EXPORT} in ${moduleId} could not be replaced`);
  }
  boundedConversion = bounded;
}

/** Every adjustment of Prism the mock and the proxy run with: the media-type match and the bounded error conversion. */
export function installPrismAdjustments(): void {
  installSuffixAwareMediaTypeMatch();
  installBoundedErrorConversion();
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
