/**
 * Unit tests for the bounded validation installed into Prism (tools/servers/prism-internals.ts
 * installBoundedValidation): Prism's own validateAgainstSchema finds and lists every error of a body; the
 * installed one stops after MAX_LISTED_ERRORS + 1, lists the first MAX_LISTED_ERRORS exactly as Prism does
 * and says it stopped; a request with fewer errors gets Prism's verdict unchanged; the generated code stops
 * counting in every function, a called one included (boundErrorCount); installing twice replaces once; a
 * moved Prism internal, or one that no longer validates as the replacement does, fails loudly.
 */
import { createRequire } from "node:module";
import type { IHttpRequest } from "@stoplight/prism-http";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  boundErrorCount,
  installBoundedValidation,
  installSuffixAwareMediaTypeMatch,
  loadValidators,
  MAX_LISTED_ERRORS,
  PrismInternalsError,
  UNLISTED_ERRORS_CODE,
  VALIDATION_EXPORT,
  VALIDATION_MODULE,
} from "../../tools/servers/prism-internals.js";
import type { PrismOperation } from "../../tools/servers/spec.js";
import { loadPatchOperation } from "../support/patch-operation.js";

const requireFromTest = createRequire(import.meta.url);
const utils = requireFromTest(VALIDATION_MODULE) as Record<string, unknown>;
/** Prism's own validation, captured before any test installs the bounded one. */
const prismOriginal = utils[VALIDATION_EXPORT];

/** A strategic merge patch whose container has `count` ports that are numbers, not objects: one error each. */
function wrongPorts(count: number): IHttpRequest {
  return {
    method: "patch",
    url: { path: "/api/v1/namespaces/default/pods/hello-world", query: {} },
    headers: { "content-type": "application/strategic-merge-patch+json", authorization: "Bearer t" },
    body: { spec: { containers: [{ name: "hello-world", ports: Array<number>(count).fill(1) }] } },
  };
}

describe("installBoundedValidation", () => {
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
    utils[VALIDATION_EXPORT] = prismOriginal;
  });

  it("lists the first errors as Prism does and says that it stopped", () => {
    const request = wrongPorts(MAX_LISTED_ERRORS + 5);
    const whole = diagnostics(request);
    expect(whole).toHaveLength(MAX_LISTED_ERRORS + 5);

    installBoundedValidation();
    const bounded = diagnostics(request);

    expect(bounded).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(bounded.slice(0, MAX_LISTED_ERRORS)).toEqual(whole.slice(0, MAX_LISTED_ERRORS));
    expect(bounded[MAX_LISTED_ERRORS]).toEqual({
      path: ["body"],
      code: UNLISTED_ERRORS_CODE,
      severity: whole[0]?.severity,
      message: `more errors in the body not listed: validation stops after the first ${MAX_LISTED_ERRORS}`,
    });
  });

  it.each([0, 1, 3, MAX_LISTED_ERRORS])("gives Prism's own verdict on a body with %i errors", (count) => {
    const request = wrongPorts(count);
    const whole = diagnostics(request);
    expect(whole).toHaveLength(count);
    installBoundedValidation();
    expect(diagnostics(request)).toEqual(whole);
  });

  it("gives Prism's own verdict on a body with errors of many kinds, and on the query and headers", () => {
    const request: IHttpRequest = {
      method: "patch",
      url: { path: "/api/v1/namespaces/default/pods/hello-world", query: { dryRun: "Sometimes", force: "maybe", bogus: "1" } },
      headers: { "content-type": "application/strategic-merge-patch+json", authorization: "Bearer t" },
      body: {
        kind: 5,
        metadata: { labels: { a: 1 }, creationTimestamp: "yesterday", bogus: true },
        spec: { activeDeadlineSeconds: 1.5, containers: [{ ports: [{ containerPort: "80", protocol: "BOGUS" }] }] },
      },
    };
    const whole = diagnostics(request);
    expect(whole.length).toBeGreaterThan(5);
    installBoundedValidation();
    expect(diagnostics(request)).toEqual(whole);
  });

  it("stops looking: 1.5 million errors are not all found", () => {
    installBoundedValidation();
    const found = diagnostics(wrongPorts(1_500_000));
    expect(found).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(found.at(-1)?.code).toBe(UNLISTED_ERRORS_CODE);
  });

  it("replaces Prism's validation once however often it is installed", () => {
    installBoundedValidation();
    const installed = utils[VALIDATION_EXPORT];
    installBoundedValidation();
    expect(utils[VALIDATION_EXPORT]).toBe(installed);
    expect(installed).not.toBe(prismOriginal);
  });

  it.each<[moduleId: string, message: RegExp]>([
    ["@stoplight/prism-http/dist/validator/validators/noSuchUtils.js", /cannot load Prism module .*noSuchUtils/],
    ["@stoplight/prism-http/dist/validator/validators/body.js", /no longer exports a function validateAgainstSchema/],
  ])("fails loudly when %s does not provide the validation", (moduleId, message) => {
    expect(() => installBoundedValidation(moduleId)).toThrow(PrismInternalsError);
    expect(() => installBoundedValidation(moduleId)).toThrow(message);
    expect(utils[VALIDATION_EXPORT]).toBe(prismOriginal);
  });

  it("refuses to install when Prism's own validation no longer answers the probes as the replacement does", () => {
    // A Prism whose validation found nothing (as if its ajv options had changed): the probes' errors differ.
    const changedPrism = () => ({ _tag: "None" });
    utils[VALIDATION_EXPORT] = changedPrism;
    expect(() => installBoundedValidation()).toThrow(/the bounded validation differs from Prism's validateAgainstSchema/);
    expect(utils[VALIDATION_EXPORT]).toBe(changedPrism);
  });
});

