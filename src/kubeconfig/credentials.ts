// The credential sources of a kubeconfig user, as AuthSources of the client (src/client/pod-patch-client.ts):
// a token, a token file (reread after a minute, and after a 401, since kubelets and CSI drivers rotate them)
// and an exec credential plugin (client.authentication.k8s.io/v1 or v1beta1), run as client-go runs it
// (kubernetes v1.35.4 staging/src/k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go): the process's
// environment plus the plugin's `env`, `KUBERNETES_EXEC_INFO` holding an ExecCredential whose spec says the
// session is not interactive (and describes the cluster when `provideClusterInfo` is set), stdout parsed as
// an ExecCredential of the same apiVersion, stderr passed through to ours. Its token or client certificate
// is cached until `status.expirationTimestamp` (for ever without one) and fetched again after a 401; one run
// at a time. Errors: ExecCredentialError (the plugin cannot run, fails, or answers something unusable) and
// KubeconfigError (a token or token file that cannot be used), never with the credential in it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AuthSource, AuthState } from "../client/pod-patch-client.js";
import { type CredentialSpec, type ExecClusterInfo, type ExecConfig, KubeconfigError } from "./kubeconfig.js";

/** The plugin could not give a credential; `command` is the plugin's command (never its output). */
export class ExecCredentialError extends Error {
  override name = "ExecCredentialError";
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(`exec credential plugin ${command}: ${message}`);
  }
}

/** A plugin that has said nothing for this long is stopped (it may be waiting for a terminal it will never get). */
const execTimeoutMs = 60_000;
const maxOutputBytes = 1024 * 1024;
const tokenFileTtlMs = 60_000;

const visibleAscii = /^[\x21-\x7E]+$/;

function bearer(token: string, invalid: () => Error): AuthState {
  if (!visibleAscii.test(token)) throw invalid();
  return { headers: { Authorization: `Bearer ${token}` } };
}

/** The AuthSource for a resolved credential; `undefined` when the user has none (or only a client certificate). */
export function credentialSource(spec: CredentialSpec): AuthSource | undefined {
  switch (spec.kind) {
    case "none":
      return undefined;
    case "token": {
      const state = bearer(
        spec.token,
        () => new KubeconfigError("the user's token is not a valid header value (value not shown)"),
      );
      return { current: () => state, refresh: () => false };
    }
    case "tokenFile":
      return tokenFileSource(spec.path);
    case "exec":
      return execSource(spec.exec, spec.cluster);
  }
}

function tokenFileSource(path: string): AuthSource {
  let cached: { state: AuthState; readAt: number } | undefined;
  return {
    current() {
      if (cached === undefined || Date.now() - cached.readAt > tokenFileTtlMs) {
        let token: string;
        try {
          token = readFileSync(path, "utf8").trim();
        } catch (error) {
          throw new KubeconfigError(`cannot read the user's tokenFile: ${(error as Error).message}`, path);
        }
        cached = {
          state: bearer(token, () => new KubeconfigError("the token is not a valid header value (value not shown)", path)),
          readAt: Date.now(),
        };
      }
      return cached.state;
    },
    refresh() {
      cached = undefined;
      return true;
    },
  };
}

interface ExecCredential {
  apiVersion?: unknown;
  kind?: unknown;
  status?: { token?: unknown; clientCertificateData?: unknown; clientKeyData?: unknown; expirationTimestamp?: unknown };
}

function execSource(exec: ExecConfig, cluster: ExecClusterInfo): AuthSource {
  let cached: { state: AuthState; expiresAt: number } | undefined;
  let running: Promise<AuthState> | undefined;
  const fail = (message: string): ExecCredentialError => new ExecCredentialError(exec.command, message);

  function run(): Promise<AuthState> {
    if (exec.interactiveMode === "Always") {
      return Promise.reject(fail("interactiveMode is Always, but this client never gives the plugin a terminal"));
    }
    const info = {
      apiVersion: exec.apiVersion,
      kind: "ExecCredential",
      spec: { interactive: false, ...(exec.provideClusterInfo ? { cluster } : {}) },
    };
    const env = { ...process.env };
    for (const { name, value } of exec.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
    return new Promise<AuthState>((resolve, reject) => {
      const child = spawn(exec.command, exec.args, { env, stdio: ["ignore", "pipe", "inherit"] });
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(fail(`no answer within ${execTimeoutMs / 1000} s`));
      }, execTimeoutMs);
      child.stdout.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxOutputBytes) chunks.push(chunk);
      });
      child.on("error", (error: Error & { code?: string }) => {
        clearTimeout(timer);
        const hint = exec.installHint === undefined ? "" : `\n${exec.installHint}`;
        reject(fail(error.code === "ENOENT" ? `not found${hint}` : `cannot run: ${error.message}`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) {
          reject(fail(signal === null ? `exited with status ${code}` : `killed by ${signal}`));
          return;
        }
        if (size > maxOutputBytes) {
          reject(fail(`wrote more than ${maxOutputBytes} bytes`));
          return;
        }
        try {
          resolve(readCredential(Buffer.concat(chunks).toString("utf8")));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  function readCredential(stdout: string): AuthState {
    let credential: ExecCredential;
    try {
      credential = JSON.parse(stdout) as ExecCredential;
    } catch {
      throw fail("its output is not JSON (an ExecCredential was expected)");
    }
    if (typeof credential !== "object" || credential === null || credential.kind !== "ExecCredential") {
      throw fail("its output is not an ExecCredential");
    }
    if (credential.apiVersion !== exec.apiVersion) {
      throw fail(
        `it answered with apiVersion ${JSON.stringify(credential.apiVersion)}, the kubeconfig asks for ${exec.apiVersion}`,
      );
    }
    const { status } = credential;
    if (typeof status !== "object" || status === null) throw fail("its ExecCredential has no status");
    const { token, clientCertificateData: cert, clientKeyData: key, expirationTimestamp } = status;
    const given = (value: unknown): value is string => typeof value === "string" && value !== "";
    if (!given(token) && !given(cert) && !given(key))
      throw fail("its ExecCredential has neither a token nor a client certificate");
    if (given(cert) !== given(key)) throw fail("its ExecCredential has a client certificate or key, not both");
    let expiresAt = Number.POSITIVE_INFINITY;
    if (expirationTimestamp !== undefined && expirationTimestamp !== null) {
      expiresAt = typeof expirationTimestamp === "string" ? Date.parse(expirationTimestamp) : Number.NaN;
      if (Number.isNaN(expiresAt)) throw fail("its expirationTimestamp is not an RFC 3339 time");
    }
    const state: AuthState = given(token)
      ? bearer(token, () => fail("its token is not a valid header value (value not shown)"))
      : { headers: {} };
    if (given(cert) && given(key)) Object.assign(state, { cert, key });
    cached = { state, expiresAt };
    return state;
  }

  return {
    current() {
      if (cached !== undefined && Date.now() <= cached.expiresAt) return cached.state;
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    refresh() {
      cached = undefined;
      return true;
    },
  };
}
