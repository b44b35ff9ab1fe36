/**
 * createPodPatchClientFromKubeconfig against the project's real TLS mock, as a user would point it at a
 * cluster: `npm run mock -- --tls --kubeconfig F` and the kubeconfig it writes, used as it is (its CA, its
 * token), for every patch media type and for the GET; then a mock that demands mutual TLS (`--client-ca`),
 * with that kubeconfig plus a client certificate; then the same kubeconfig with the token replaced by an exec
 * credential plugin. Each mock is stopped by PID and must exit 0 without writing to stderr.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { createPodPatchClientFromKubeconfig, jsonPatch, NoAnswerError, type PatchPodRequest, type Pod } from "../../src/index.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { generateClientIdentity } from "../../tools/servers/tls.js";
import { base64, writeExecPlugin } from "../support/kubeconfig-files.js";
import { type RunningMock, startMock, startTogether } from "../support/mock-process.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8"));
/** The Pod the mock's examples are about. */
const target = spec.components.examples.PodWebRunning.value.metadata as { name: string; namespace: string };

const requests: Array<[string, PatchPodRequest]> = [
  [
    "JSON Patch",
    {
      ...target,
      contentType: "application/json-patch+json",
      body: jsonPatch().replace("/spec/containers/0/image", "nginx:1.27").build(),
    },
  ],
  ["merge patch", { ...target, contentType: "application/merge-patch+json", body: { metadata: { labels: { tier: "web" } } } }],
  [
    "strategic merge patch",
    {
      ...target,
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
    },
  ],
  [
    "apply patch",
    {
      ...target,
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", kind: "Pod", metadata: { name: target.name, labels: { tier: "web" } } },
      query: { fieldManager: "deploy-bot" },
    },
  ],
];

let dir: string;
let mock: RunningMock;
let mutualMock: RunningMock;
let clientIdentity: { caCert: string; cert: string; key: string };
/** The kubeconfigs the two mocks wrote, as they wrote them. */
let kubeconfig: string;
let mutualKubeconfig: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kubeconfig-contract-"));
  clientIdentity = await generateClientIdentity("deploy-bot");
  writeFileSync(join(dir, "client-ca.pem"), clientIdentity.caCert);
  kubeconfig = join(dir, "mock.kubeconfig");
  mutualKubeconfig = join(dir, "mutual.kubeconfig");
  [mock, mutualMock] = await startTogether(
    startMock({ tls: true, kubeconfig }),
    startMock({ tls: true, kubeconfig: mutualKubeconfig, clientCa: join(dir, "client-ca.pem") }),
  );
}, 90_000);

afterAll(async () => {
  for (const running of [mock, mutualMock]) {
    if (running === undefined) continue;
    expect(await running.stop(), "mock exit code after SIGTERM").toBe(0);
    expect(running.stderr(), "mock stderr").toBe("");
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of a mock's kubeconfig whose only user is changed by `edit`. */
function withUser(source: string, name: string, edit: (user: Record<string, unknown>) => Record<string, unknown>): string {
  const config = parseYaml(readFileSync(source, "utf8"));
  config.users[0].user = edit(config.users[0].user);
  const path = join(dir, name);
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

describe("the TLS mock's own kubeconfig, as written", () => {
  it.each(requests)("%s: 200 and a Pod", async (_name, request) => {
    const client = await createPodPatchClientFromKubeconfig({ path: kubeconfig });
    expect(client.namespace).toBe("default");
    const result = await client.patchPod(request);
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    expect(result.status).toBe(200);
    expect((result.data as Pod).kind).toBe("Pod");
  });

  it("readPod: 200 and the Pod", async () => {
    const result = await (await createPodPatchClientFromKubeconfig({ path: kubeconfig })).readPod(target);
    expect(result).toMatchObject({ status: 200, data: { kind: "Pod", metadata: { name: target.name } } });
  });

  it("a missing token is the mock's 401 Status, not retried", async () => {
    const path = withUser(kubeconfig, "no-token", () => ({}));
    const result = await (await createPodPatchClientFromKubeconfig({ path })).patchPod(requests[1]![1]);
    expect(result).toMatchObject({ status: 401, error: { kind: "Status", code: 401, reason: "Unauthorized" } });
  });
});

describe("mutual TLS (mock with --client-ca)", () => {
  it("its kubeconfig plus a client certificate: 200", async () => {
    const path = withUser(mutualKubeconfig, "with-cert", (user) => ({
      ...user,
      "client-certificate-data": base64(clientIdentity.cert),
      "client-key-data": base64(clientIdentity.key),
    }));
    const result = await (await createPodPatchClientFromKubeconfig({ path })).patchPod(requests[1]![1]);
    expect(result.status, JSON.stringify(result.error)).toBe(200);
  });

  it("without the client certificate: no answer, not retried", async () => {
    const error: unknown = await (await createPodPatchClientFromKubeconfig({ path: mutualKubeconfig }))
      .patchPod(requests[1]![1])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(["TlsFailure", "ConnectionLost"]).toContain((error as NoAnswerError).reason);
  });
});

describe("exec credential plugin", () => {
  it("the mock's kubeconfig with the token replaced by a plugin: 200, the plugin run once for two requests", async () => {
    const plugin = writeExecPlugin(dir);
    const path = withUser(kubeconfig, "exec", () => ({ exec: plugin.exec("token") }));
    const client = await createPodPatchClientFromKubeconfig({ path });
    for (const [, request] of requests.slice(0, 2)) expect((await client.patchPod(request)).status).toBe(200);
    expect(plugin.runs()).toHaveLength(1);
  });
});
