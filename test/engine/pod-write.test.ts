/**
 * writePod's `stopBefore` (the mock's, for a request the contract refuses anyway at that step): before
 * validation, the write keeps the refusals that come before it and leaves out the managedFields bookkeeping
 * no refusal comes from; before decoding, it keeps only the patch's own refusals. Its `deferFieldsV1` (the
 * mock's, whose store may refuse a Pod on its size): the managedFields' fieldsV1 left as placeholders, whose
 * size is told exactly and which, written out, give the Pod writePod answers without it. What writePod
 * answers otherwise is asked of the real apiserver by
 * test/differential/engine.test.ts and apply.test.ts.
 */
import { describe, expect, it } from "vitest";
import { asStored, type ManagedFieldsEntry, PatchError, writePod } from "../../src/engine/index.js";
import type { JsonObject } from "../../src/engine/json.js";
import type { Pod } from "../../src/operation/patch-pod.js";

const TIME = "2026-12-05T10:00:00Z";
const options = { namespace: "default", name: "web", time: TIME };
const STRATEGIC = "application/strategic-merge-patch+json";
const MERGE = "application/merge-patch+json";
const APPLY = "application/apply-patch+yaml";

/** A stored Pod with managedFields: a first apply by "alice" on a Pod that had none. */
function podWithManagers(): Pod {
  const stored = asStored({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", uid: "u-1", resourceVersion: "7" },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
  } as Pod);
  const config = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { tier: "front" } } };
  return writePod(stored, config, APPLY, { ...options, fieldManager: "alice" }).pod;
}

/** A patch the update rules refuse (a port added to a container), with a label they allow. */
const refusedPatch = {
  metadata: { labels: { team: "a" } },
  spec: { containers: [{ name: "web", ports: [{ containerPort: 80 }] }] },
};

function statusCode(write: () => unknown): number | undefined {
  try {
    write();
  } catch (error) {
    if (error instanceof PatchError) return error.status.code;
    throw error;
  }
  return undefined;
}

const managedFieldsOf = (pod: Pod): ManagedFieldsEntry[] =>
  (pod.metadata?.managedFields ?? []) as unknown as ManagedFieldsEntry[];

describe("writePod stopping before validation", () => {
  const live = podWithManagers();

  it("returns the patched document where validation refuses it: not decoded, defaulted or tracked in managedFields", () => {
    expect(statusCode(() => writePod(live, refusedPatch, STRATEGIC, { ...options, fieldManager: "bob" }))).toBe(422);
    const { pod } = writePod(live, refusedPatch, STRATEGIC, { ...options, fieldManager: "bob", stopBefore: "validation" });
    expect(pod.metadata?.labels).toEqual({ tier: "front", team: "a" });
    // The port as the patch wrote it: decoding and defaulting would have added its protocol, TCP.
    expect(pod.spec?.containers[0]?.ports).toEqual([{ containerPort: 80 }]);
    expect(managedFieldsOf(pod)).toEqual(managedFieldsOf(live));
  });

  it("still refuses what comes before validation: another name or namespace is a 400", () => {
    for (const metadata of [{ name: "other" }, { namespace: "elsewhere" }]) {
      expect(
        statusCode(() => writePod(live, { metadata }, STRATEGIC, { ...options, fieldManager: "bob", stopBefore: "validation" })),
      ).toBe(400);
    }
  });

  it("still refuses what comes before validation: a stale resourceVersion is a 409", () => {
    const stale = { metadata: { resourceVersion: "6" } };
    expect(
      statusCode(() => writePod(live, stale, STRATEGIC, { ...options, fieldManager: "bob", stopBefore: "validation" })),
    ).toBe(409);
  });

  it("still finds an apply's conflicts, and leaves its entries' fieldsV1 unwritten", () => {
    const config = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { tier: "back" } } };
    expect(statusCode(() => writePod(live, config, APPLY, { ...options, fieldManager: "carol", stopBefore: "validation" }))).toBe(
      409,
    );
    const { pod } = writePod(live, config, APPLY, { ...options, fieldManager: "alice", stopBefore: "validation" });
    expect(pod.metadata?.labels).toEqual({ tier: "back" });
    const entries = managedFieldsOf(pod);
    expect(entries.map((entry) => entry.manager)).toEqual(managedFieldsOf(live).map((entry) => entry.manager));
    for (const entry of entries) expect(entry.fieldsV1).toEqual({});
    const validated = writePod(live, config, APPLY, { ...options, fieldManager: "alice" }).pod;
    expect(managedFieldsOf(validated).find((entry) => entry.manager === "alice")?.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { "f:tier": {} } },
    });
  });
});

