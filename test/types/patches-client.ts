// Type tests for the typed patch bodies with the client, checked by `tsc --noEmit` (never run): every
// typed body is one the client's media-type binding accepts, so builder output goes to patchPod as is.
import {
  jsonPatch,
  type PatchMediaType,
  type PatchPodBody,
  type PodApplyPatch,
  type PodPatchClient,
  type PodStrategicMergePatch,
  type TypedPatchBodies,
} from "../../src/index.js";
import { assertType } from "./assert-type.js";

declare const client: PodPatchClient;

/** Each typed body is assignable to the client's body for its media type. */
type AcceptedByClient = { [M in PatchMediaType]: TypedPatchBodies[M] extends PatchPodBody<M> ? true : false };
assertType<AcceptedByClient>({
  "application/json-patch+json": true,
  "application/merge-patch+json": true,
  "application/strategic-merge-patch+json": true,
  "application/apply-patch+yaml": true,
});

const strategic: PodStrategicMergePatch = {
  spec: { "$setElementOrder/containers": [{ name: "web" }], containers: [{ name: "web", image: "nginx:1.27" }] },
};
const apply: PodApplyPatch = { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", labels: { app: "web" } } };

await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  body: jsonPatch().replace("/spec/containers/0/image", "nginx:1.27").build(),
});
await client.patchPod({ namespace: "default", name: "hello-world", contentType: "application/strategic-merge-patch+json", body: strategic });
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: apply,
  query: { fieldManager: "deploy-bot" },
});
// @ts-expect-error a typed strategic body is still bound to its own media type
await client.patchPod({ namespace: "default", name: "hello-world", contentType: "application/json-patch+json", body: strategic });
