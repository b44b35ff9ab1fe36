/**
 * The pieces of the spec diff (src/engine/go-spec-diff.ts) against Go itself, below the differential
 * suites that compare whole refusals with the apiserver's (test/differential/spec-diff.test.ts,
 * engine.test.ts, mock-vs-apiserver.test.ts):
 * - canonicalQuantity against what resource.Quantity writes for 70-odd spellings, recorded by
 *   tools/record/go-pod-spec-layout.go into test/fixtures/engine/go-quantities.json (replayed here);
 * - quantityValue, the equality apiequality.Semantic applies to quantities;
 * - goUnifiedDiff on texts whose hunks are worked out by hand from go-difflib's rules;
 * - with Go and the Kubernetes modules at hand (a control plane built from them), the recorder built and
 *   run again: the committed layout (src/engine/go-pod-spec-layout.ts) and quantity recording must be
 *   what it writes today, else the command to re-record is in the failure.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { goUnifiedDiff } from "../../src/engine/go-difflib.js";
import { internalSpecText } from "../../src/engine/go-spec-diff.js";
import { canonicalQuantity, quantityValue } from "../../src/engine/quantity.js";
import { ensureGoRecorder } from "../../tools/apiserver/binaries.js";
import { goRecorderMissing } from "../support/go-recorder.js";
import { describeNeeding } from "../support/skips.js";

const fixtures = new URL("../fixtures/engine/", import.meta.url);
const recorder = new URL("../../tools/record/go-pod-spec-layout.go", import.meta.url).pathname;
const layoutFile = new URL("../../src/engine/go-pod-spec-layout.ts", import.meta.url).pathname;
const quantityInputs = readFileSync(new URL("quantity-inputs.json", fixtures), "utf8");
const recordedQuantities = readFileSync(new URL("go-quantities.json", fixtures), "utf8");

describe("canonicalQuantity", () => {
  const recorded = JSON.parse(recordedQuantities) as Array<{ input: string; output?: string; error?: string }>;
  it("covers every recorded input", () => {
    expect(recorded.map(({ input }) => input)).toEqual(JSON.parse(quantityInputs));
  });
  it.each(recorded.map((entry) => [entry.input, entry] as const))("%j", (_, { input, output }) => {
    expect(canonicalQuantity(input)).toBe(output);
  });
});

describe("quantityValue", () => {
  it("is equal for spellings of one value and different otherwise, as Quantity.Cmp compares", () => {
    expect(quantityValue("1Ki")).toBe(quantityValue("1024"));
    expect(quantityValue("0.1")).toBe(quantityValue("100m"));
    expect(quantityValue("-0.5Gi")).toBe(quantityValue("-512Mi"));
    expect(quantityValue("1")).not.toBe(quantityValue("1001m"));
    expect(quantityValue("0")).toBe(quantityValue("-0"));
    expect(quantityValue("1 Mi")).toBeUndefined();
  });
});

describe("goUnifiedDiff", () => {
  const lines = (count: number, change?: [number, string]): string =>
    Array.from({ length: count }, (_, index) => (change?.[0] === index ? change[1] : `line ${index}`)).join("\n");

  it("is empty for equal texts", () => {
    expect(goUnifiedDiff(lines(10), lines(10))).toBe("");
  });

  it("writes one hunk with three lines of context, every line ending in a newline", () => {
    expect(goUnifiedDiff(lines(10), lines(10, [5, "changed"]))).toBe(
      "@@ -3,7 +3,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed\n line 6\n line 7\n line 8\n",
    );
  });

  it("keeps changes six equal lines apart in one hunk and seven apart in two", () => {
    const near = goUnifiedDiff(lines(20), lines(20, [4, "a"]).replace("line 11", "b"));
    expect(near.match(/^@@/gm)).toHaveLength(1);
    const far = goUnifiedDiff(lines(20), lines(20, [4, "a"]).replace("line 12", "b"));
    expect(far.match(/^@@/gm)).toHaveLength(2);
  });

  it("writes a one-line range without its length", () => {
    expect(goUnifiedDiff("a", "b")).toBe("@@ -1 +1 @@\n-a\n+b\n");
    expect(goUnifiedDiff("a\nb", "a\nx\nb")).toBe("@@ -1,2 +1,3 @@\n a\n+x\n b\n");
  });
});

describe("internalSpecText", () => {
  it("writes the internal PodSpec: Go names, zero values, host namespaces in the security context", () => {
    const text = internalSpecText({ containers: [{ name: "web", image: "nginx" }], hostNetwork: true });
    expect(text.startsWith('{\n "Volumes": null,\n "InitContainers": null,\n "Containers": [\n  {\n   "Name": "web",')).toBe(
      true,
    );
    expect(text).toContain('\n "SecurityContext": {\n  "HostNetwork": true,\n  "HostPID": false,');
    expect(text).not.toContain("hostNetwork");
  });
});

describeNeeding("the committed recordings are what tools/record/go-pod-spec-layout.go writes today", goRecorderMissing(), () => {
  const rerecord = "re-record with the commands in tools/record/go-pod-spec-layout.go's header";
  it("the layout of the internal PodSpec", { timeout: 600_000 }, async () => {
    const binary = await ensureGoRecorder(recorder);
    expect(execFileSync(binary, { encoding: "utf8" }), rerecord).toBe(readFileSync(layoutFile, "utf8"));
  });
  it("what resource.Quantity writes", { timeout: 600_000 }, async () => {
    const binary = await ensureGoRecorder(recorder);
    expect(execFileSync(binary, ["quantities"], { input: quantityInputs, encoding: "utf8" }), rerecord).toBe(recordedQuantities);
  });
});
