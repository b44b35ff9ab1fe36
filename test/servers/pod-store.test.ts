/**
 * The mock's store refuses a Pod larger than MAX_STORED_BYTES of JSON (tools/servers/pod-store.ts): the
 * error names the Pod's exact size in the words of the apiserver's client of etcd, and the Pod stored
 * before stays, with its state and the resourceVersion counter; a Pod within the limit is stored with the
 * JSON text the answer is sent with. A Pod whose managedFields' fieldsV1 the engine left to the store is
 * refused with the size it has with them, and stored with them written out.
 */
import { describe, expect, it } from "vitest";
import { asStored, writePod } from "../../src/engine/index.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import { MAX_STORED_BYTES, PodStore, StoreLimitError } from "../../tools/servers/pod-store.js";

const seed: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", resourceVersion: "7" } };
const write = { namespace: "default", name: "web", time: "2026-12-05T10:00:00Z" };

/** `seed` with labels whose JSON takes about `bytes`, one of them not ASCII (its UTF-8 bytes count, not its characters). */
function withLabels(bytes: number): Pod {
  const labels: Record<string, string> = { ü: "ü" };
  for (let index = 0; index * 16 < bytes; index++) labels[`k${index}`.padEnd(10, "x")] = "v";
  return { ...seed, metadata: { ...seed.metadata, labels } };
}

it("refuses a Pod over the limit with its exact size, keeping the one stored before", () => {
  const store = new PodStore([seed]);
  const state = store.state("default", "web");
  const large = withLabels(MAX_STORED_BYTES);
  const expected = Buffer.byteLength(JSON.stringify({ ...large, metadata: { ...large.metadata, resourceVersion: "8" } }));
  expect(expected).toBeGreaterThan(MAX_STORED_BYTES);
  let error: unknown;
  try {
    store.save(large);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreLimitError);
  expect((error as StoreLimitError).message).toBe(
    `rpc error: code = ResourceExhausted desc = trying to send message larger than max (${expected} vs. ${MAX_STORED_BYTES})`,
  );
  expect(store.get("default", "web")).toEqual(seed);
  expect(store.state("default", "web")).toBe(state);
  // The counter did not move: the next write is resourceVersion 8.
  expect(store.save(withLabels(1024)).pod.metadata?.resourceVersion).toBe("8");
});

it("stores a Pod within the limit and answers with its JSON", () => {
  const store = new PodStore([seed]);
  const saved = store.save(withLabels(MAX_STORED_BYTES / 2));
  expect(saved.json).toBe(JSON.stringify(saved.pod));
  expect(store.get("default", "web")).toBe(saved.pod);
  expect(Object.isFrozen(saved.pod.metadata?.labels)).toBe(true);
});

describe("a Pod whose managedFields' fieldsV1 are left to the store (writePod's deferFieldsV1)", () => {
  /** A Pod with managed fields, `labels` added by a tracked merge patch, its fieldsV1 left to the store. */
  function deferredWrite(labels: number) {
    const live = asStored({ ...seed, spec: { containers: [{ name: "web", image: "nginx" }] } });
    const applied = writePod(live, { apiVersion: "v1", kind: "Pod", metadata: { name: "web" } }, "application/apply-patch+yaml", {
      ...write,
      fieldManager: "a",
    }).pod;
    const patch = { metadata: { labels: Object.fromEntries(Array.from({ length: labels }, (_, index) => [`k${index}ü`, "v"])) } };
    const options = { ...write, fieldManager: "b" };
    const whole = writePod(applied, patch, "application/merge-patch+json", options).pod;
    const deferred = writePod(applied, patch, "application/merge-patch+json", { ...options, deferFieldsV1: true });
    return { applied, whole, deferred };
  }

  it("refuses one over the limit with the size it has with them, without writing them out", () => {
    const { applied, whole, deferred } = deferredWrite(120_000);
    const store = new PodStore([applied]);
    const expected = Buffer.byteLength(JSON.stringify({ ...whole, metadata: { ...whole.metadata, resourceVersion: "8" } }));
    expect(expected).toBeGreaterThan(MAX_STORED_BYTES);
    // Without them it would fit: the size counts what they add.
    expect(Buffer.byteLength(JSON.stringify(deferred.pod))).toBeLessThan(MAX_STORED_BYTES);
    expect(() => store.save(deferred.pod, deferred.fieldsV1)).toThrow(
      `trying to send message larger than max (${expected} vs. ${MAX_STORED_BYTES})`,
    );
    for (const entry of deferred.pod.metadata?.managedFields ?? []) expect(entry.fieldsV1).toEqual({});
  });

  it("stores one within the limit with them written out, as writePod writes them", () => {
    const { applied, whole, deferred } = deferredWrite(1_000);
    const saved = new PodStore([applied]).save(deferred.pod, deferred.fieldsV1);
    expect(saved.json).toBe(JSON.stringify({ ...whole, metadata: { ...whole.metadata, resourceVersion: "8" } }));
  });
});
