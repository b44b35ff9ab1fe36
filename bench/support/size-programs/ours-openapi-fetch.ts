// Size-benchmark program (bundled by bench/size.ts, never run by tests): the same typed merge patch through
// this package's openapi-fetch entry (pod-patch-contract/openapi-fetch: openapi-fetch's client over the
// package's transport, checks and typed failures). KUBE_URL and KUBE_TOKEN say where to send it.
import { createPodPatchFetchClient } from "../../../src/openapi-fetch.js";

const client = createPodPatchFetchClient({
  baseUrl: process.env.KUBE_URL ?? "https://127.0.0.1:6443",
  credentials: { bearerToken: process.env.KUBE_TOKEN ?? "token" },
});
const { data, error } = await client.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
  params: { path: { namespace: "default", name: "hello-world" } },
  headers: { "Content-Type": "application/merge-patch+json" },
  body: { metadata: { labels: { release: "canary" } } },
});
console.log(error ? `error ${error.code}` : `patched ${data.metadata?.name}`);
