import { afterEach, describe, expect, it } from "vitest";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

/** Each case breaks one file of a project copy and names the file:line the build must report. */
interface BrokenSpecCase {
  file: string;
  /** Returns the broken text and the 1-based line the error must point at. */
  breakIt(text: string): { text: string; line: number };
  mentions: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`test fixture drifted: ${JSON.stringify(needle)} not found`);
  return text.slice(0, index).split("\n").length;
}

const cases: Array<[string, BrokenSpecCase]> = [
  [
    "YAML syntax error in a schema file",
    {
      file: "openapi/components/schemas/ListMeta.yaml",
      breakIt(text) {
        const broken = text.replace("type: object\n", "type: object\n  misaligned: true\n");
        return { text: broken, line: lineOf(broken, "  misaligned: true") };
      },
      mentions: "ListMeta.yaml",
    },
  ],
  [
    "dangling $ref",
    {
      file: "openapi/components/schemas/PodSpecPatch.yaml",
      breakIt(text) {
        const broken = text.replace("$ref: ./Toleration.yaml", "$ref: ./Tolerance.yaml");
        return { text: broken, line: lineOf(broken, "$ref: ./Tolerance.yaml") };
      },
      mentions: "Tolerance.yaml",
    },
  ],
  [
    "example that violates its schema",
    {
      file: "openapi/components/examples/StatusNotFound.yaml",
      breakIt(text) {
        const broken = text.replace("code: 404", 'code: "404"');
        return { text: broken, line: lineOf(broken, 'code: "404"') };
      },
      mentions: "code",
    },
  ],
  [
    "YAML syntax error in the root document",
    {
      file: "openapi/openapi.yaml",
      breakIt(text) {
        const broken = text.replace("openapi: 3.1.0\n", "openapi: 3.1.0\n  misaligned: true\n");
        return { text: broken, line: lineOf(broken, "  misaligned: true") };
      },
      mentions: "openapi.yaml",
    },
  ],
];

describe("a broken spec", () => {
  let project: ProjectCopy | undefined;
  afterEach(() => project?.remove());

  it.each(cases)(
    "%s: build exits 1 with the root cause first, one failure line last, and generated/ untouched",
    (_name, { file, breakIt, mentions }) => {
      project = copyProject();
      const before = project.snapshotGenerated();
      const { text, line } = breakIt(project.read(file));
      project.write(file, text);

      const { code, output, stderr } = project.runStage("build");

      expect(code, output).toBe(1);
      const lines = stderr.trimEnd().split("\n");
      expect(lines[0], stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:${line}:\\d+ error `));
      expect(lines[0]).toContain(mentions);
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^build: failed — \\w+ found \\d+ problem\\(s\\) in the spec, the first at ${escapeRegExp(file)}:${line}:\\d+; no file was written$`,
        ),
      );
      expect(lines.filter((text) => text.startsWith("build: failed"))).toHaveLength(1);
      expect(project.snapshotGenerated()).toEqual(before);
    },
  );
});