describe("writePod stopping before decoding", () => {
  const live = podWithManagers();
  const before = { ...options, fieldManager: "bob", stopBefore: "decoding" } as const;

  it("returns the patched document as the patch left it, without the update's checks: another name, a stale resourceVersion", () => {
    const { pod } = writePod(
      live,
      { metadata: { name: "other", resourceVersion: "6", labels: { team: "a" } } },
      STRATEGIC,
      before,
    );
    expect(pod.metadata).toMatchObject({ name: "other", resourceVersion: "6", labels: { tier: "front", team: "a" } });
    expect(managedFieldsOf(pod)).toEqual(managedFieldsOf(live));
  });

  it("merges only a merge patch's metadata, which is all the checks before validation read", () => {
    const patch = { metadata: { name: "other", labels: { team: "a" } }, spec: { containers: [{}, {}] } };
    const { pod } = writePod(live, patch, MERGE, before);
    expect(pod.metadata).toMatchObject({ name: "other", labels: { tier: "front", team: "a" } });
    expect(pod.spec).toEqual(live.spec);
    expect(statusCode(() => writePod(live, patch, MERGE, { ...before, stopBefore: "validation" }))).toBe(400);
    // A null metadata deletes it, as the whole patch would: the name is then missing (400).
    expect(statusCode(() => writePod(live, { metadata: null }, MERGE, { ...before, stopBefore: "validation" }))).toBe(400);
    expect(statusCode(() => writePod(live, { spec: { containers: [{}] } }, MERGE, { ...before, stopBefore: "validation" }))).toBe(
      undefined,
    );
  });

  it("still refuses a patch that cannot be applied: a list element without its merge key is the apiserver's 500", () => {
    let refusal: PatchError | undefined;
    try {
      writePod(live, { spec: { containers: [{}] } }, STRATEGIC, before);
    } catch (error) {
      if (error instanceof PatchError) refusal = error;
    }
    expect(refusal?.status).toMatchObject({ code: 500, message: "map: map[] does not contain declared merge key: name" });
  });

  it("stops an apply before anything: no conflict is looked for, the live Pod comes back unchanged", () => {
    const config = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { tier: "back" } } };
    const result = writePod(live, config, APPLY, { ...before, fieldManager: "carol" });
    expect(result).toMatchObject({ created: false, changed: false });
    expect(result.pod).toEqual(live);
  });
});

describe("writePod with deferFieldsV1", () => {
  const live = podWithManagers();
  /** Label keys and list keys whose JSON escapes or UTF-8 bytes differ from their length. */
  const odd = ['q"uote', "back\\slash", "ü", "日本", "\u{1f600}", "\ud800lone", "tab\tnew\nline", "\u2028"];
  const container = (name: string) => ({ name, image: "nginx", env: odd.map((key) => ({ name: key, value: "x" })) });
  const writes: [string, Pod | undefined, unknown, string][] = [
    [
      "a merge patch of labels",
      live,
      { metadata: { labels: Object.fromEntries(odd.map((key, index) => [key, `v${index}`])) } },
      MERGE,
    ],
    [
      "a strategic patch of an image and tolerations",
      live,
      {
        spec: {
          containers: [{ name: "web", image: "nginx:1.28" }],
          tolerations: odd.map((key) => ({ key, operator: "Exists" })),
        },
      },
      STRATEGIC,
    ],
    [
      "an apply",
      live,
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web", annotations: Object.fromEntries(odd.map((key) => [key, "x"])) } },
      APPLY,
    ],
    [
      "an apply that creates the Pod, list elements named by keys that JSON escapes",
      undefined,
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: odd.map(container) } },
      APPLY,
    ],
  ];

  it.each(writes)(
    "%s: the placeholders add the bytes addedBytes says, and filled give writePod's own Pod",
    (_title, base, patch, mediaType) => {
      const write = { ...options, fieldManager: "bob", identity: { uid: "u-2", creationTimestamp: TIME } };
      const whole = writePod(base, patch, mediaType as typeof STRATEGIC, write);
      const deferred = writePod(base, patch, mediaType as typeof STRATEGIC, { ...write, deferFieldsV1: true });
      expect(whole.fieldsV1).toBeUndefined();
      const fieldsV1 = deferred.fieldsV1;
      if (fieldsV1 === undefined) throw new Error("no fieldsV1 left to the caller");
      for (const entry of managedFieldsOf(deferred.pod)) expect(entry.fieldsV1).toEqual({});
      const before = Buffer.byteLength(JSON.stringify(deferred.pod));
      const added = fieldsV1.addedBytes(deferred.pod as JsonObject);
      expect(added).toBeGreaterThan(0);
      fieldsV1.fill(deferred.pod as JsonObject);
      expect(JSON.stringify(deferred.pod)).toBe(JSON.stringify(whole.pod));
      expect(Buffer.byteLength(JSON.stringify(deferred.pod))).toBe(before + added);
      expect(fieldsV1.addedBytes(deferred.pod as JsonObject)).toBe(0);
    },
  );

  it("leaves nothing to the caller for a no-op: the stored Pod as it is", () => {
    const noOp = writePod(live, { metadata: { labels: { tier: "front" } } }, MERGE, {
      ...options,
      fieldManager: "bob",
      deferFieldsV1: true,
    });
    expect(noOp.changed).toBe(false);
    expect(noOp.fieldsV1).toBeUndefined();
    expect(noOp.pod).toEqual(live);
  });
});

describe("writePod's no-op test on a Pod with managedFields", () => {
  const live = podWithManagers();
  const tolerations = (live.spec?.tolerations ?? []) as unknown[];

  it("finds a write that admission gives back a no-op: a toleration the DefaultTolerationSeconds plugin adds again", () => {
    expect(tolerations).toHaveLength(2);
    // bob's first write makes him the owner of the tolerations, so that his second changes no managedFields entry.
    const first = { key: "example.com/x", operator: "Exists" };
    const owned = writePod(live, { spec: { tolerations: [first, ...tolerations] } }, MERGE, { ...options, fieldManager: "bob" });
    expect(owned.changed).toBe(true);
    const again = { spec: { tolerations: [first, tolerations[0]] } };
    const result = writePod(owned.pod, again, MERGE, { ...options, fieldManager: "bob", time: "2026-12-05T11:00:00Z" });
    expect(result.changed).toBe(false);
    expect(result.pod).toEqual(owned.pod);
  });

  it("finds a write that changed what it owns changed", () => {
    const result = writePod(live, { metadata: { labels: { team: "a" } } }, MERGE, { ...options, fieldManager: "bob" });
    expect(result.changed).toBe(true);
    expect(result.pod.metadata?.labels).toEqual({ tier: "front", team: "a" });
  });
});
