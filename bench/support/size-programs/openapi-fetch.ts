// Size-benchmark program (bundled by bench/size.ts, never run by tests): the same typed merge patch with
// bare openapi-fetch on the generated paths type, setting the media type and token headers by hand.
import createClient from "openapi-fetch";
import type { paths } from "../../../generated/openapi.js";

const client = createClient<paths>({ baseUrl: process.env.KUBE_URL ?? "https://127.0.0.1:6443" });
const { data, error, response } = await client.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
  params: { path: { namespace: "default", name: "hello-world" } },
  body: { metadata: { labels: { release: "canary" } } },
  headers: { "Content-Type": "application/merge-patch+json", Authorization: `Bearer ${process.env.KUBE_TOKEN ?? "token"}` },
});
console.log(error === undefined ? `patched ${data?.metadata?.name}` : `error ${response.status}`);
