/**
 * The stateful mock's memo of finished answers (tools/servers/answer-memo.ts, used by
 * tools/servers/store-answers.ts): a question asked again on the same stored Pod gets the very reply it got
 * before (the same object: neither the engine nor Prism ran again), with the same bytes a store that never
 * kept anything computes; and it is not given after the Pod changed, after `/mock/pods` reset or loaded
 * the store (even a Pod with the same resourceVersion), for another body, query, media type or
 * User-Agent, nor when the answer took something from the clock or chance (a dry run's managedFields
 * time, a dry-run create's uid) — though a no-op asked in the very second its Pod was written, which holds
 * that second's time from the store, is kept from the next second on. With `--workers` (`checkUnstored`)
 * the owner leaves the first check to the worker, keeps the reply from the second ask on, and leaves an
 * answer it found not to be kept to the worker from then on. The bounded map under it
 * (tools/servers/lru.ts) drops the least recently used entries past its count and its size.
 */
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { asStored } from "../../src/engine/index.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { Lru } from "../../tools/servers/lru.js";
import { PodStore } from "../../tools/servers/pod-store.js";
import { installSuffixAwareMediaTypeMatch, loadValidators } from "../../tools/servers/prism-internals.js";
import { loadSpec, type PrismOperation } from "../../tools/servers/spec.js";
import {
  createStoreAnswers,
  type FinishedReply,
  finishAnswer,
  type StoreAnswers,
  type StoreQuestion,
  type StoreReply,
} from "../../tools/servers/store-answers.js";

const JSON_PATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";

let operations: PrismOperation[];
let validateOutput: ReturnType<typeof loadValidators>["output"];

