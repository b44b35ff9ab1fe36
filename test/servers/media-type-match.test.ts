/**
 * Unit tests for the mock's media-type matcher (tools/servers/media-type.ts) and its installation into
 * Prism (tools/servers/prism-internals.ts): table-driven matches, proof that unpatched Prism confuses the
 * `+json` patch types, that the installed matcher is what Prism's body validator uses, that a
 * moved or missing Prism internal fails loudly, and that the security check loaded is Prism's.
 */
import { createRequire } from "node:module";
import type { IHttpRequest } from "@stoplight/prism-http";
import { afterEach, describe, expect, it } from "vitest";
import { mediaTypeEssence, mediaTypeMatches } from "../../tools/servers/media-type.js";
import {
  installSuffixAwareMediaTypeMatch,
  loadSecurityValidator,
  MEDIA_TYPE_MATCH_EXPORT,
  MEDIA_TYPE_MATCH_MODULE,
  PrismInternalsError,
} from "../../tools/servers/prism-internals.js";
import type { PrismOperation } from "../../tools/servers/spec.js";

type Matcher = (actual: string, declared: string) => boolean;

const requireFromTest = createRequire(import.meta.url);
const prismMatcherModule = requireFromTest(MEDIA_TYPE_MATCH_MODULE) as Record<string, Matcher>;
/** Prism's own matcher, captured before any test installs ours. */
const prismOriginal = prismMatcherModule[MEDIA_TYPE_MATCH_EXPORT] as Matcher;

const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";

describe("mediaTypeMatches", () => {
  it.each<[actual: string, declared: string, expected: boolean]>([
    [JSON_PATCH, JSON_PATCH, true],
    [MERGE_PATCH, MERGE_PATCH, true],
    [STRATEGIC, STRATEGIC, true],
    [APPLY, APPLY, true],
    [MERGE_PATCH, JSON_PATCH, false],
    [JSON_PATCH, MERGE_PATCH, false],
    [STRATEGIC, MERGE_PATCH, false],
    [MERGE_PATCH, STRATEGIC, false],
    ["application/json", JSON_PATCH, false],
    [JSON_PATCH, "application/json", false],
    ["application/apply-patch+json", APPLY, false],
    ["application/yaml", APPLY, false],
    ["Application/Merge-Patch+JSON", MERGE_PATCH, true],
    [`${MERGE_PATCH}; charset=utf-8`, MERGE_PATCH, true],
    [MERGE_PATCH, `${MERGE_PATCH}; charset=utf-8`, true],
    ["text/plain", "text/plain", true],
    ["text/plain", JSON_PATCH, false],
    [MERGE_PATCH, "*/*", true],
    [MERGE_PATCH, "application/*", true],
    ["text/plain", "application/*", false],
    [MERGE_PATCH, "application/*+json", true],
    ["application/json", "application/*+json", false],
    [APPLY, "application/*+json", false],
    ["*/*", "application/json", false],
    ["application/*", MERGE_PATCH, false],
    ["", MERGE_PATCH, false],
    ["merge-patch", MERGE_PATCH, false],
    ["application/merge/patch+json", MERGE_PATCH, false],
    ["application/merge patch+json", MERGE_PATCH, false],
    [MERGE_PATCH, "", false],
  ])("%j against declared %j → %s", (actual, declared, expected) => {
    expect(mediaTypeMatches(actual, declared)).toBe(expected);
  });
});

describe("mediaTypeEssence", () => {
  it.each<[value: string, expected: string | undefined]>([
    [MERGE_PATCH, MERGE_PATCH],
    ["  Application/Merge-Patch+JSON ; charset=UTF-8", MERGE_PATCH],
    ["application/json;charset=utf-8", "application/json"],
    ["", undefined],
    ["json", undefined],
    ["application/", undefined],
    ["/json", undefined],
    ["a/b/c", undefined],
    ["application/js on", undefined],
  ])("%j → %j", (value, expected) => {
    expect(mediaTypeEssence(value)).toBe(expected);
  });
});

describe("Prism's unpatched matcher (stoplightio/prism #1936)", () => {
  it.each<[actual: string, declared: string]>([
    [MERGE_PATCH, JSON_PATCH],
    [STRATEGIC, JSON_PATCH],
    ["application/json", JSON_PATCH],
  ])("says %j matches %j; ours says it does not", (actual, declared) => {
    expect(prismOriginal(actual, declared)).toBe(true);
    expect(mediaTypeMatches(actual, declared)).toBe(false);
  });
});

describe("installSuffixAwareMediaTypeMatch", () => {
  afterEach(() => {
    prismMatcherModule[MEDIA_TYPE_MATCH_EXPORT] = prismOriginal;
  });

  it("makes Prism's body validator pick the content of the exact media type", () => {
    const body = requireFromTest("@stoplight/prism-http/dist/validator/validators/body.js") as {
      findContentByMediaTypeOrFirst: (
        specs: Array<{ mediaType: string }>,
        mediaType: string,
      ) => { _tag: string; value?: { content: { mediaType: string } } };
    };
    const specs = [{ mediaType: JSON_PATCH }, { mediaType: MERGE_PATCH }, { mediaType: STRATEGIC }];
    expect(body.findContentByMediaTypeOrFirst(specs, STRATEGIC).value?.content.mediaType).toBe(JSON_PATCH);

    installSuffixAwareMediaTypeMatch();

    expect(prismMatcherModule[MEDIA_TYPE_MATCH_EXPORT]).toBe(mediaTypeMatches);
    expect(body.findContentByMediaTypeOrFirst(specs, STRATEGIC).value?.content.mediaType).toBe(STRATEGIC);
    expect(body.findContentByMediaTypeOrFirst(specs, MERGE_PATCH).value?.content.mediaType).toBe(MERGE_PATCH);
  });

  it.each<[moduleId: string, message: RegExp]>([
    ["@stoplight/prism-http/dist/validator/utils/noSuchMatcher.js", /cannot load Prism module .*noSuchMatcher/],
    ["@stoplight/prism-http/dist/validator/utils/spec.js", /no longer exports a function wildcardMediaTypeMatch/],
  ])("fails loudly when %s does not provide the matcher", (moduleId, message) => {
    expect(() => installSuffixAwareMediaTypeMatch(moduleId)).toThrow(PrismInternalsError);
    expect(() => installSuffixAwareMediaTypeMatch(moduleId)).toThrow(message);
    expect(prismMatcherModule[MEDIA_TYPE_MATCH_EXPORT]).toBe(prismOriginal);
  });
});

describe("loadSecurityValidator", () => {
  const resource = {
    security: [[{ id: "k", key: "XAuthToken", type: "apiKey", in: "header", name: "X-Auth-Token" }]],
  } as unknown as PrismOperation;

  it.each<[label: string, headers: Record<string, string>, tag: "Left" | "Right"]>([
    ["without the header", {}, "Left"],
    ["with the header", { "x-auth-token": "t" }, "Right"],
  ])("returns Prism's security check: %s → %s", (_label, headers, tag) => {
    const validateSecurity = loadSecurityValidator();
    const element: IHttpRequest = { method: "patch", url: { path: "/" }, headers };
    expect(validateSecurity({ resource, element })._tag).toBe(tag);
  });
});
