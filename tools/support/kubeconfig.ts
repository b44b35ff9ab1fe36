/**
 * A ready-to-use kubeconfig for the mock, so kubectl can talk to it as to a cluster.
 *
 * Input: the mock's https URL, the CA certificate (PEM) that signed its serving certificate, the
 * token to send and the default namespace. Output: the kubeconfig as YAML text (one cluster, one
 * user, one context named `pod-patch-mock`, which is current). Pure function; the caller writes it.
 * kubectl sends a bearer token only over TLS, hence the certificate.
 */
import { stringify } from "yaml";

export interface KubeconfigInput {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** PEM certificate kubectl must trust for `server`. */
  caCert: string;
  token: string;
  namespace: string;
}

const NAME = "pod-patch-mock";

export function kubeconfigYaml(input: KubeconfigInput): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: NAME,
        cluster: { server: input.server, "certificate-authority-data": Buffer.from(input.caCert).toString("base64") },
      },
    ],
    users: [{ name: NAME, user: { token: input.token } }],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace: input.namespace } }],
    "current-context": NAME,
  });
}
