/**
 * The two ways generated/openapi.ts is made (tools/pipeline/generate.ts): openapi-typescript's transform
 * and printer alone (transformTypes, what `npm run watch` writes first) must give the text of its checked
 * path (generateTypes, what `npm run build` writes), byte for byte, on the project's bundle.
 */
import { describe, expect, it } from "vitest";
import { generateTypes, readBundle, transformTypes } from "../../tools/pipeline/generate.js";

describe("generated/openapi.ts", () => {
  it("is the same text from transformTypes (watch's early write) as from generateTypes (the build)", {
    timeout: 60_000,
  }, async () => {
    const { document } = readBundle();
    const before = JSON.stringify(document);
    const early = await transformTypes(document);
    expect(JSON.stringify(document)).toBe(before);
    const checked = await generateTypes(document);
    expect(early).toBe(checked);
    expect(early.length).toBeGreaterThan(100_000);
  });
});
