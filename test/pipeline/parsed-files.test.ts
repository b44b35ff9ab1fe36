/**
 * ParsedFiles (tools/pipeline/bundle.ts), the resolver `npm run watch` bundles with: on a temporary copy of
 * openapi/, its bundles equal a plain Redocly bundle's, before and after an edit (read every run, parsed
 * again only when the text changed); it reads local files itself, never through fs.promises; a `$ref` to a
 * missing file fails as it does in a plain bundle.
 */
import { cpSync, mkdtempSync, promises, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BaseResolver } from "@redocly/openapi-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bundleDocument, ParsedFiles } from "../../tools/pipeline/bundle.js";
import { loadRedoclyConfig, projectRoot } from "../../tools/pipeline/common.js";

describe("ParsedFiles", () => {
  let dir: string;
  let root: string;
  let schemaFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-patch-parsed-"));
    cpSync(join(projectRoot, "openapi"), join(dir, "openapi"), { recursive: true });
    root = join(dir, "openapi", "openapi.yaml");
    schemaFile = join(dir, "openapi", "components", "schemas", "ListMeta.yaml");
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bundles as Redocly does, parsing only edited files again and reading none through fs.promises", {
    timeout: 60_000,
  }, async () => {
    const config = await loadRedoclyConfig();
    const parsed = new ParsedFiles();
    const plain = () => bundleDocument({ root, config });
    const kept = () => bundleDocument({ root, config, resolver: parsed.resolver(config) });

    const asyncReads = vi.spyOn(promises, "readFile");
    const parses = vi.spyOn(BaseResolver.prototype, "parseDocument");
    /**
     * Runs a bundle: its document as JSON text (key order included: it orders generated/), how many files
     * it read through fs.promises and which it parsed (sorted: Redocly's reads finish in any order).
     */
    const counted = async (bundleOnce: () => Promise<unknown>) => {
      asyncReads.mockClear();
      parses.mockClear();
      const document = JSON.stringify(await bundleOnce());
      return {
        document,
        asyncReads: asyncReads.mock.calls.length,
        parsed: parses.mock.calls.map(([source]) => source.absoluteRef).sort(),
      };
    };
    const reference = await counted(plain);
    expect(reference.asyncReads).toBeGreaterThan(100);
    const first = await counted(kept);
    expect(first).toEqual({ ...reference, asyncReads: 0 });
    expect(await counted(kept)).toEqual({ document: reference.document, asyncReads: 0, parsed: [] });

    const text = readFileSync(schemaFile, "utf8");
    const edited = text.replace("\nproperties:\n", "\nproperties:\n  parsedProbe:\n    description: Added.\n    type: string\n");
    expect(edited).not.toBe(text);
    writeFileSync(schemaFile, edited);
    const afterEdit = await counted(kept);
    expect(afterEdit).toEqual({ document: JSON.stringify(await plain()), asyncReads: 0, parsed: [schemaFile] });
    expect(afterEdit.document).toContain("parsedProbe");
  });

  it("fails on a $ref to a missing file as a plain bundle does", { timeout: 60_000 }, async () => {
    const config = await loadRedoclyConfig();
    writeFileSync(
      schemaFile,
      readFileSync(schemaFile, "utf8").replace("\nproperties:\n", "\nproperties:\n  missing:\n    $ref: ./NoSuchSchema.yaml\n"),
    );
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => "bundled",
        (error: unknown) => String(error),
      );
    const plain = await failure(bundleDocument({ root, config }));
    expect(plain).toContain("NoSuchSchema.yaml");
    expect(await failure(bundleDocument({ root, config, resolver: new ParsedFiles().resolver(config) }))).toBe(plain);
  });
});
