// Size-benchmark program (bundled by bench/size.ts, never run by tests): one typed merge patch of a Pod
// with this package's client, the way the README shows it. KUBE_URL and KUBE_TOKEN say where to send it.
import { createPodPatchClient } from "../../../src/index.js";

const client = createPodPatchClient({
  baseUrl: process.env.KUBE_URL ?? "https://127.0.0.1:6443",
  credentials: { bearerToken: process.env.KUBE_TOKEN ?? "token" },
});
const result = await client.patchPod({
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { release: "canary" } } },
});
console.log(result.error ? `error ${result.error.code}` : `patched ${result.data.metadata?.name}`);
