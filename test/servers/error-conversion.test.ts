/**
 * Unit tests for the bounded conversion of ajv's errors into Prism diagnostics
 * (tools/servers/prism-internals.ts installBoundedErrorConversion): Prism's own conversion lists every
 * error of a body; the installed one lists the first MAX_LISTED_ERRORS exactly as Prism does and counts
 * the rest in one more diagnostic; a request with fewer errors gets Prism's verdict unchanged; installing
 * twice wraps once; a moved Prism internal fails loudly.
 */
import { createRequire } from "node:module";
import type { IHttpRequest } from "@stoplight/prism-http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ERROR_CONVERSION_EXPORT,
  ERROR_CONVERSION_MODULE,
  installBoundedErrorConversion,
  installSuffixAwareMediaTypeMatch,
  loadValidators,
  MAX_LISTED_ERRORS,
  PrismInternalsError,
  UNLISTED_ERRORS_CODE,
} from "../../tools/servers/prism-internals.js";
import type { PrismOperation } from "../../tools/servers/spec.js";
import { loadPatchOperation } from "../support/patch-operation.js";

const requireFromTest = createRequire(import.meta.url);
const utils = requireFromTest(ERROR_CONVERSION_MODULE) as Record<string, unknown>;
/** Prism's own conversion, captured before any test installs the bounded one. */
const prismOriginal = utils[ERROR_CONVERSION_EXPORT];

/** A strategic merge patch whose container has `count` ports that are numbers, not objects: one error each. */
function wrongPorts(count: number): IHttpRequest {
  return {
    method: "patch",
    url: { path: "/api/v1/namespaces/default/pods/hello-world", query: {} },
    headers: { "content-type": "application/strategic-merge-patch+json", authorization: "Bearer t" },
    body: { spec: { containers: [{ name: "hello-world", ports: Array<number>(count).fill(1) }] } },
  };
}

describe("installBoundedErrorConversion", () => {
  let patch: PrismOperation;
  let validateInput: ReturnType<typeof loadValidators>["input"];
  const diagnostics = (element: IHttpRequest) => {
    const verdict = validateInput({ resource: patch, element });
    return verdict._tag === "Left" ? verdict.left : [];
  };

  beforeAll(async () => {
    installSuffixAwareMediaTypeMatch();
    validateInput = loadValidators().input;
    patch = await loadPatchOperation();
  });
  afterEach(() => {
    utils[ERROR_CONVERSION_EXPORT] = prismOriginal;
  });

  it("lists the first errors as Prism does and counts the rest in one diagnostic", () => {
    const request = wrongPorts(MAX_LISTED_ERRORS + 5);
    const whole = diagnostics(request);
    expect(whole).toHaveLength(MAX_LISTED_ERRORS + 5);

    installBoundedErrorConversion();
    const bounded = diagnostics(request);

    expect(bounded).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(bounded.slice(0, MAX_LISTED_ERRORS)).toEqual(whole.slice(0, MAX_LISTED_ERRORS));
    expect(bounded[MAX_LISTED_ERRORS]).toEqual({
      path: ["body"],
      code: UNLISTED_ERRORS_CODE,
      severity: whole[0]?.severity,
      message: `5 more errors in the body not listed (only the first ${MAX_LISTED_ERRORS} are)`,
    });
  });

  it("leaves a verdict of at most MAX_LISTED_ERRORS errors as Prism gives it", () => {
    const request = wrongPorts(MAX_LISTED_ERRORS);
    const whole = diagnostics(request);
    installBoundedErrorConversion();
    expect(diagnostics(request)).toEqual(whole);
  });

  it("wraps Prism's conversion once however often it is installed", () => {
    installBoundedErrorConversion();
    const installed = utils[ERROR_CONVERSION_EXPORT];
    installBoundedErrorConversion();
    expect(utils[ERROR_CONVERSION_EXPORT]).toBe(installed);
    expect(diagnostics(wrongPorts(MAX_LISTED_ERRORS + 1))).toHaveLength(MAX_LISTED_ERRORS + 1);
  });

  it.each<[moduleId: string, message: RegExp]>([
    ["@stoplight/prism-http/dist/validator/validators/noSuchUtils.js", /cannot load Prism module .*noSuchUtils/],
    ["@stoplight/prism-http/dist/validator/validators/body.js", /no longer exports a function convertAjvErrors/],
  ])("fails loudly when %s does not provide the conversion", (moduleId, message) => {
    expect(() => installBoundedErrorConversion(moduleId)).toThrow(PrismInternalsError);
    expect(() => installBoundedErrorConversion(moduleId)).toThrow(message);
    expect(utils[ERROR_CONVERSION_EXPORT]).toBe(prismOriginal);
  });
});
