// Type tests for patchPod, checked by `tsc --noEmit` (never run): valid calls for the four media types
// compile, and each `@ts-expect-error` marks one mistake the media-type/body/query binding must reject.
import type { PatchBody, Pod, PodPatchClient, Status } from "../../src/index.js";
import { assertType } from "./assert-type.js";

declare const client: PodPatchClient;

// Valid: one call per media type.
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
  query: { dryRun: ["All"], fieldManager: "deploy-bot" },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web", old: null } }, spec: { activeDeadlineSeconds: null } },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/strategic-merge-patch+json",
  body: { $patch: "replace", spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
  query: { fieldValidation: "Strict" },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", labels: { app: "web" } } },
  query: { fieldManager: "deploy-bot", force: true },
});

// Bodies that are valid for their own media type, so that the next two errors come from the binding alone.
const jsonPatch: PatchBody<"application/json-patch+json"> = [{ op: "add", path: "/metadata/labels/app", value: "web" }];
const mergePatch: PatchBody<"application/merge-patch+json"> = { metadata: { labels: { app: "web" } } };
// A body that does not fit the chosen member is reported against the whole argument, hence the directive's place.
// @ts-expect-error merge-patch body sent as JSON Patch
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  body: mergePatch,
});
// @ts-expect-error JSON Patch array sent as merge patch
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: jsonPatch,
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  // @ts-expect-error unknown media type
  contentType: "application/json",
  body: { metadata: { labels: { app: "web" } } },
});
// @ts-expect-error missing contentType
await client.patchPod({ namespace: "default", name: "hello-world", body: { metadata: { labels: { app: "web" } } } });
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  body: [
    { op: "remove", path: "/metadata/labels/app" },
    { op: "move", from: "/metadata/labels/b", path: "/metadata/labels/a" },
    { op: "copy", from: "/metadata/labels/a", path: "/metadata/labels/c" },
    { op: "test", path: "/metadata/labels/c", value: "web" },
  ],
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  // @ts-expect-error `move` takes the member at `from`, which is missing
  body: [{ op: "move", path: "/metadata/labels/b" }],
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  // @ts-expect-error `add` needs a value (RFC 6902; the apiserver would read a missing one as null)
  body: [{ op: "add", path: "/metadata/labels/b" }],
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/strategic-merge-patch+json",
  // @ts-expect-error `$patch: merge` is refused by the apiserver (500), so the contract does not list it
  body: { $patch: "merge" },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/json-patch+json",
  // @ts-expect-error JSON Patch op without `value`
  body: [{ op: "add", path: "/metadata/labels/app" }],
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  // @ts-expect-error an array of numbers is not a merge patch
  body: [1, 2, 3],
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  // @ts-expect-error a string is not a merge patch
  body: "hello",
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  // @ts-expect-error a number is not a merge patch
  body: 5,
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  // @ts-expect-error misspelt top-level key `metdata`
  body: { metdata: { labels: { app: "web" } } },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/strategic-merge-patch+json",
  // @ts-expect-error label values are strings, not numbers
  body: { metadata: { labels: { a: 1 } } },
});
// A missing required body property is also reported against the whole argument.
// @ts-expect-error apply body without `metadata.name`
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: { apiVersion: "v1", kind: "Pod", metadata: { labels: { app: "web" } } },
  query: { fieldManager: "deploy-bot" },
});
// @ts-expect-error apply body without `kind`
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: { apiVersion: "v1", metadata: { name: "hello-world" } },
  query: { fieldManager: "deploy-bot" },
});
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } },
  // @ts-expect-error apply without `fieldManager`
  query: { force: true },
});
// @ts-expect-error apply without any query, so without `fieldManager`
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/apply-patch+yaml",
  body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } },
});
// A query that is valid for apply but not for this media type is also reported against the whole argument.
// @ts-expect-error `force` is for apply patches only
await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
  query: { fieldManager: "deploy-bot", force: false },
});

// Result narrowing: `data` is a Pod once `error` is ruled out; `error` is a Status with a numeric code.
const result = await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
});
// @ts-expect-error `data` may be undefined before the error check
assertType<Pod>(result.data);
if (result.error === undefined) {
  assertType<Pod>(result.data);
  assertType<200 | 201>(result.status);
} else {
  assertType<Status>(result.error);
  assertType<number>(result.error.code);
  // @ts-expect-error `code` is a number, not a string
  assertType<string>(result.error.code);
}
