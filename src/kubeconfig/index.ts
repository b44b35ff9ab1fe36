// createPodPatchClientFromKubeconfig: the Pod PATCH client for the cluster of a kubeconfig context, as kubectl
// would reach it — the context's server, its CA (or insecure-skip-tls-verify, with a warning), its client
// certificate, and its user's token, token file or exec credential plugin (kubeconfig.ts, credentials.ts).
// Input: `{ path?, context? }` plus the client's own resilience options. Output: a PodPatchClient that also
// names the context and its namespace. Errors: KubeconfigError (no usable file, context, cluster or user, or
// a server URL the client refuses, such as one with user information); ExecCredentialError at the first
// request when the plugin fails. Not part of the one-PATCH bundle unless imported (bench/size.ts).
import {
  type AuthSource,
  createClientFrom,
  InvalidOptionError,
  type PodPatchClient,
  type PodPatchClientOptions,
} from "../client/pod-patch-client.js";
import type { TlsSettings } from "../client/transport.js";
import { credentialSource } from "./credentials.js";
import { KubeconfigError, type KubeconfigOptions, type ResolvedContext, resolveKubeconfig } from "./kubeconfig.js";

export { ExecCredentialError } from "./credentials.js";
export { KubeconfigError, type KubeconfigOptions };

export type KubeconfigClientOptions = KubeconfigOptions &
  Pick<PodPatchClientOptions, "timeoutMs" | "maxRetries" | "maxRetryDelayMs" | "headers">;

export interface KubeconfigPodPatchClient extends PodPatchClient {
  /** The kubeconfig context the client was made from. */
  readonly context: string;
  /** That context's namespace (`default` when it names none), for requests that have no namespace of their own. */
  readonly namespace: string;
}

/**
 * Runs `make` (which builds something from the context's server and TLS settings); a setting the client
 * refuses (InvalidOptionError: a server URL with user information, say) is reported as the kubeconfig's
 * KubeconfigError, naming the context and never the value. Shared with `verify` (src/verify/transport.ts).
 */
export function fromContext<T>(resolved: Pick<ResolvedContext, "context">, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    const subject = error.option === "baseUrl" ? "the cluster's server" : error.option;
    throw new KubeconfigError(`context "${resolved.context}": ${subject} ${error.message.slice(error.option.length + 2)}`);
  }
}

/**
 * Resolves the context of `options` (KubeconfigOptions; the rest of `options` is handed on) and makes a client
 * with `make` from the rest, the context's server and TLS settings, and its credential source; the client
 * then also names the context and its namespace. Shared with the openapi-fetch entry
 * (src/client/openapi-fetch-client.ts).
 */
export function fromKubeconfig<O extends KubeconfigOptions, T extends object>(
  options: O,
  make: (
    options: Omit<O, keyof KubeconfigOptions> & Pick<PodPatchClientOptions, "baseUrl"> & TlsSettings,
    auth?: AuthSource,
  ) => T,
): T & { readonly context: string; readonly namespace: string } {
  const { path, context, ...rest } = options;
  const resolved = resolveKubeconfig({ ...(path === undefined ? {} : { path }), ...(context === undefined ? {} : { context }) });
  const client = fromContext(resolved, () =>
    make({ ...rest, baseUrl: resolved.server, ...resolved.tls }, credentialSource(resolved.credential)),
  );
  return Object.assign(client, { context: resolved.context, namespace: resolved.namespace });
}

/** A client for the cluster of a kubeconfig context (the header says how it is found). */
export async function createPodPatchClientFromKubeconfig(
  options: KubeconfigClientOptions = {},
): Promise<KubeconfigPodPatchClient> {
  return fromKubeconfig(options, createClientFrom);
}
