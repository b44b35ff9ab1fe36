// createPodPatchClientFromKubeconfig against HTTPS stand-ins (test/support/scripted-server.ts), with
// kubeconfigs and an exec plugin written at test time (test/support/kubeconfig-files.ts): which file and
// context are read ($KUBECONFIG merged as kubectl merges it, ~/.kube/config), every way to trust the server
// and to authenticate (token, token file, client certificate as data or file, exec plugin with its cache and
// its KUBERNETES_EXEC_INFO, insecure-skip-tls-verify with a warning), and a clear error, without a secret
// in it, for each kubeconfig the client cannot honour.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  createPodPatchClientFromKubeconfig,
  ExecCredentialError,
  KubeconfigError,
  type PatchPodRequest,
} from "../../src/index.js";
import { generateClientIdentity, generateLoopbackCertificate } from "../../tools/servers/tls.js";
import { base64, writeExecPlugin, writeKubeconfig } from "../support/kubeconfig-files.js";
import { pod, podReply, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

const unauthorized = {
  status: 401,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ kind: "Status", code: 401, reason: "Unauthorized" }),
};
const request: PatchPodRequest = {
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
};
const token = "kubeconfig-token-5e2b-secret";

let dir: string;
let serverIdentity: { key: string; cert: string };
let clientIdentity: { caCert: string; cert: string; key: string };
let server: ScriptedServer;
let mutual: ScriptedServer;
const environment = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kubeconfig-test-"));
  [serverIdentity, clientIdentity] = await Promise.all([
    generateLoopbackCertificate(),
    generateClientIdentity("kubeconfig-user"),
  ]);
  server = await startScriptedServer(serverIdentity);
  mutual = await startScriptedServer({ ...serverIdentity, clientCa: clientIdentity.caCert });
});

