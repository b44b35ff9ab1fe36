import { describe, expect, it } from "vitest";
import { findDrift } from "../../tools/pipeline/check-drift.js";

describe("generated/", () => {
  it("is byte-identical to a fresh run of bundle + generate (run `npm run build` if this fails)", async () => {
    expect(await findDrift()).toEqual([]);
  });
});
