/**
 * checkPodUpdate on every case of test/fixtures/engine/update-rule-cases.ts (one row per rule of
 * ValidatePodUpdate / ValidateObjectMetaUpdate: what may change, what may not, with field path and
 * message up to the spec diff), the changed spec paths it names, and the Status updateRejection builds
 * from the violations.
 * The same cases are asked of the real apiserver by test/differential/engine.test.ts.
 */
import { describe, expect, it } from "vitest";
import { checkPodUpdate, updateRejection } from "../../src/engine/index.js";
import { editedPod, updateRuleBases, updateRuleCases } from "../fixtures/engine/update-rule-cases.js";

const violationsOf = (name: string) => {
  const testCase = updateRuleCases.find((candidate) => candidate.name === name);
  if (testCase === undefined) throw new Error(`no update-rule case "${name}"`);
  const base = updateRuleBases[testCase.base];
  return { base, violations: checkPodUpdate(base, editedPod(testCase)) };
};

describe("checkPodUpdate", () => {
  it.each(updateRuleCases)("$name", (testCase) => {
    const violations = checkPodUpdate(updateRuleBases[testCase.base], editedPod(testCase));
    // The fixture holds messages up to the spec diff; test/differential/engine.test.ts compares the diff
    // with the apiserver's on these same cases.
    const firstLines = violations.map((violation) => [violation.field, violation.message.split("\n")[0]]);
    expect(firstLines).toEqual(testCase.violations);
  });

  it("appends the diff of the internal specs to the general rule, as the apiserver does", () => {
    const message = violationsOf("a container command").violations[0]?.message ?? "";
    expect(message.slice(message.indexOf("\n") + 1)).toMatch(/^@@ -\d+,7 \+\d+,9 @@\n[\s\S]*\+ {3}"Command": \[\n/);
  });

  it("names the changed spec paths of the general rule", () => {
    expect(violationsOf("hostNetwork and restartPolicy").violations[0]?.changed).toEqual([
      "spec.restartPolicy",
      "spec.hostNetwork",
    ]);
  });
});

describe("updateRejection", () => {
  it("builds the 422 Invalid Status with one cause per violation", () => {
    const { base, violations } = violationsOf("activeDeadlineSeconds raised and hostPID set");
    const status = updateRejection(base, violations);
    expect(status).toMatchObject({
      kind: "Status",
      status: "Failure",
      code: 422,
      reason: "Invalid",
      details: { kind: "Pod", name: "rich" },
    });
    expect(status.message).toBe(
      'Pod "rich" is invalid: spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value',
    );
    expect(status.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "spec.activeDeadlineSeconds",
        message: "Invalid value: 900: must be less than or equal to previous value",
      },
    ]);
  });

  it("joins several violations as the apiserver's aggregate does", () => {
    const { base, violations } = violationsOf("the name and the namespace");
    expect(updateRejection(base, violations).message).toBe(
      'Pod "hello-world" is invalid: [metadata.name: Invalid value: "x": field is immutable, metadata.namespace: Invalid value: "y": field is immutable]',
    );
  });
});
