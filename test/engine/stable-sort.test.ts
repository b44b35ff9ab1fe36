/**
 * src/engine/stable-sort.ts against Go itself: test/fixtures/engine/go-slice-stable.json holds what
 * `sort.SliceStable` returned (tools/record/go-slice-stable.go) for lists of order positions, some
 * missing (-1, -2, -3), under strategic merge's comparator, which is no strict weak order once an element
 * is missing; only a faithful port gives the same answers for lists longer than Go's 20-element blocks.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { goSliceStable } from "../../src/engine/stable-sort.js";

const recorded = JSON.parse(readFileSync(new URL("../fixtures/engine/go-slice-stable.json", import.meta.url), "utf8")) as {
  input: number[];
  output: number[];
}[];

/** normalizeSliceOrder's "less": positions compare when both are known, otherwise it is always true. */
const less = (left: number, right: number): boolean => (left >= 0 && right >= 0 ? left < right : true);

describe("goSliceStable", () => {
  it("sorts as Go's sort.SliceStable does, also with elements missing from the order", () => {
    expect(recorded.length).toBeGreaterThan(60);
    expect(recorded.some(({ input }) => input.length > 300 && input.some((position) => position < 0))).toBe(true);
    for (const { input, output } of recorded) {
      const sorted = [...input];
      goSliceStable(sorted, less);
      expect(sorted, JSON.stringify(input)).toEqual(output);
    }
  });

  it("is a stable sort for a consistent comparator", () => {
    const items = Array.from({ length: 5000 }, (_, index) => ({ key: (index * 7919) % 97, index }));
    const expected = [...items].sort((left, right) => left.key - right.key);
    goSliceStable(items, (left, right) => left.key < right.key);
    expect(items).toEqual(expected);
  });
});
