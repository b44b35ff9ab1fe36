/**
 * The canonical orders of test/differential/support/normalize.ts, on answers the apiserver gave: where
 * Go's map order decides the order of a Status's causes, both orders normalize to the same answer.
 */
import { describe, expect, it } from "vitest";
import { normalizeJson } from "./support/normalize.js";
import type { Json } from "./support/server.js";

const invalidName = {
  reason: "FieldValueInvalid",
  message: 'Invalid value: "": name part must be non-empty',
  field: "spec.schedulingGates[0]",
};
const newGate = (index: number, name: string) => ({
  reason: "FieldValueForbidden",
  message: `Forbidden: only deletion is allowed, but found new scheduling gate '${name}'`,
  field: `spec.schedulingGates[${index}].name`,
});
const listed = (cause: { field: string; message: string }): string => `${cause.field}: ${cause.message}`;

/** A 422 as v1.35.4 answered a patch that added two gates, its gate causes in the order given. */
function invalidPod(gates: ReturnType<typeof newGate>[]): Json {
  const causes = [invalidName, ...gates];
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `Pod "e" is invalid: [${causes.map(listed).join(", ")}]`,
    reason: "Invalid",
    details: { name: "e", kind: "Pod", causes },
    code: 422,
  };
}

describe("normalizeJson", () => {
  it("puts the causes for added scheduling gates, and the message's list of them, in index order", () => {
    const inIndexOrder = invalidPod([newGate(0, ""), newGate(1, "example.com/extra")]);
    const swapped = invalidPod([newGate(1, "example.com/extra"), newGate(0, "")]);
    expect(swapped).not.toEqual(inIndexOrder);
    expect(normalizeJson(swapped)).toEqual(inIndexOrder);
    expect(normalizeJson(inIndexOrder)).toEqual(inIndexOrder);
  });

  it("leaves a single added gate, and causes of other kinds, as they are", () => {
    const single = invalidPod([newGate(2, "example.com/new")]);
    expect(normalizeJson(single)).toEqual(single);
    const other = { ...(single as object), details: { causes: [newGate(3, "b"), invalidName, newGate(1, "a")] } } as Json;
    expect(normalizeJson(other)).toEqual(other);
  });
});
