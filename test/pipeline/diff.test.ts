/**
 * The breaking-change report: each case applies one RFC 6902 patch from test/fixtures/diff/ to the
 * miniature spec test/fixtures/diff/base.yaml and checks how `npm run diff` classifies the change;
 * then one end-to-end run of `npm run diff -- <ref>` in a throw-away git repository.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fastJsonPatch, { type Operation } from "fast-json-patch";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { projectRoot } from "../../tools/pipeline/common.js";
import { type Change, diffDocuments, formatReport } from "../../tools/pipeline/diff.js";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

const fixtures = join(projectRoot, "test", "fixtures", "diff");
const base = parseYaml(readFileSync(join(fixtures, "base.yaml"), "utf8")) as Record<string, unknown>;

function revision(patchFile: string): Record<string, unknown> {
  const operations = JSON.parse(readFileSync(join(fixtures, `${patchFile}.json`), "utf8")) as Operation[];
  return fastJsonPatch.applyPatch(structuredClone(base), operations, true, false).newDocument;
}

const patchPod = "PATCH /api/v1/namespaces/{namespace}/pods/{name}";
const readAndPatch = ["GET /api/v1/namespaces/{namespace}/pods/{name}", patchPod];

type Classification = Pick<Change, "rule" | "impact" | "bump" | "operations">;

const breaking = (rule: string, operations: string[]): Classification => ({
  rule,
  impact: "breaking",
  bump: "major",
  operations,
});
const compatible = (rule: string, bump: "minor" | "patch", operations: string[]): Classification => ({
  rule,
  impact: "non-breaking",
  bump,
  operations,
});

/** given: the patch file that makes the revision; want: every change reported, in report order. */
const cases: Array<[string, { given: string; want: Classification[] }]> = [
  ["removed response field", { given: "removed-response-field", want: [breaking("property-removed", readAndPatch)] }],
  [
    "removed request field (project rule)",
    { given: "removed-request-field", want: [breaking("project/request-property-removed", [patchPod])] },
  ],
  ["narrowed request enum", { given: "narrowed-request-enum", want: [breaking("enum-values-removed", [patchPod])] }],
  [
    "narrowed enum in a schema shared by request and response",
    { given: "narrowed-shared-enum", want: [breaking("enum-values-removed", readAndPatch)] },
  ],
  [
    "narrowed response-only enum: clients never see the value again",
    { given: "narrowed-response-enum", want: [compatible("default", "patch", readAndPatch)] },
  ],
  [
    "widened response enum: breaks exhaustive switches",
    { given: "widened-response-enum", want: [breaking("enum-values-added", readAndPatch)] },
  ],
  [
    "widened request-only enum (project rule)",
    { given: "widened-request-enum", want: [compatible("project/request-enum-values-added", "minor", [patchPod])] },
  ],
  ["new required parameter", { given: "new-required-parameter", want: [breaking("parameter-became-required", [patchPod])] }],
  ["new optional parameter", { given: "new-optional-parameter", want: [compatible("default", "minor", [patchPod])] }],
  ["removed request media type", { given: "removed-request-media-type", want: [breaking("media-type-removed", [patchPod])] }],
  ["added request media type", { given: "added-request-media-type", want: [compatible("default", "minor", [patchPod])] }],
  ["added optional response field", { given: "added-optional-field", want: [compatible("default", "minor", readAndPatch)] }],
  [
    "tightened pattern on a path parameter",
    { given: "tightened-path-pattern", want: [breaking("schema-constraint-changed", readAndPatch)] },
  ],
  [
    "tightened maxLength on a path parameter",
    { given: "tightened-path-max-length", want: [breaking("schema-constraint-changed", readAndPatch)] },
  ],
  [
    "loosened maxLength on a path parameter",
    { given: "loosened-path-max-length", want: [compatible("default", "patch", readAndPatch)] },
  ],
  ["removed error response", { given: "removed-error-response", want: [breaking("response-removed", [patchPod])] }],
  ["reworded description", { given: "description-only", want: [compatible("default", "patch", [])] }],
];

describe("diffDocuments classifies each change", () => {
  it.each(cases)("%s", (_name, { given, want }) => {
    const report = diffDocuments(base, revision(given));

    expect(report.changes.map(({ rule, impact, bump, operations }) => ({ rule, impact, bump, operations }))).toEqual(want);
    expect(report.bump).toBe(want[0]?.bump);
    expect(report.breaking).toBe(want.filter((change) => change.impact === "breaking").length);
  });

  it("reports no change for an identical spec", () => {
    const report = diffDocuments(base, structuredClone(base), { base: "v1", revision: "working tree" });

    expect(report).toEqual({ base: "v1", revision: "working tree", bump: "none", breaking: 0, changes: [] });
    expect(formatReport(report)).toBe("overall: none — no change to the contract since v1");
  });
});

describe("npm run diff -- <ref>", () => {
  let project: ProjectCopy | undefined;
  afterEach(() => project?.remove());

  function run(command: string, args: string[]) {
    const result = spawnSync(command, args, {
      cwd: project!.dir,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      timeout: 120_000,
    });
    return { code: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
  }

  it("lists a removed response field as breaking and exits 1; an unknown ref exits 2", { timeout: 120_000 }, () => {
    project = copyProject();
    const git = (...args: string[]) =>
      expect(run("git", ["-c", "user.name=test", "-c", "user.email=test@example.test", ...args]).code).toBe(0);
    git("init", "--quiet");
    git("add", "-A");
    git("commit", "--quiet", "-m", "contract");
    const file = "openapi/components/schemas/PodStatus.yaml";
    const text = project.read(file);
    const edited = text.replace(/\n {2}nominatedNodeName:\n(?: {4}.*\n)+/, "\n");
    expect(edited, "fixture drifted: PodStatus.yaml has no nominatedNodeName property").not.toBe(text);
    project.write(file, edited);

    const diff = run("npm", ["run", "--silent", "diff", "--", "HEAD"]);

    expect(diff.code, diff.output).toBe(1);
    expect(diff.stdout).toMatch(
      /\| Property `nominatedNodeName` of `\w+` was removed\. \(property-removed\) \| [^|]*PATCH[^|]*\/api\/v1\/namespaces\/\{namespace\}\/pods\/\{name\}[^|]* \| breaking \| major \|/,
    );
    expect(diff.stdout).toContain("overall: major — 1 breaking, 0 non-breaking change(s) since HEAD");
    expect(project.read(file)).toBe(edited);

    const unknown = run("npm", ["run", "--silent", "diff", "--", "no-such-ref"]);

    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown git ref "no-such-ref"');
  });
});
