// Size-benchmark program (bundled by bench/size.ts, never run by tests): the same merge patch with
// @kubernetes/client-node, configured in code (no kubeconfig file) the way its README shows.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";

const config = new KubeConfig();
config.loadFromOptions({
  clusters: [{ name: "cluster", server: process.env.KUBE_URL ?? "https://127.0.0.1:6443", skipTLSVerify: false }],
  users: [{ name: "user", token: process.env.KUBE_TOKEN ?? "token" }],
  contexts: [{ name: "context", cluster: "cluster", user: "user" }],
  currentContext: "context",
});
const api = config.makeApiClient(CoreV1Api);
const patch: V1Pod = { metadata: { labels: { release: "canary" } } };
const pod = await api.patchNamespacedPod(
  { namespace: "default", name: "hello-world", body: patch },
  setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
);
console.log(`patched ${pod.metadata?.name}`);
