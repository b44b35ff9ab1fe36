// Reads kubeconfig files the way kubectl does (client-go's clientcmd loader at kubernetes v1.35.4,
// staging/src/k8s.io/client-go/tools/clientcmd/loader.go and client_config.go) and resolves one context to
// what a client needs: the server, the TLS settings and where the credential comes from.
//
// Input: `{ path?, context? }`. Without `path`, `$KUBECONFIG` (a list separated by `:` — `;` on Windows — whose
// files are merged: for each cluster, user and context name and for `current-context`, the first file that
// sets it wins; files that do not exist are skipped), else `~/.kube/config`. Relative file paths in a file
// (certificate-authority, client-certificate, client-key, tokenFile, an exec command with a `/`) are relative
// to that file's folder. Output: a ResolvedContext. Errors: KubeconfigError naming the file and what is
// wrong, never a credential (YAML errors are reported by position only, as their excerpts could show one).
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import type { TlsSettings } from "../client/transport.js";

/** Thrown when no usable kubeconfig or context can be made out; `file` names the file concerned, if one is. */
export class KubeconfigError extends Error {
  override name = "KubeconfigError";
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
  }
}

/** An exec credential plugin as a kubeconfig user declares it (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

/** What `KUBERNETES_EXEC_INFO` tells a plugin about the cluster when `provideClusterInfo` is set. */
export interface ExecClusterInfo {
  server: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "certificate-authority-data"?: string;
  config?: unknown;
}

/** Where the credential of a context comes from. */
export type CredentialSpec =
  | { kind: "none" }
  | { kind: "token"; token: string }
  | { kind: "tokenFile"; path: string }
  | { kind: "exec"; exec: ExecConfig; cluster: ExecClusterInfo };

export interface ResolvedContext {
  /** The context used. */
  context: string;
  /** The context's namespace, `default` when it names none. */
  namespace: string;
  server: string;
  tls: TlsSettings;
  credential: CredentialSpec;
}

export interface KubeconfigOptions {
  /** A kubeconfig file; default `$KUBECONFIG` (merged list), then `~/.kube/config`. */
  path?: string;
  /** The context to use; default the kubeconfig's `current-context`. */
  context?: string;
}

type Entry = Record<string, unknown>;

/** One named entry of a merged list, with the file it came from (relative paths resolve against its folder). */
interface Named {
  file: string;
  value: Entry;
}

interface Merged {
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext: string | undefined;
  files: string[];
}

/** The files to read, as kubectl picks them. */
function kubeconfigFiles(path: string | undefined): string[] {
  if (path !== undefined) {
    if (!existsSync(path)) throw new KubeconfigError("no such file", path);
    return [resolve(path)];
  }
  const list = process.env.KUBECONFIG;
  if (list !== undefined && list !== "") {
    const files = [...new Set(list.split(delimiter).filter((file) => file !== ""))].map((file) => resolve(file));
    const present = files.filter((file) => existsSync(file));
    if (present.length === 0) throw new KubeconfigError(`none of the files in KUBECONFIG exists: ${files.join(", ")}`);
    return present;
  }
  const home = join(homedir(), ".kube", "config");
  if (!existsSync(home)) throw new KubeconfigError("no kubeconfig: give a path, set KUBECONFIG, or create ~/.kube/config");
  return [home];
}

function readKubeconfig(file: string): Entry {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new KubeconfigError(`cannot read: ${(error as Error).message}`, file);
  }
  let document: unknown;
  try {
    // YAML 1.1, as Go's YAML library reads kubeconfigs (`yes` is true there).
    document = parse(text, { version: "1.1" });
  } catch (error) {
    const { linePos, code } = error as { linePos?: Array<{ line: number; col: number }>; code?: string };
    const at = linePos?.[0] === undefined ? "" : ` at line ${linePos[0].line}, column ${linePos[0].col}`;
    throw new KubeconfigError(`not valid YAML${at}${code === undefined ? "" : ` (${code})`}`, file);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document))
    throw new KubeconfigError("not a kubeconfig (a YAML mapping)", file);
  return document as Entry;
}

