/**
 * The mock's decoding of PATCH bodies (tools/servers/apiserver-decoding.ts) on bodies too large for the
 * differential suites to send one by one: the unknown-field walk names each unknown field by its paths
 * (the decoder's `spec.containers[0].bogus`, server-side apply's `.spec.containers[name="a"].bogus`)
 * however long the lists around it, and a list of 700,000 items is walked without a spread call (which
 * overflowed the stack into a 500 "Maximum call stack size exceeded").
 */
import { describe, expect, it } from "vitest";
import { checkDecodedBody } from "../../tools/servers/apiserver-decoding.js";

const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";

describe("unknown fields in long lists", () => {
  it("are named by their paths, items that are not objects skipped", () => {
    const body = {
      spec: { containers: [{ name: "a", bogus: 1 }, "x", { name: "b", ports: [{ containerPort: 1, extra: 2 }] }] },
    };
    expect(checkDecodedBody(STRATEGIC, "Warn", body)).toEqual({
      warnings: ['unknown field "spec.containers[0].bogus"', 'unknown field "spec.containers[2].ports[0].extra"'],
    });
  });

  it("are named by server-side apply's typed path in an apply body", () => {
    const verdict = checkDecodedBody(APPLY, "Warn", {
      apiVersion: "v1",
      kind: "Pod",
      spec: { containers: [{ name: "a", bogus: 1 }] },
    });
    expect(verdict).toMatchObject({ status: { code: 500 } });
    expect("status" in verdict && verdict.status.message).toContain(
      '.spec.containers[name="a"].bogus: field not declared in schema',
    );
  });

  it("are found after 700,000 list items, more than a spread call takes", () => {
    const containers: unknown[] = Array.from({ length: 700_000 }, () => ({}));
    containers.push({ name: "last", bogus: true });
    expect(checkDecodedBody(STRATEGIC, "Warn", { spec: { containers } })).toEqual({
      warnings: ['unknown field "spec.containers[700000].bogus"'],
    });
  });
});