/** A Pod as a test loads it; `managed` gives it a managedFields entry, as the apiserver's Pods have. */
function pod(name: string, image: string, options: { resourceVersion?: string; managed?: boolean } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      resourceVersion: options.resourceVersion ?? "10",
      creationTimestamp: "2026-01-01T00:00:00Z",
      ...(options.managed === true
        ? {
            managedFields: [
              {
                manager: "kubectl",
                operation: "Update",
                apiVersion: "v1",
                time: "2026-01-01T00:00:00Z",
                fieldsType: "FieldsV1",
                fieldsV1: { "f:spec": { "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {}, "f:name": {} } } } },
              },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: "app", image }] },
  } as Pod;
}

const store = (pods: Pod[]) => new PodStore(pods, asStored);
const answersFor = (pods: Pod[]): StoreAnswers => createStoreAnswers(operations, store(pods), validateOutput);

const setImage = (image: string) => JSON.stringify([{ op: "replace", path: "/spec/containers/0/image", value: image }]);

/** A question as the front asks it (Prism found nothing wrong). */
function question(
  method: "get" | "patch",
  options: { name?: string; body?: string; essence?: string; query?: string; userAgent?: string; checkUnstored?: boolean } = {},
): StoreQuestion {
  const operation = operations.find((candidate) => candidate.method === method && candidate.path.endsWith("/pods/{name}"));
  if (operation === undefined) throw new Error(`the bundle has no ${method} of a Pod`);
  const essence = options.essence ?? JSON_PATCH;
  const body = options.body ?? setImage("nginx:1.27");
  return {
    method,
    operationId: operation.id,
    parameters: { namespace: "default", name: options.name ?? "app" },
    ...(method === "patch" ? { body: JSON.parse(body) as unknown, essence, bodyBytes: body } : {}),
    query: options.query ?? "",
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
    warnings: [],
    diagnostics: [],
    request: `${method.toUpperCase()} /api/v1/namespaces/default/pods/${options.name ?? "app"}`,
    ...(options.checkUnstored === true ? { checkUnstored: true } : {}),
  };
}

/** What is sent for a reply: status and bytes (and headers), as the mock writes them. */
function sent(reply: StoreReply, asked: StoreQuestion): { status: number; headers?: unknown; body: string } {
  const operation = operations.find((candidate) => candidate.id === asked.operationId) as PrismOperation;
  const finished: FinishedReply = finishAnswer(validateOutput, operation, asked, reply);
  return finished.kind === "status"
    ? { status: finished.status.code ?? 0, body: JSON.stringify(finished.status) }
    : { status: finished.status, headers: finished.headers, body: finished.payload };
}

const bodyOf = (reply: StoreReply, asked: StoreQuestion) => JSON.parse(sent(reply, asked).body) as Pod & { code?: number };

beforeAll(async () => {
  installSuffixAwareMediaTypeMatch();
  validateOutput = loadValidators().output;
  ({ operations } = await loadSpec(join(generatedDir, "openapi.json")));
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the answer memo of the stateful mock", () => {
  it("gives a repeated no-op, refusal and GET the reply it computed, with the bytes a store without memo computes", () => {
    const memoized = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const asked = [
      question("patch"),
      question("patch", { body: JSON.stringify([{ op: "replace", path: "/spec/containers/0/name", value: "other" }]) }),
      question("patch", { body: JSON.stringify([{ op: "test", path: "/spec/containers/0/image", value: "nope" }]) }),
      question("patch", { name: "missing" }),
      question("get"),
    ];
    const first = asked.map((each) => memoized.answer(each));
    const again = asked.map((each) => memoized.answer(each));
    for (const [index, reply] of again.entries()) expect(reply).toBe(first[index]);
    // Byte for byte what a store that never answered before computes, for each question.
    for (const [index, each] of asked.entries()) {
      expect(sent(again[index] as StoreReply, each)).toEqual(
        sent(answersFor([pod("app", "nginx:1.27", { managed: true })]).answer(each), each),
      );
    }
    expect(asked.map((each, index) => sent(first[index] as StoreReply, each).status)).toEqual([200, 422, 422, 404, 200]);
  });

  it("does not give an answer after the Pod changed", () => {
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const noOp = question("patch");
    const before = answers.answer(noOp);
    expect(bodyOf(answers.answer(question("patch", { body: setImage("nginx:1.28") })), noOp).spec?.containers[0]?.image).toBe(
      "nginx:1.28",
    );
    // The same request is a write again now: a new resourceVersion, not the no-op kept before.
    const after = answers.answer(noOp);
    expect(after).not.toBe(before);
    expect(bodyOf(after, noOp).spec?.containers[0]?.image).toBe("nginx:1.27");
    expect(Number(bodyOf(after, noOp).metadata?.resourceVersion)).toBeGreaterThan(
      Number(bodyOf(before, noOp).metadata?.resourceVersion),
    );
    // And a GET kept before the write shows the written Pod after it.
    const get = question("get");
    const read = answers.answer(get);
    answers.answer(question("patch", { body: setImage("nginx:1.29") }));
    expect(bodyOf(answers.answer(get), get).spec?.containers[0]?.image).toBe("nginx:1.29");
    expect(bodyOf(read, get).spec?.containers[0]?.image).toBe("nginx:1.27");
  });

  it("does not give an answer after /mock/pods reset or loaded the store, even for a Pod with the same resourceVersion", () => {
    const answers = answersFor([pod("app", "nginx:1.27")]);
    const get = question("get");
    const seeded = answers.answer(get);
    expect(answers.control("DELETE", Buffer.alloc(0))?.status).toBe(200);
    const reset = answers.answer(get);
    expect(reset).not.toBe(seeded);
    expect(sent(reset, get)).toEqual(sent(seeded, get));
    // Another Pod under the same name and resourceVersion: its own answers, not the first one's.
    expect(answers.control("PUT", Buffer.from(JSON.stringify(pod("app", "busybox:1.36"))))?.status).toBe(200);
    expect(bodyOf(answers.answer(get), get).spec?.containers[0]?.image).toBe("busybox:1.36");
    const noOp = answers.answer(question("patch"));
    expect(bodyOf(noOp, question("patch")).spec?.containers[0]?.image).toBe("nginx:1.27");
    // A Pod that is gone is 404 again, and one that comes back is answered from what it is.
    expect(answers.control("PUT", Buffer.from(JSON.stringify(pod("other", "nginx:1.27"))))?.status).toBe(200);
    expect(sent(answers.answer(get), get).status).toBe(404);
  });

  it("computes again for another body, query, media type or User-Agent", () => {
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const base = question("patch");
    const kept = answers.answer(base);
    expect(answers.answer(base)).toBe(kept);
    const others = [
      question("patch", { body: `${setImage("nginx:1.27")} ` }),
      question("patch", { query: "?fieldManager=other" }),
      question("patch", { query: "?dryRun=All" }),
      question("patch", { userAgent: "kubectl/v1.35.4" }),
      question("patch", { essence: "application/merge-patch+json", body: '{"metadata":{}}' }),
    ];
    for (const other of others) {
      const reply = answers.answer(other);
      expect(reply).not.toBe(kept);
      expect(answers.answer(other)).toBe(reply);
    }
  });

  it("never gives again what came from the clock: a dry run's managedFields time, a dry-run create's uid", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const dryRun = question("patch", { body: setImage("nginx:1.28"), query: "?dryRun=All" });
    vi.setSystemTime(new Date("2030-05-01T10:00:00Z"));
    const first = bodyOf(answers.answer(dryRun), dryRun);
    vi.setSystemTime(new Date("2030-05-01T10:00:07Z"));
    const second = bodyOf(answers.answer(dryRun), dryRun);
    // The image moves to the request's manager (the default one: no User-Agent), at the time of the request.
    const timeOfImage = (answer: Pod) => answer.metadata?.managedFields?.find((entry) => entry.manager === "")?.time;
    expect(timeOfImage(first)).toBe("2030-05-01T10:00:00Z");
    expect(timeOfImage(second)).toBe("2030-05-01T10:00:07Z");
    // Nothing stored: the no-op of the stored image is still a no-op.
    expect(bodyOf(answers.answer(question("patch")), dryRun).metadata?.resourceVersion).toBe("10");
    const create = question("patch", {
      name: "fresh",
      essence: APPLY,
      body: JSON.stringify(pod("fresh", "nginx:1.27")),
      query: "?fieldManager=test&dryRun=All",
    });
    const created = [answers.answer(create), answers.answer(create)].map((reply) => bodyOf(reply, create));
    expect(created.map((each) => each.metadata?.creationTimestamp)).toEqual(["2030-05-01T10:00:07Z", "2030-05-01T10:00:07Z"]);
    expect(created[0]?.metadata?.uid).not.toBe(created[1]?.metadata?.uid);
  });

  it("keeps a dry run that takes nothing from the clock (a Pod without managedFields)", () => {
    const answers = answersFor([pod("app", "nginx:1.27")]);
    const dryRun = question("patch", { body: setImage("nginx:1.28"), query: "?dryRun=All" });
    const first = answers.answer(dryRun);
    expect(bodyOf(first, dryRun).metadata?.managedFields).toBeUndefined();
    expect(answers.answer(dryRun)).toBe(first);
  });

  it("with --workers, leaves the first check to the asker and keeps the owner's checked reply from the second ask", () => {
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const noOp = question("patch", { checkUnstored: true });
    const first = answers.answer(noOp);
    expect(first.kind).toBe("unchecked");
    const second = answers.answer(noOp);
    expect(second.kind).toBe("answer");
    expect(answers.answer(noOp)).toBe(second);
    expect(sent(second, noOp)).toEqual(sent(first, noOp));
    // A write is checked by the owner and never kept; a question asked once after it is the asker's to check again.
    const write = question("patch", { body: setImage("nginx:1.28"), checkUnstored: true });
    expect(answers.answer(write).kind).toBe("answer");
    expect(answers.answer(question("patch", { body: setImage("nginx:1.28"), checkUnstored: true })).kind).toBe("unchecked");
  });

  it("with --workers, leaves a dry run that carries the clock to the asker once the owner found it not to be kept", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-05-01T10:00:00Z"));
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    const dryRun = question("patch", { body: setImage("nginx:1.29"), query: "?dryRun=All", checkUnstored: true });
    expect([1, 2, 3, 4].map(() => answers.answer(dryRun).kind)).toEqual(["unchecked", "answer", "unchecked", "unchecked"]);
  });

  it("keeps a no-op asked in the second its Pod was written from the next second on (the stored time is not the request's)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-05-01T10:00:00Z"));
    const answers = answersFor([pod("app", "nginx:1.27", { managed: true })]);
    answers.answer(question("patch", { body: setImage("nginx:1.28") }));
    const noOp = question("patch", { body: setImage("nginx:1.28"), checkUnstored: true });
    const sameSecond = [answers.answer(noOp), answers.answer(noOp), answers.answer(noOp)];
    expect(sameSecond.map((reply) => reply.kind)).toEqual(["unchecked", "answer", "unchecked"]);
    expect(bodyOf(sameSecond[0] as StoreReply, noOp).metadata?.managedFields?.find((entry) => entry.manager === "")?.time).toBe(
      "2030-05-01T10:00:00Z",
    );
    vi.setSystemTime(new Date("2030-05-01T10:00:05Z"));
    const later = answers.answer(noOp);
    expect(later.kind).toBe("answer");
    expect(answers.answer(noOp)).toBe(later);
    expect(sent(later, noOp)).toEqual(sent(sameSecond[0] as StoreReply, noOp));
  });
});

describe("Lru", () => {
  it("drops the least recently used past its count and its size, and keeps nothing larger than its size", () => {
    const lru = new Lru<string>(3, 10);
    lru.set("a", "A", 2);
    lru.set("b", "B", 2);
    lru.set("c", "C", 2);
    expect(lru.get("a")).toBe("A");
    lru.set("d", "D", 2);
    expect([lru.get("b"), lru.get("a"), lru.get("c"), lru.get("d")]).toEqual([undefined, "A", "C", "D"]);
    lru.set("e", "E", 7);
    expect([lru.get("a"), lru.get("c"), lru.get("d"), lru.get("e")]).toEqual([undefined, undefined, "D", "E"]);
    lru.set("f", "F", 11);
    expect(lru.get("f")).toBeUndefined();
    lru.set("d", "D2", 1);
    expect([lru.size, lru.get("d")]).toEqual([2, "D2"]);
  });
});