function merge(files: string[]): Merged {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, files };
  for (const file of files) {
    const config = readKubeconfig(file);
    for (const [list, key] of [
      ["clusters", "cluster"],
      ["users", "user"],
      ["contexts", "context"],
    ] as const) {
      const entries = config[list] ?? [];
      if (!Array.isArray(entries)) throw new KubeconfigError(`${list} must be a list`, file);
      for (const entry of entries as unknown[]) {
        const { name, [key]: value } = (entry ?? {}) as Entry;
        if (typeof name !== "string" || name === "") throw new KubeconfigError(`an entry of ${list} has no name`, file);
        if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
          throw new KubeconfigError(`${list} entry "${name}": ${key} must be a mapping`, file);
        }
        // The first file to define a name wins, as in kubectl.
        if (!merged[list].has(name)) merged[list].set(name, { file, value: (value ?? {}) as Entry });
      }
    }
    const current = config["current-context"];
    if (merged.currentContext === undefined && typeof current === "string" && current !== "") merged.currentContext = current;
  }
  return merged;
}

function text(entry: Named, field: string, what: string): string | undefined {
  const value = entry.value[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new KubeconfigError(`${what}: ${field} must be a string`, entry.file);
  return value;
}

function flag(entry: Named, field: string, what: string): boolean {
  const value = entry.value[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw new KubeconfigError(`${what}: ${field} must be true or false`, entry.file);
  return value;
}

/** `<field>-data` (base64) wins over `<field>` (a file, relative to the kubeconfig's folder), as in client-go. */
function pem(entry: Named, field: string, what: string): string | undefined {
  const data = text(entry, `${field}-data`, what);
  if (data !== undefined) {
    if (!/^[A-Za-z0-9+/=\s]+$/.test(data)) throw new KubeconfigError(`${what}: ${field}-data is not base64`, entry.file);
    return Buffer.from(data, "base64").toString("utf8");
  }
  const file = text(entry, field, what);
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : join(dirname(entry.file), file);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new KubeconfigError(`${what}: cannot read ${field} ${path}: ${(error as Error).message}`, entry.file);
  }
}

/** User fields this client does not implement; ignoring them would act as someone else or skip a proxy. */
const unsupportedUserFields: Record<string, string> = {
  "auth-provider": "auth-provider plugins are not supported (kubectl dropped most of them): use an exec plugin such as kubelogin",
  username: "basic authentication (username/password) is not supported: the apiserver removed it in Kubernetes 1.19",
  password: "basic authentication (username/password) is not supported: the apiserver removed it in Kubernetes 1.19",
  as: "impersonation (as) is not supported",
  "as-uid": "impersonation (as-uid) is not supported",
  "as-groups": "impersonation (as-groups) is not supported",
  "as-user-extra": "impersonation (as-user-extra) is not supported",
};

function execConfig(user: Named, what: string): ExecConfig {
  const exec = user.value.exec as Entry;
  if (typeof exec !== "object" || exec === null || Array.isArray(exec))
    throw new KubeconfigError(`${what}: exec must be a mapping`, user.file);
  const named: Named = { file: user.file, value: exec };
  const command = text(named, "command", `${what} exec`);
  if (command === undefined) throw new KubeconfigError(`${what}: exec has no command`, user.file);
  const apiVersion = text(named, "apiVersion", `${what} exec`);
  if (apiVersion !== "client.authentication.k8s.io/v1" && apiVersion !== "client.authentication.k8s.io/v1beta1") {
    throw new KubeconfigError(
      `${what}: exec apiVersion must be client.authentication.k8s.io/v1 or v1beta1, got ${JSON.stringify(apiVersion ?? null)}`,
      user.file,
    );
  }
  const args = exec.args ?? [];
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== "string"))
    throw new KubeconfigError(`${what}: exec args must be strings`, user.file);
  const env = exec.env ?? [];
  if (
    !Array.isArray(env) ||
    env.some((variable) => typeof (variable as Entry)?.name !== "string" || typeof (variable as Entry)?.value !== "string")
  ) {
    throw new KubeconfigError(`${what}: exec env must be a list of {name, value} strings`, user.file);
  }
  const interactiveMode = text(named, "interactiveMode", `${what} exec`);
  if (apiVersion === "client.authentication.k8s.io/v1" && interactiveMode === undefined) {
    throw new KubeconfigError(`${what}: exec interactiveMode must be given for client.authentication.k8s.io/v1`, user.file);
  }
  // A command with a folder in it is relative to the kubeconfig's folder; a bare name is looked up in PATH.
  const resolved = command.includes("/") && !isAbsolute(command) ? join(dirname(user.file), command) : command;
  const installHint = text(named, "installHint", `${what} exec`);
  return {
    command: resolved,
    args: args as string[],
    env: env as ExecConfig["env"],
    apiVersion,
    ...(installHint === undefined ? {} : { installHint }),
    provideClusterInfo: flag(named, "provideClusterInfo", `${what} exec`),
    ...(interactiveMode === undefined ? {} : { interactiveMode }),
  };
}

