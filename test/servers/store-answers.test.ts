/**
 * The stateful mock's answers from its store (tools/servers/store-answers.ts) for a write the contract
 * refuses after the engine: a patched Pod the Pod schema refuses (a label that is not a string) is a 422 that
 * shows the Pod as the engine wrote it — its managedFields' fieldsV1, which the engine leaves to the store
 * (writePod's deferFieldsV1), written out — and nothing is stored. The question is a merge patch asked as if
 * the contract had found nothing in the request (the front's Prism refuses this one there): the engine does
 * not decode a merge patch's result (docs/patch-engine.md), so the answer's check is what refuses it.
 */
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { asStored } from "../../src/engine/index.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { PodStore } from "../../tools/servers/pod-store.js";
import { installSuffixAwareMediaTypeMatch, loadValidators } from "../../tools/servers/prism-internals.js";
import { loadSpec, type PrismOperation } from "../../tools/servers/spec.js";
import { createStoreAnswers } from "../../tools/servers/store-answers.js";

let operations: PrismOperation[];
let validateOutput: ReturnType<typeof loadValidators>["output"];

beforeAll(async () => {
  installSuffixAwareMediaTypeMatch();
  validateOutput = loadValidators().output;
  ({ operations } = await loadSpec(join(generatedDir, "openapi.json")));
});

const managedPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "app",
    namespace: "default",
    uid: "uid-app",
    resourceVersion: "10",
    creationTimestamp: "2026-01-01T00:00:00Z",
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
  },
  spec: { containers: [{ name: "app", image: "nginx" }] },
} as Pod;

it("refuses a written Pod the Pod schema refuses with the Pod shown, its fieldsV1 written out, and stores nothing", () => {
  const store = new PodStore([managedPod], asStored);
  const state = store.state("default", "app");
  const operation = operations.find((candidate) => candidate.method === "patch" && candidate.path.endsWith("/pods/{name}"));
  if (operation === undefined) throw new Error("the bundle has no PATCH of a Pod");
  const body = { metadata: { labels: { tier: 7 } } };
  const reply = createStoreAnswers(operations, store, validateOutput).answer({
    method: "patch",
    operationId: operation.id,
    parameters: { namespace: "default", name: "app" },
    body,
    essence: "application/merge-patch+json",
    query: "?fieldManager=patcher",
    warnings: [],
    diagnostics: [],
    request: "PATCH /api/v1/namespaces/default/pods/app",
  });
  expect(reply.kind).toBe("status");
  const message = reply.kind === "status" ? (reply.status.message ?? "") : "";
  expect(reply.kind === "status" ? reply.status.code : 0).toBe(422);
  // The Pod is quoted in the message: its JSON escaped once more.
  const quoted = (json: string) => JSON.stringify(json).slice(1, -1);
  expect(message).toContain(quoted('"manager":"patcher"'));
  expect(message).toContain(quoted('"fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:tier":{}}}}'));
  expect(message).not.toContain(quoted('"fieldsV1":{}'));
  expect(store.state("default", "app")).toBe(state);
});
