/**
 * src/yaml/apiserver-yaml.ts against the apiserver's own YAML decoder: every case of
 * test/fixtures/yaml/yaml-cases.ts decodes to the JSON that sigs.k8s.io/yaml v1.6.0 (go-yaml v2, as
 * kubernetes v1.35.4 uses it for apply bodies) produced (recorded by tools/record/go-yaml.go), or is refused
 * with its words. Large answers are compared by digest of Go's JSON text (sorted keys, as json.Marshal
 * prints a map). With Go and the Kubernetes modules at hand, the recorder is built and asked again: the
 * committed answers must be what it writes today. The same behaviour end to end against the real server is
 * in test/differential/hostile.test.ts.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonText } from "../../src/engine/json.js";
import {
  decodeApiserverYaml,
  decodeYamlDocuments,
  MAX_YAML_NESTING_DEPTH,
  strictYamlMessage,
} from "../../src/yaml/apiserver-yaml.js";
import { ensureGoRecorder } from "../../tools/apiserver/binaries.js";
import { yamlCases } from "../fixtures/yaml/yaml-cases.js";
import { goRecorderMissing } from "../support/go-recorder.js";
import { describeNeeding } from "../support/skips.js";

type Answer = { id: string; error?: string; json?: unknown; sha256?: string; bytes?: number; strict?: string };

const recorded = readFileSync(new URL("../fixtures/yaml/go-yaml-answers.json", import.meta.url), "utf8");
const answers = new Map((JSON.parse(recorded) as Answer[]).map((answer) => [answer.id, answer]));
const recorder = new URL("../../tools/record/go-yaml.go", import.meta.url).pathname;

/**
 * Refusals whose detail we word differently, with the part both share: go-yaml's own syntax messages
 * (we parse with js-yaml), and Go's %#v rendering of the offending key or value.
 */
const sharedPrefix: Record<string, string> = {
  "a syntax error": "error converting YAML to JSON: yaml: ",
  "null key": "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>",
  "a list as a key": "error converting YAML to JSON: yaml: invalid map key: []interface {}",
  "a flow list as a key": "error converting YAML to JSON: yaml: invalid map key: []interface {}",
};

describe("YAML as the apiserver decodes it", () => {
  it("has Go's answer recorded for every case, and no answer without a case", () => {
    expect([...answers.keys()].sort()).toEqual(yamlCases.map((yamlCase) => yamlCase.id).sort());
  });

  it.each(yamlCases.map((yamlCase) => [yamlCase.id, yamlCase] as const))("%s", (id, { yaml }) => {
    const expected = answers.get(id);
    if (expected === undefined)
      throw new Error(`no recorded answer for ${id}: re-record with the command in tools/record/go-yaml.go`);
    const decoded = decodeApiserverYaml(yaml);
    if (expected.error !== undefined) {
      expect(decoded.ok, `Go refused: ${expected.error}`).toBe(false);
      const message = decoded.ok ? "" : decoded.message;
      const prefix = sharedPrefix[id];
      if (prefix === undefined) expect(message).toBe(expected.error);
      else {
        expect(expected.error.startsWith(prefix), `recorded: ${expected.error}`).toBe(true);
        expect(message.startsWith(prefix), message).toBe(true);
      }
      return;
    }
    expect(decoded.ok, decoded.ok ? "" : decoded.message).toBe(true);
    const value = decoded.ok ? decoded.value : null;
    // What yaml.UnmarshalStrict adds (the apiserver's answer under fieldValidation=Strict), or nothing.
    const strictErrors = decoded.ok ? decoded.strictErrors : [];
    expect(strictErrors.length > 0 ? strictYamlMessage(strictErrors) : undefined).toBe(expected.strict);
    if (expected.json !== undefined) {
      expect(value).toEqual(expected.json);
      return;
    }
    const text = jsonText(value, { sortKeys: true });
    expect({ bytes: Buffer.byteLength(text), sha256: createHash("sha256").update(text).digest("hex") }).toEqual({
      bytes: expected.bytes,
      sha256: expected.sha256,
    });
  });
});

describeNeeding("the committed answers are what tools/record/go-yaml.go writes today", goRecorderMissing(), () => {
  it("every case, answered by sigs.k8s.io/yaml at the apiserver's version", { timeout: 600_000 }, async () => {
    const binary = await ensureGoRecorder(recorder);
    const answered = execFileSync(binary, { input: JSON.stringify(yamlCases), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(answered, "re-record with the command in tools/record/go-yaml.go").toBe(recorded);
  });
});

describe("bounded work", () => {
  it("refuses the 2 MB body aliasing a million-item list 99 times in well under a second of work", () => {
    const bomb = yamlCases.find((yamlCase) => yamlCase.id === "1000000 zeros aliased 99 times")?.yaml ?? "";
    expect(bomb.length).toBeGreaterThan(2_000_000);
    const started = process.cpuUsage();
    const decoded = decodeApiserverYaml(bomb);
    const cpu = process.cpuUsage(started);
    expect(decoded).toEqual({
      ok: false,
      message: "error converting YAML to JSON: yaml: document contains excessive aliasing",
    });
    // Parsing and counting 2.5 million nodes, never the 100 million values the aliases stand for.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5_000);
  });

  it(`refuses nesting beyond ${MAX_YAML_NESTING_DEPTH} levels, in the text and through aliases`, () => {
    const deepText = `a: ${"[".repeat(MAX_YAML_NESTING_DEPTH + 1)}${"]".repeat(MAX_YAML_NESTING_DEPTH + 1)}\n`;
    expect(decodeApiserverYaml(deepText)).toMatchObject({ ok: false, message: expect.stringContaining("nests deeper than 256") });
    const half = MAX_YAML_NESTING_DEPTH / 2;
    const viaAlias = `a: &a ${"[".repeat(half)}${"]".repeat(half)}\nb: ${"[".repeat(half)}*a${"]".repeat(half)}\n`;
    expect(decodeApiserverYaml(viaAlias)).toMatchObject({ ok: false, message: expect.stringContaining("nests deeper than 256") });
    const fits = `a: ${"[".repeat(MAX_YAML_NESTING_DEPTH - 1)}${"]".repeat(MAX_YAML_NESTING_DEPTH - 1)}\n`;
    expect(decodeApiserverYaml(fits).ok).toBe(true);
  });

  it("keeps __proto__ a plain key", () => {
    const decoded = decodeApiserverYaml("metadata:\n  labels:\n    __proto__: x\n");
    const labels = decoded.ok ? (decoded.value as { metadata: { labels: object } }).metadata.labels : {};
    expect(Object.getOwnPropertyDescriptor(labels, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });
});

describe("streams of documents (decodeYamlDocuments)", () => {
  it("decodes each document with its own anchors and alias count, an empty one as null", () => {
    expect(decodeYamlDocuments("a: &x 1\nb: *x\n---\n---\nc: on\n")).toEqual({
      ok: true,
      values: [{ a: 1, b: 1 }, null, { c: true }],
    });
    expect(decodeYamlDocuments("a: &x 1\n---\nb: *x\n")).toMatchObject({
      ok: false,
      message: expect.stringContaining("unknown anchor 'x'"),
    });
  });

  it("refuses a document of excessive aliasing among others", () => {
    const bomb = yamlCases.find((yamlCase) => yamlCase.id === "billion laughs")?.yaml ?? "";
    expect(decodeYamlDocuments(`a: 1\n---\n${bomb}`)).toEqual({
      ok: false,
      message: "error converting YAML to JSON: yaml: document contains excessive aliasing",
    });
  });
});