afterEach(() => {
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterAll(async () => {
  await Promise.all([server?.close(), mutual?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh folder per test, so relative paths and logs never mix. */
function folder(): string {
  counter += 1;
  const path = join(dir, `case-${counter}`);
  mkdirSync(path);
  return path;
}

const trusted = () => ({ "certificate-authority-data": base64(serverIdentity.cert) });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("which kubeconfig and which context", () => {
  test("path, current-context, its namespace; token from the user", async () => {
    const path = writeKubeconfig(join(folder(), "config"), {
      server: server.baseUrl,
      cluster: trusted(),
      user: { token },
      namespace: "team-a",
    });
    server.script([podReply]);
    const client = await createPodPatchClientFromKubeconfig({ path });
    expect([client.context, client.namespace]).toEqual(["ctx", "team-a"]);
    expect(await client.patchPod(request)).toMatchObject({ status: 200, data: pod });
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual([`Bearer ${token}`]);
    expect(inspect(client, { depth: null, showHidden: true })).not.toContain(token);
  });

  test("`context` picks another context; a context without namespace means default", async () => {
    const path = writeKubeconfig(join(folder(), "config"), {
      server: "https://127.0.0.1:1",
      cluster: trusted(),
      extra: {
        clusters: [
          { name: "c", cluster: { server: "https://127.0.0.1:1" } },
          { name: "good", cluster: { server: server.baseUrl, ...trusted() } },
        ],
        users: [{ name: "u", user: { token } }],
        contexts: [
          { name: "ctx", context: { cluster: "c", user: "u" } },
          { name: "other", context: { cluster: "good", user: "u" } },
        ],
      },
    });
    server.script([podReply]);
    const client = await createPodPatchClientFromKubeconfig({ path, context: "other" });
    expect([client.context, client.namespace]).toEqual(["other", "default"]);
    expect((await client.patchPod(request)).status).toBe(200);
  });

  test("$KUBECONFIG: files merged in order, the first to define a name wins, missing files skipped", async () => {
    const here = folder();
    // The first file: the context and the cluster (its CA as a file, relative to this file's folder), a user `u` with the right token.
    writeFileSync(join(here, "ca.pem"), serverIdentity.cert);
    writeKubeconfig(join(here, "first"), {
      server: server.baseUrl,
      cluster: { "certificate-authority": "ca.pem" },
      user: { token },
      extra: { "current-context": "" },
    });
    // The second: the current-context, and a user `u` that must lose to the first file's.
    writeKubeconfig(join(here, "second"), { server: "https://127.0.0.1:1", user: { token: "loser-token" } });
    process.env.KUBECONFIG = [join(here, "missing"), join(here, "first"), "", join(here, "second")].join(":");
    server.script([podReply]);
    const client = await createPodPatchClientFromKubeconfig();
    expect((await client.patchPod(request)).status).toBe(200);
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual([`Bearer ${token}`]);
  });

  test("without path or $KUBECONFIG: ~/.kube/config", async () => {
    const home = folder();
    mkdirSync(join(home, ".kube"));
    writeKubeconfig(join(home, ".kube", "config"), { server: server.baseUrl, cluster: trusted(), user: { token } });
    delete process.env.KUBECONFIG;
    process.env.HOME = home;
    server.script([podReply]);
    expect((await (await createPodPatchClientFromKubeconfig()).patchPod(request)).status).toBe(200);
  });

  test.each<[string, () => Promise<unknown>, RegExp]>([
    ["a path that does not exist", () => createPodPatchClientFromKubeconfig({ path: join(dir, "nope") }), /nope: no such file/],
    [
      "$KUBECONFIG naming only missing files",
      () => {
        process.env.KUBECONFIG = `${join(dir, "a")}:${join(dir, "b")}`;
        return createPodPatchClientFromKubeconfig();
      },
      /none of the files in KUBECONFIG exists/,
    ],
    [
      "no ~/.kube/config",
      () => {
        delete process.env.KUBECONFIG;
        process.env.HOME = folder();
        return createPodPatchClientFromKubeconfig();
      },
      /no kubeconfig: give a path, set KUBECONFIG, or create ~\/.kube\/config/,
    ],
    [
      "a context that does not exist",
      () =>
        createPodPatchClientFromKubeconfig({
          path: writeKubeconfig(join(folder(), "c"), { server: server.baseUrl }),
          context: "prod",
        }),
      /no context named "prod"/,
    ],
    [
      "no current-context",
      () =>
        createPodPatchClientFromKubeconfig({
          path: writeKubeconfig(join(folder(), "c"), { server: server.baseUrl, extra: { "current-context": "" } }),
        }),
      /no context given and no current-context set/,
    ],
    [
      "a context naming a missing cluster",
      () =>
        createPodPatchClientFromKubeconfig({
          path: writeKubeconfig(join(folder(), "c"), {
            server: server.baseUrl,
            extra: { contexts: [{ name: "ctx", context: { cluster: "gone", user: "u" } }] },
          }),
        }),
      /context "ctx": no cluster named "gone"/,
    ],
    [
      "a cluster without server",
      () => createPodPatchClientFromKubeconfig({ path: writeKubeconfig(join(folder(), "c"), { server: "" }) }),
      /cluster "c" has no server/,
    ],
  ])("%s is a KubeconfigError", async (_name, create, message) => {
    const error = await refusal(create());
    expect(error).toBeInstanceOf(KubeconfigError);
    expect(error.message).toMatch(message);
  });
});

describe("trusting the server", () => {
  test("without a CA, the system's roots: the private CA is not trusted", async () => {
    const path = writeKubeconfig(join(folder(), "config"), { server: server.baseUrl, user: { token } });
    server.script([podReply]);
    const error = await refusal((await createPodPatchClientFromKubeconfig({ path })).patchPod(request));
    expect(error).toMatchObject({ name: "NoAnswerError", reason: "TlsFailure", mayHaveBeenApplied: false });
  });

  test("tls-server-name is the name checked", async () => {
    const path = writeKubeconfig(join(folder(), "config"), {
      server: server.baseUrl,
      cluster: { ...trusted(), "tls-server-name": "api.example.com" },
      user: { token },
    });
    const error = await refusal((await createPodPatchClientFromKubeconfig({ path })).patchPod(request));
    expect(error).toMatchObject({ reason: "TlsFailure", code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  test("insecure-skip-tls-verify: accepted, with a warning", async () => {
    const path = writeKubeconfig(join(folder(), "config"), {
      server: server.baseUrl,
      cluster: { "insecure-skip-tls-verify": true },
      user: { token },
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }): void => {
      warnings.push(warning.code ?? "");
    };
    process.on("warning", onWarning);
    try {
      server.script([podReply]);
      expect((await (await createPodPatchClientFromKubeconfig({ path })).patchPod(request)).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual(["POD_PATCH_INSECURE_TLS"]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("credentials", () => {
  test("tokenFile (relative to the kubeconfig), reread after a 401", async () => {
    const here = folder();
    writeFileSync(join(here, "token"), "first-token\n");
    const path = writeKubeconfig(join(here, "config"), {
      server: server.baseUrl,
      cluster: trusted(),
      user: { tokenFile: "token" },
    });
    const client = await createPodPatchClientFromKubeconfig({ path });
    server.script([podReply]);
    expect((await client.patchPod(request)).status).toBe(200);
    writeFileSync(join(here, "token"), "rotated-token\n");
    server.script([unauthorized, podReply]);
    expect((await client.patchPod(request)).status).toBe(200);
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual(["Bearer first-token", "Bearer rotated-token"]);
  });

  test.each([
    [
      "as data",
      () => ({ "client-certificate-data": base64(clientIdentity.cert), "client-key-data": base64(clientIdentity.key) }),
      false,
    ],
    ["as files", () => ({ "client-certificate": "client.crt", "client-key": "client.key" }), true],
  ])("client certificate %s: mutual TLS", async (_name, user, files) => {
    const here = folder();
    if (files) {
      writeFileSync(join(here, "client.crt"), clientIdentity.cert);
      writeFileSync(join(here, "client.key"), clientIdentity.key);
    }
    const path = writeKubeconfig(join(here, "config"), { server: mutual.baseUrl, cluster: trusted(), user: user() });
    mutual.script([podReply]);
    expect((await (await createPodPatchClientFromKubeconfig({ path })).patchPod(request)).status).toBe(200);
    expect(mutual.requests.map(({ clientCertificate, headers }) => [clientCertificate, headers.authorization])).toEqual([
      ["kubeconfig-user", undefined],
    ]);
  });

  test("exec plugin (v1): env and KUBERNETES_EXEC_INFO as client-go gives them, token cached until it expires", async () => {
    const here = folder();
    const plugin = writeExecPlugin(here);
    const path = writeKubeconfig(join(here, "config"), {
      server: server.baseUrl,
      cluster: { ...trusted(), extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "cce" } }] },
      user: {
        exec: { ...plugin.exec("token"), env: [{ name: "PLUGIN_MARK", value: "from-kubeconfig" }], provideClusterInfo: true },
      },
    });
    const client = await createPodPatchClientFromKubeconfig({ path });
    expect(plugin.runs()).toHaveLength(0);
    server.script([podReply]);
    await client.patchPod(request);
    await client.patchPod(request);
    await client.readPod({ namespace: "default", name: "hello-world" });
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual([
      "Bearer exec-token-1",
      "Bearer exec-token-1",
      "Bearer exec-token-1",
    ]);
    expect(plugin.runs()).toEqual([
      {
        mark: "from-kubeconfig",
        info: {
          apiVersion: "client.authentication.k8s.io/v1",
          kind: "ExecCredential",
          spec: {
            interactive: false,
            cluster: {
              server: server.baseUrl,
              "certificate-authority-data": base64(serverIdentity.cert),
              config: { audience: "cce" },
            },
          },
        },
      },
    ]);
  });

  test("exec plugin: an expired credential is fetched again; a 401 fetches a fresh one and retries once", async () => {
    const here = folder();
    const plugin = writeExecPlugin(here);
    const path = writeKubeconfig(join(here, "config"), {
      server: server.baseUrl,
      cluster: trusted(),
      user: { exec: plugin.exec("expired-token") },
    });
    const client = await createPodPatchClientFromKubeconfig({ path });
    server.script([podReply]);
    await client.patchPod(request);
    await client.patchPod(request);
    server.script([unauthorized, podReply]);
    expect((await client.patchPod(request)).status).toBe(200);
    server.script([unauthorized]);
    expect((await client.patchPod(request)).status).toBe(401);
    expect(plugin.runs().map(({ info }) => info.spec)).toEqual(Array(6).fill({ interactive: false }));
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual(["Bearer exec-token-5", "Bearer exec-token-6"]);
  });

  test("exec plugin (v1beta1) giving a client certificate: mutual TLS with it", async () => {
    const here = folder();
    const plugin = writeExecPlugin(here, clientIdentity);
    const exec = plugin.exec("cert", "client.authentication.k8s.io/v1beta1");
    const path = writeKubeconfig(join(here, "config"), { server: mutual.baseUrl, cluster: trusted(), user: { exec } });
    mutual.script([podReply]);
    expect((await (await createPodPatchClientFromKubeconfig({ path })).patchPod(request)).status).toBe(200);
    expect(mutual.requests.map(({ clientCertificate }) => clientCertificate)).toEqual(["kubeconfig-user"]);
  });

  test("exec command with a folder is relative to the kubeconfig; a token in the user wins over exec", async () => {
    const here = folder();
    const plugin = writeExecPlugin(here);
    const { args } = plugin.exec("token") as { args: string[] };
    mkdirSync(join(here, "bin"));
    writeFileSync(
      join(here, "bin", "login.sh"),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${args.map((arg) => JSON.stringify(arg)).join(" ")}\n`,
    );
    chmodSync(join(here, "bin", "login.sh"), 0o755);
    const exec = { apiVersion: "client.authentication.k8s.io/v1", command: "./bin/login.sh", interactiveMode: "IfAvailable" };
    const path = writeKubeconfig(join(here, "config"), { server: server.baseUrl, cluster: trusted(), user: { exec } });
    server.script([podReply]);
    await (await createPodPatchClientFromKubeconfig({ path })).patchPod(request);
    const both = writeKubeconfig(join(here, "both"), { server: server.baseUrl, cluster: trusted(), user: { exec, token } });
    await (await createPodPatchClientFromKubeconfig({ path: both })).patchPod(request);
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual(["Bearer exec-token-1", `Bearer ${token}`]);
    expect(plugin.runs()).toHaveLength(1);
  });

  test.each<[string, (plugin: ReturnType<typeof writeExecPlugin>) => Record<string, unknown>, RegExp]>([
    [
      "a command that does not exist, with its install hint",
      () => ({
        apiVersion: "client.authentication.k8s.io/v1",
        command: "no-such-login-tool",
        interactiveMode: "Never",
        installHint: "install it with: brew install no-such-login-tool",
      }),
      /no-such-login-tool: not found\ninstall it with: brew install/,
    ],
    ["a plugin that fails", (plugin) => plugin.exec("fail"), /exited with status 3/],
    ["an answer that is not JSON", (plugin) => plugin.exec("garbage"), /output is not JSON/],
    [
      "an answer of another apiVersion",
      (plugin) => plugin.exec("wrong-version"),
      /answered with apiVersion "client.authentication.k8s.io\/v1beta1", the kubeconfig asks for client.authentication.k8s.io\/v1/,
    ],
    ["interactiveMode Always", (plugin) => ({ ...plugin.exec("token"), interactiveMode: "Always" }), /interactiveMode is Always/],
  ])("exec: %s is an ExecCredentialError at the first request, nothing sent", async (_name, exec, message) => {
    const here = folder();
    const plugin = writeExecPlugin(here);
    const path = writeKubeconfig(join(here, "config"), {
      server: server.baseUrl,
      cluster: trusted(),
      user: { exec: exec(plugin) },
    });
    server.script([podReply]);
    const client = await createPodPatchClientFromKubeconfig({ path });
    const error = await refusal(client.patchPod(request));
    expect(error).toBeInstanceOf(ExecCredentialError);
    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe("kubeconfigs the client cannot honour are refused with the reason, never with a secret", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "an auth-provider",
      { user: { "auth-provider": { name: "oidc", config: { "id-token": token } } } },
      /auth-provider plugins are not supported/,
    ],
    [
      "basic authentication",
      { user: { username: "admin", password: token } },
      /basic authentication \(username\/password\) is not supported/,
    ],
    ["impersonation", { user: { token, as: "system:admin" } }, /impersonation \(as\) is not supported/],
    ["a proxy-url", { cluster: { "proxy-url": "http://proxy:3128" }, user: { token } }, /proxy-url is not supported/],
    [
      "a CA together with insecure-skip-tls-verify",
      { cluster: { "certificate-authority-data": base64("x"), "insecure-skip-tls-verify": true } },
      /together with insecure-skip-tls-verify is not allowed/,
    ],
    [
      "a certificate without its key",
      { user: { "client-certificate-data": base64("x") } },
      /client certificate and key go together/,
    ],
    [
      "a CA file that cannot be read",
      { cluster: { "certificate-authority": "missing-ca.pem" } },
      /cannot read certificate-authority .*missing-ca\.pem/,
    ],
    [
      "certificate-authority-data that is not base64",
      { cluster: { "certificate-authority-data": "not base64!" } },
      /certificate-authority-data is not base64/,
    ],
    [
      "exec v1 without interactiveMode",
      { user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "x" } } },
      /interactiveMode must be given/,
    ],
    [
      "exec of an unknown apiVersion",
      { user: { exec: { apiVersion: "client.authentication.k8s.io/v1alpha1", command: "x" } } },
      /exec apiVersion must be/,
    ],
    [
      "a server with user information",
      { server: `https://admin:${token}@127.0.0.1:6443` },
      /context "ctx": the cluster's server must be http\(s\):\/\/host\[:port\]\[\/path\], without user:password@/,
    ],
    ["a server with a query", { server: "https://127.0.0.1:6443/?token=x" }, /without user:password@, query or fragment/],
  ];
  test.each(cases)("%s", async (_name, parts, message) => {
    const path = writeKubeconfig(join(folder(), "config"), { server: server.baseUrl, ...parts } as Parameters<
      typeof writeKubeconfig
    >[1]);
    const error = await refusal(createPodPatchClientFromKubeconfig({ path }));
    expect(error).toBeInstanceOf(KubeconfigError);
    expect(error.message).toMatch(message);
    expect(inspect(error, { showHidden: true })).not.toContain(token);
  });

  test("a YAML error is reported by position, without the text around it", async () => {
    const path = join(folder(), "config");
    writeFileSync(path, `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${token}\n   bad: [\n`);
    const error = await refusal(createPodPatchClientFromKubeconfig({ path }));
    expect(error).toBeInstanceOf(KubeconfigError);
    expect(error.message).toMatch(/not valid YAML at line \d+, column \d+/);
    expect(inspect(error, { showHidden: true })).not.toContain(token);
  });
});
