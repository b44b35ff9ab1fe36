/**
 * The mock's store refuses a Pod larger than MAX_STORED_BYTES of JSON (tools/servers/pod-store.ts): the
 * error names the Pod's exact size in the words of the apiserver's client of etcd, and the Pod stored
 * before stays, with its state and the resourceVersion counter; a Pod within the limit is stored with the
 * JSON text the answer is sent with.
 */
import { expect, it } from "vitest";
import { MAX_STORED_BYTES, PodStore, StoreLimitError } from "../../tools/servers/pod-store.js";
import type { Pod } from "../../src/operation/patch-pod.js";

const seed: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", resourceVersion: "7" } };

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
