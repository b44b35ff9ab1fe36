// Type tests for the openapi-fetch entry (`pod-patch-contract/openapi-fetch`), checked by `tsc --noEmit` (never
// run): its client is openapi-fetch's Client typed by the contract's generated `paths`, so a path, a path or
// query parameter or a body member the contract does not have does not compile, and `data` and `error` have the
// contract's types. Every `@ts-expect-error` marks one mistake that must not compile.
import {
  createPodPatchFetchClient,
  createPodPatchFetchClientFromKubeconfig,
  type components,
  type KubeconfigPodPatchFetchClient,
  type PodPatchFetchClient,
  type Status,
} from "../../src/openapi-fetch.js";
import { assertType } from "./assert-type.js";

type Pod = components["schemas"]["Pod"];
const podPath = "/api/v1/namespaces/{namespace}/pods/{name}";
const path = { namespace: "default", name: "hello-world" };

const client: PodPatchFetchClient = createPodPatchFetchClient({
  baseUrl: "https://127.0.0.1:6443",
  credentials: { xAuthToken: "token" },
  ca: "PEM",
  timeoutMs: 5000,
});
assertType<Promise<KubeconfigPodPatchFetchClient>>(createPodPatchFetchClientFromKubeconfig({ context: "prod", timeoutMs: 5000 }));

// Valid: each media type's body, the GET, the query options; data is a Pod, error a Status.
const patched = await client.PATCH(podPath, {
  params: { path, query: { dryRun: ["All"], fieldManager: "deploy-bot" } },
  headers: { "Content-Type": "application/merge-patch+json" },
  body: { metadata: { labels: { app: "web" } } },
});
if (patched.error) assertType<Status>(patched.error);
else assertType<Pod>(patched.data);
await client.PATCH(podPath, {
  params: { path },
  headers: { "Content-Type": "application/json-patch+json" },
  body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
});
await client.PATCH(podPath, {
  params: { path },
  headers: { "Content-Type": "application/strategic-merge-patch+json" },
  body: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
});
await client.PATCH(podPath, {
  params: { path, query: { fieldManager: "deploy-bot", force: true } },
  headers: { "Content-Type": "application/apply-patch+yaml" },
  body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } },
});
const read = await client.GET(podPath, { params: { path, query: { pretty: "true" } } });
assertType<Pod | undefined>(read.data);

// A path the contract does not have.
// @ts-expect-error "pod" is not "pods"
await client.PATCH("/api/v1/namespaces/{namespace}/pod/{name}", { params: { path }, body: {} });
// @ts-expect-error the contract has no DELETE of a Pod
await client.DELETE(podPath, { params: { path } });

// Path parameters: misspelt, missing.
await client.PATCH(podPath, {
  // @ts-expect-error "nme" is not a path parameter
  params: { path: { namespace: "default", nme: "hello-world" } },
  body: {},
});
// @ts-expect-error the path parameters are required
await client.GET(podPath, {});

// Query parameters: misspelt, or a value the contract does not allow.
await client.PATCH(podPath, {
  // @ts-expect-error "dryrun" is spelt dryRun
  params: { path, query: { dryrun: ["All"] } },
  body: {},
});
// @ts-expect-error dryRun allows only "All"
await client.PATCH(podPath, { params: { path, query: { dryRun: ["Server"] } }, body: {} });

// Bodies: openapi-fetch checks the value of each member the contract's body types name, but its inferred
// request type switches off TypeScript's excess-property check, so a member no body has is only caught when
// the body is declared as one of the contract's body types (docs/client.md, "The openapi-fetch entry").
await client.PATCH(podPath, {
  params: { path },
  // @ts-expect-error activeDeadlineSeconds is a number
  body: { spec: { activeDeadlineSeconds: "30" } },
});
await client.PATCH(podPath, {
  params: { path },
  // @ts-expect-error label values are strings
  body: { metadata: { labels: { app: 1 } } },
});
await client.PATCH(podPath, {
  params: { path },
  // @ts-expect-error "metdata" is no member of a merge patch
  body: { metdata: { labels: { app: "web" } } } satisfies components["schemas"]["PodMergePatch"],
});
await client.PATCH(podPath, {
  params: { path },
  // @ts-expect-error "imagee" is no member of a container
  body: { spec: { containers: [{ name: "web", imagee: "nginx:1.27" }] } } satisfies components["schemas"]["PodStrategicMergePatch"],
});
// Accepted as docs/client.md says (a test: should openapi-fetch ever refuse it, this line stops compiling and
// the page must change): a misspelt member in a body literal that is not declared as a body type.
await client.PATCH(podPath, { params: { path }, body: { metdata: { labels: { app: "web" } } } });
// @ts-expect-error a PATCH needs a body
await client.PATCH(podPath, { params: { path } });

// Options the entry refuses at compile time: retries belong to the high-level client.
// @ts-expect-error this client makes no retries
createPodPatchFetchClient({ baseUrl: "https://127.0.0.1:6443", maxRetries: 3 });
// @ts-expect-error either token, not both
createPodPatchFetchClient({ baseUrl: "https://127.0.0.1:6443", credentials: { xAuthToken: "a", bearerToken: "b" } });