/** Loads the kubeconfig and resolves one context (see the header). */
export function resolveKubeconfig(options: KubeconfigOptions = {}): ResolvedContext {
  const merged = merge(kubeconfigFiles(options.path));
  const where = merged.files.length === 1 ? merged.files[0] : undefined;
  const contextName = options.context ?? merged.currentContext;
  if (contextName === undefined) throw new KubeconfigError("no context given and no current-context set", where);
  const context = merged.contexts.get(contextName);
  if (context === undefined) throw new KubeconfigError(`no context named "${contextName}"`, where);
  const clusterName = text(context, "cluster", `context "${contextName}"`);
  const cluster = clusterName === undefined ? undefined : merged.clusters.get(clusterName);
  if (cluster === undefined)
    throw new KubeconfigError(`context "${contextName}": no cluster named "${clusterName ?? ""}"`, context.file);
  const userName = text(context, "user", `context "${contextName}"`);
  const user = userName === undefined ? { file: context.file, value: {} } : merged.users.get(userName);
  if (user === undefined) throw new KubeconfigError(`context "${contextName}": no user named "${userName}"`, context.file);

  const clusterWhat = `cluster "${clusterName}"`;
  const server = text(cluster, "server", clusterWhat);
  if (server === undefined) throw new KubeconfigError(`${clusterWhat} has no server`, cluster.file);
  if (text(cluster, "proxy-url", clusterWhat) !== undefined) {
    throw new KubeconfigError(`${clusterWhat}: proxy-url is not supported (requests would bypass the proxy)`, cluster.file);
  }
  const ca = pem(cluster, "certificate-authority", clusterWhat);
  const insecure = flag(cluster, "insecure-skip-tls-verify", clusterWhat);
  if (insecure && ca !== undefined) {
    throw new KubeconfigError(
      `${clusterWhat}: a certificate authority together with insecure-skip-tls-verify is not allowed`,
      cluster.file,
    );
  }
  const tlsServerName = text(cluster, "tls-server-name", clusterWhat);

  const userWhat = `user "${userName ?? ""}"`;
  for (const [field, why] of Object.entries(unsupportedUserFields)) {
    if (user.value[field] !== undefined && user.value[field] !== null && user.value[field] !== "") {
      throw new KubeconfigError(`${userWhat}: ${why}`, user.file);
    }
  }
  const cert = pem(user, "client-certificate", userWhat);
  const key = pem(user, "client-key", userWhat);
  if ((cert === undefined) !== (key === undefined))
    throw new KubeconfigError(`${userWhat}: client certificate and key go together`, user.file);
  const token = text(user, "token", userWhat);
  const tokenFile = text(user, "tokenFile", userWhat);

  let credential: CredentialSpec = { kind: "none" };
  if (tokenFile !== undefined) {
    // client-go reads tokenFile in preference to token, and rereads it as it changes.
    credential = { kind: "tokenFile", path: isAbsolute(tokenFile) ? tokenFile : join(dirname(user.file), tokenFile) };
  } else if (token !== undefined) {
    credential = { kind: "token", token };
  } else if (user.value.exec !== undefined && user.value.exec !== null && cert === undefined) {
    // As in client-go, an exec plugin is not run when the user already has a token or a client certificate.
    const extension = Array.isArray(cluster.value.extensions)
      ? (cluster.value.extensions as Entry[]).find((entry) => entry?.name === "client.authentication.k8s.io/exec")
      : undefined;
    credential = {
      kind: "exec",
      exec: execConfig(user, userWhat),
      cluster: {
        server,
        ...(tlsServerName === undefined ? {} : { "tls-server-name": tlsServerName }),
        ...(insecure ? { "insecure-skip-tls-verify": true } : {}),
        ...(ca === undefined ? {} : { "certificate-authority-data": Buffer.from(ca).toString("base64") }),
        ...(extension?.extension === undefined ? {} : { config: extension.extension }),
      },
    };
  }
  const namespace = text(context, "namespace", `context "${contextName}"`) ?? "default";
  return {
    context: contextName,
    namespace,
    server,
    tls: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert, key }),
      ...(insecure ? { insecureSkipTlsVerify: true } : {}),
      ...(tlsServerName === undefined ? {} : { tlsServerName }),
    },
    credential,
  };
}
