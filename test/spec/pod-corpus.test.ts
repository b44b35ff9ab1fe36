/**
 * The bundled Pod schema (components.schemas.Pod in generated/openapi.json, compiled with Ajv 2020)
 * against a corpus of hand-written Pods: every file under test/fixtures/pods/valid/ must validate;
 * every file under test/fixtures/pods/invalid/ must be rejected, and only for the field and keyword its
 * `$expect` entry names. The valid corpus must also keep covering every volume source kind and every
 * container state the schema defines (computed from the files, so dropping one fails the test).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, readText } from "../../tools/pipeline/common.js";
import { readBundle } from "../../tools/pipeline/generate.js";
import { compileComponent, errorField, formatErrors, type Json } from "../support/pod-schema.js";

const corpusDir = join(projectRoot, "test", "fixtures", "pods");
const document = readBundle().document as Json;
const validatePod = compileComponent(document, "Pod");

/** Every `*.json` in one corpus folder, as [file name, parsed content] rows for it.each. */
function corpus(folder: "valid" | "invalid"): Array<[string, Json]> {
  return readdirSync(join(corpusDir, folder))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => [name, JSON.parse(readText(join(corpusDir, folder, name))) as Json]);
}

interface Expectation {
  /** JSON pointer of the offending field (for `required`, the missing member itself). */
  field: string;
  keyword: string;
  why: string;
}

const valid = corpus("valid");
const invalid = corpus("invalid").map(([name, { $expect, ...pod }]): [string, Json, Expectation] => [
  name,
  pod,
  $expect as Expectation,
]);

describe("valid Pods", () => {
  it("are numerous enough to mean something", () => {
    expect(valid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(valid)("%s validates against components.schemas.Pod", (_name, pod) => {
    const ok = validatePod(pod);
    expect(ok, formatErrors(validatePod.errors)).toBe(true);
  });
});

describe("invalid Pods", () => {
  it("are numerous enough to mean something", () => {
    expect(invalid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalid)("%s is rejected for its expected field and keyword", (_name, pod, expected) => {
    expect(expected, "the file needs a $expect entry with field, keyword and why").toMatchObject({
      field: expect.any(String),
      keyword: expect.any(String),
      why: expect.any(String),
    });
    expect(validatePod(pod)).toBe(false);
    const errors = validatePod.errors ?? [];
    const report = formatErrors(errors);
    expect(
      errors.map((error) => [errorField(error), error.keyword]),
      report,
    ).toContainEqual([expected.field, expected.keyword]);
    // One defect per file: every error (oneOf branches included) is about the expected field.
    expect(formatErrors(errors.filter((error) => errorField(error) !== expected.field)), "errors about other fields").toBe("");
  });
});

/** Property names of a bundled component schema. */
const propertiesOf = (name: string): string[] => Object.keys(document.components.schemas[name].properties);

describe("the valid corpus covers", () => {
  const pods = valid.map(([, pod]) => pod);

  it("every volume source kind of the Volume schema", () => {
    const kinds = propertiesOf("Volume").filter((property) => property !== "name");
    const used = new Set(pods.flatMap((pod) => (pod.spec.volumes ?? []).flatMap((volume: Json) => Object.keys(volume))));
    expect(kinds).toHaveLength(30);
    expect(
      kinds.filter((kind) => !used.has(kind)),
      "volume source kinds no valid Pod uses",
    ).toEqual([]);
  });

  it("every container state, as state and as lastState", () => {
    const states = propertiesOf("ContainerState");
    const statuses = pods.flatMap((pod) =>
      ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"].flatMap((list) => pod.status?.[list] ?? []),
    );
    const seen = (field: "state" | "lastState") => new Set(statuses.flatMap((status: Json) => Object.keys(status[field] ?? {})));
    expect(
      states.filter((state) => !seen("state").has(state)),
      "container states no valid Pod reports",
    ).toEqual([]);
    expect(seen("lastState").size, "no valid Pod reports a lastState").toBeGreaterThan(0);
  });
});
