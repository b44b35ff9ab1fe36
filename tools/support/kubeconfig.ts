/**
 * A ready-to-use kubeconfig, so kubectl can talk to the mock (tools/servers/mock.ts) or to the real control
 * plane (tools/apiserver/control-plane.ts) as to a cluster.
 *
 * Input: a name for the cluster, user and context, the https URL, the CA certificate (PEM) that signed its
 * serving certificate, the token to send and the default namespace. Output: the kubeconfig as YAML text
 * (one cluster, one user, one context of that name, which is current). Pure function; callers write it
 * with tools/support/private-file.ts. kubectl sends a bearer token only over TLS, hence the certificate.
 */
import { stringify } from "yaml";

export interface KubeconfigInput {
  /** Name of the cluster, the user and the context. */
  name: string;
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** PEM certificate kubectl must trust for `server`. */
  caCert: string;
  token: string;
  namespace: string;
}

export function kubeconfigYaml(input: KubeconfigInput): string {
  const { name } = input;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name, cluster: { server: input.server, "certificate-authority-data": Buffer.from(input.caCert).toString("base64") } },
    ],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: input.namespace } }],
    "current-context": name,
  });
}
