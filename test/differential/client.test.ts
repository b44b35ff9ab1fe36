// The client against the real v1.35.4 apiserver (the differential project's control plane,
// test/differential/support/live-apiserver.ts), reached as a user reaches a cluster: from a kubeconfig.
// Every patch media type, readPod, the server's own Status for 401, 404 and 422, dryRun, and each way of
// trusting and authenticating (CA data, a token file, an exec plugin, insecure-skip-tls-verify; no CA is a
// TLS failure that was never applied). The client's claims are checked against what the server did (a GET of
// the Pod through the harness, not through the client). Live only: without the Go-built binaries it is
// skipped with the reason in its name, and fails instead under POD_PATCH_FORBID_SKIPS=1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { createPodPatchClientFromKubeconfig, jsonPatch, NoAnswerError, type Pod } from "../../src/index.js";
import { kubeconfigYaml } from "../../tools/support/kubeconfig.js";
import { describeNeeding } from "../support/skips.js";
import { missingApiserverBinaries } from "./support/mode.js";
import { ask, createPod, ensureNamespace, type Json } from "./support/server.js";

const server = inject("apiserver");
const missing = missingApiserverBinaries();
const why =
  server !== null
    ? undefined
    : missing.length > 0
      ? `the real apiserver's binaries are not built (${missing.join(", ")}): npm run apiserver -- --build-only`
      : "APISERVER_LIVE=off";

const NAMESPACE = "client-kubeconfig";
const NAME = "client-target";
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: NAME, labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.26" }], restartPolicy: "Always" },
};

describeNeeding("the client against the real apiserver, from a kubeconfig", why, () => {
  const live = server!;
  let dir: string;
  /** The kubeconfig a user would be handed: server, CA data, token, namespace. */
  let kubeconfig: string;
  const text = () =>
    kubeconfigYaml({ name: "real", server: live.url, caCert: live.caCert, token: live.token, namespace: NAMESPACE });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "client-differential-"));
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, text(), { mode: 0o600 });
    await ensureNamespace(live, NAMESPACE);
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The Pod as the server holds it, read by the harness. */
  async function stored(): Promise<Pod> {
    const answer = await ask(live, { method: "GET", path: `/api/v1/namespaces/${NAMESPACE}/pods/${NAME}` });
    expect(answer.status).toBe(200);
    return answer.body as Pod;
  }

  /** A kubeconfig like the user's with the user replaced. */
  function withUser(name: string, user: Record<string, unknown>, cluster?: Record<string, unknown>): string {
    const document = parse(text());
    document.users[0].user = user;
    if (cluster !== undefined) document.clusters[0].cluster = { server: live.url, ...cluster };
    const path = join(dir, name);
    writeFileSync(path, stringify(document), { mode: 0o600 });
    return path;
  }

  it("patches with every media type, each answer the Pod the server stored", async () => {
    await createPod(live, NAMESPACE, pod as unknown as { [key: string]: Json });
    const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
    expect(client.namespace).toBe(NAMESPACE);
    const target = { namespace: client.namespace, name: NAME };

    const json = await client.patchPod({
      ...target,
      contentType: "application/json-patch+json",
      body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
    });
    expect(json.error, JSON.stringify(json.error)).toBeUndefined();
    expect(json.data?.spec?.containers[0]?.image).toBe("nginx:1.27");

    const merge = await client.patchPod({
      ...target,
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { tier: "web" } } },
    });
    expect(merge.data?.metadata?.labels).toEqual({ app: "web", tier: "web" });

    const strategic = await client.patchPod({
      ...target,
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } },
    });
    expect(strategic.data?.spec?.containers[0]?.image).toBe("nginx:1.28");

    const apply = await client.patchPod({
      ...target,
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", kind: "Pod", metadata: { name: NAME, labels: { owner: "deploy-bot" } } },
      query: { fieldManager: "deploy-bot" },
    });
    expect(apply.status, JSON.stringify(apply.error)).toBe(200);

    const now = await stored();
    expect(now.metadata?.labels).toEqual({ app: "web", tier: "web", owner: "deploy-bot" });
    expect(now.spec?.containers[0]?.image).toBe("nginx:1.28");
    const read = await client.readPod(target);
    expect(read.data?.metadata?.resourceVersion).toBe(now.metadata?.resourceVersion);
  });

  it("dryRun=All answers the patched Pod and stores nothing", async () => {
    const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
    const before = await stored();
    const result = await client.patchPod({
      namespace: NAMESPACE,
      name: NAME,
      contentType: "application/json-patch+json",
      body: jsonPatch().add("/metadata/labels/dry", "run").build(),
      query: { dryRun: ["All"] },
    });
    expect(result.data?.metadata?.labels?.dry).toBe("run");
    expect((await stored()).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it("the server's refusals are its own Status: 404, 422 with causes, 401 — none retried", async () => {
    const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
    const missingPod = await client.readPod({ namespace: NAMESPACE, name: "no-such-pod" });
    expect(missingPod).toMatchObject({ status: 404, error: { kind: "Status", code: 404, reason: "NotFound" } });

    const forbidden = await client.patchPod({
      namespace: NAMESPACE,
      name: NAME,
      contentType: "application/merge-patch+json",
      body: { spec: { restartPolicy: "Never" } },
    });
    expect(forbidden).toMatchObject({
      status: 422,
      error: { code: 422, reason: "Invalid", details: { name: NAME, kind: "Pod" } },
    });
    expect(forbidden.error?.details?.causes?.length).toBeGreaterThan(0);

    const stranger = await createPodPatchClientFromKubeconfig({ path: withUser("wrong-token", { token: "not-the-token" }) });
    expect(await stranger.readPod({ namespace: NAMESPACE, name: NAME })).toMatchObject({
      status: 401,
      error: { code: 401, reason: "Unauthorized" },
    });
  });

  it("a token file and an exec plugin authenticate like the token", async () => {
    writeFileSync(join(dir, "token"), `${live.token}\n`);
    const fromFile = await createPodPatchClientFromKubeconfig({ path: withUser("token-file", { tokenFile: "token" }) });
    expect((await fromFile.readPod({ namespace: NAMESPACE, name: NAME })).status).toBe(200);

    // A plugin that hands out the server's token, as a cloud's login tool would.
    const script = join(dir, "login.mjs");
    const credential = { apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: live.token } };
    writeFileSync(script, `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});`);
    const exec = {
      apiVersion: "client.authentication.k8s.io/v1",
      command: process.execPath,
      args: [script],
      interactiveMode: "Never",
    };
    const fromPlugin = await createPodPatchClientFromKubeconfig({ path: withUser("exec", { exec }) });
    expect((await fromPlugin.readPod({ namespace: NAMESPACE, name: NAME })).status).toBe(200);
  });

  it("without the CA: a TLS failure that was never applied; insecure-skip-tls-verify: through, with a warning", async () => {
    const untrusted = await createPodPatchClientFromKubeconfig({ path: withUser("no-ca", { token: live.token }, {}) });
    const error: unknown = await untrusted.readPod({ namespace: NAMESPACE, name: NAME }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "TlsFailure", mayHaveBeenApplied: false, attempts: 1 });

    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }): void => {
      warnings.push(warning.code ?? "");
    };
    process.on("warning", onWarning);
    try {
      const insecure = await createPodPatchClientFromKubeconfig({
        path: withUser("insecure", { token: live.token }, { "insecure-skip-tls-verify": true }),
      });
      expect((await insecure.readPod({ namespace: NAMESPACE, name: NAME })).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual(["POD_PATCH_INSECURE_TLS"]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
