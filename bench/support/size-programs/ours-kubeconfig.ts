// Size-benchmark program (bundled by bench/size.ts, never run by tests): the same typed merge patch, with the
// client made from a kubeconfig (createPodPatchClientFromKubeconfig: the loader, YAML parser and exec
// plugins come along). bench/size.ts points KUBECONFIG at a kubeconfig for its local server.
import { createPodPatchClientFromKubeconfig } from "../../../src/index.js";

const client = await createPodPatchClientFromKubeconfig();
const result = await client.patchPod({
  namespace: client.namespace,
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { release: "canary" } } },
});
console.log(result.error ? `error ${result.error.code}` : `patched ${result.data.metadata?.name}`);