describe("boundErrorCount", () => {
  /** ajv as Prism runs it, with the bound in its generated code. */
  const ajv = new Ajv2020({ allErrors: true, strict: false, code: { process: boundErrorCount } });

  it("stops a function once it has counted more than MAX_LISTED_ERRORS errors of its own", () => {
    const validate = ajv.compile({ type: "array", items: { type: "string" } });
    expect(validate(Array(50_000).fill(1))).toBe(false);
    expect(validate.errors).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(validate.errors?.[0]?.instancePath).toBe("/0");
  });

  it("stops the caller of a function that returned errors, so the errors stay bounded through references", () => {
    // A recursive reference is compiled into a function of its own, which the items call.
    const validate = ajv.compile({
      $defs: {
        node: {
          type: "object",
          required: ["name"],
          properties: { children: { type: "array", items: { $ref: "#/$defs/node" } } },
        },
      },
      type: "array",
      items: { $ref: "#/$defs/node" },
    });
    const childless = Array.from({ length: 30_000 }, () => ({ children: [{}, {}] }));
    expect(validate(childless)).toBe(false);
    const count = validate.errors?.length ?? 0;
    expect(count).toBeGreaterThan(MAX_LISTED_ERRORS);
    expect(count).toBeLessThanOrEqual(MAX_LISTED_ERRORS + 3);
  });

  it("leaves the verdict of a valid value, and the errors of one below the bound, as ajv gives them", () => {
    const plain = new Ajv2020({ allErrors: true, strict: false });
    const schema = { type: "object", required: ["a"], properties: { b: { oneOf: [{ type: "string" }, { type: "integer" }] } } };
    const bounded = ajv.compile(schema);
    const unbounded = plain.compile(schema);
    for (const value of [{ a: 1, b: "x" }, { a: 1, b: 2 }, { b: true }, {}]) {
      expect(bounded(value)).toBe(unbounded(value));
      expect(bounded.errors).toEqual(unbounded.errors);
    }
  });

  it("refuses generated code of another shape", () => {
    expect(() => boundErrorCount("return function check(data){return true}")).toThrow(PrismInternalsError);
  });
});
