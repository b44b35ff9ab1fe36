/**
 * Kubeconfig fixtures for the client's tests, written at test time into a temporary folder: `writeKubeconfig`
 * (one cluster, one user, one context by default, any field overridable, YAML as kubectl reads it) and
 * `writeExecPlugin`, an exec credential plugin — a node script — that logs each run (the KUBERNETES_EXEC_INFO
 * it got and its environment variable PLUGIN_MARK) to a file and answers, by its first argument, with a
 * token, a client certificate, nothing usable, or a failure. The log lets a test count runs.
 * `readMockKubeconfig` reads back what the TLS mock's `--kubeconfig` wrote: its CA and its token.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export interface KubeconfigParts {
  server: string;
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  namespace?: string;
  /** Extra top-level fields or replacements (clusters, users, contexts, current-context). */
  extra?: Record<string, unknown>;
}

/** Writes a kubeconfig with a cluster `c`, a user `u` and a current context `ctx` joining them. */
export function writeKubeconfig(path: string, parts: KubeconfigParts): string {
  const document = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: parts.server, ...parts.cluster } }],
    users: [{ name: "u", user: { ...parts.user } }],
    contexts: [
      {
        name: "ctx",
        context: { cluster: "c", user: "u", ...(parts.namespace === undefined ? {} : { namespace: parts.namespace }) },
      },
    ],
    "current-context": "ctx",
    ...parts.extra,
  };
  writeFileSync(path, stringify(document), { mode: 0o600 });
  return path;
}

/** The CA certificate (PEM) and the token of the first cluster and user of a kubeconfig the mock wrote. */
export function readMockKubeconfig(path: string): { ca: string; token: string } {
  const config = parse(readFileSync(path, "utf8")) as {
    clusters: { cluster: Record<string, string> }[];
    users: { user: Record<string, string> }[];
  };
  return {
    ca: Buffer.from(config.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString("utf8"),
    token: config.users[0]?.user.token ?? "",
  };
}

export const base64 = (text: string): string => Buffer.from(text).toString("base64");

export interface ExecPlugin {
  /** `command` and `args` for a kubeconfig's exec section, answering as `mode` says. */
  exec(
    mode: "token" | "cert" | "token-and-cert" | "expired-token" | "garbage" | "wrong-version" | "fail",
    apiVersion?: string,
  ): Record<string, unknown>;
  /** Every run so far: the ExecCredential it was given in KUBERNETES_EXEC_INFO and PLUGIN_MARK. */
  runs(): Array<{ info: { apiVersion: string; kind: string; spec: Record<string, unknown> }; mark: string | null }>;
}

/**
 * Writes the plugin into `dir`. Its token is `exec-token-<run number>`; its certificate is `cert`/`key` when
 * given (for modes "cert" and "token-and-cert").
 */
export function writeExecPlugin(dir: string, identity?: { cert: string; key: string }): ExecPlugin {
  const script = join(dir, "plugin.mjs");
  const log = join(dir, "plugin.log");
  writeFileSync(log, "");
  writeFileSync(
    script,
    `import { appendFileSync, readFileSync } from "node:fs";
const [mode, apiVersion] = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ info: JSON.parse(process.env.KUBERNETES_EXEC_INFO), mark: process.env.PLUGIN_MARK ?? null }) + "\\n");
const run = readFileSync(${JSON.stringify(log)}, "utf8").trim().split("\\n").length;
const identity = ${JSON.stringify(identity ?? null)};
if (mode === "fail") { process.stderr.write("plugin: login required\\n"); process.exit(3); }
if (mode === "garbage") { process.stdout.write("<html>login</html>"); process.exit(0); }
const status =
  mode === "cert" ? { clientCertificateData: identity.cert, clientKeyData: identity.key }
  : mode === "token-and-cert" ? { token: "exec-token-" + run, clientCertificateData: identity.cert, clientKeyData: identity.key }
  : mode === "expired-token" ? { token: "exec-token-" + run, expirationTimestamp: "2001-01-01T00:00:00Z" }
  : { token: "exec-token-" + run, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() };
const version = mode === "wrong-version" ? "client.authentication.k8s.io/v1beta1" : apiVersion;
process.stdout.write(JSON.stringify({ apiVersion: version, kind: "ExecCredential", status }));
`,
  );
  chmodSync(script, 0o755);
  return {
    exec: (mode, apiVersion = "client.authentication.k8s.io/v1") => ({
      apiVersion,
      command: process.execPath,
      args: [script, mode, apiVersion],
      interactiveMode: "Never",
    }),
    runs: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line)),
  };
}
