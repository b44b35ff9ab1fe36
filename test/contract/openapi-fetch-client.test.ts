/**
 * The openapi-fetch entry (`pod-patch-contract/openapi-fetch`, src/client/openapi-fetch-client.ts) against
 * the project's real TLS mock (`npm run mock -- --tls --kubeconfig F`): with the options a user takes from the
 * kubeconfig the mock writes (its CA and token; bearer token and CCE's X-Auth-Token), and from that kubeconfig
 * itself. A PATCH of each media type and the GET come back as openapi-fetch's `data` (a Pod); a 404, a 422 and
 * a 401 as its `error`, the mock's Kubernetes Status; no answer as NoAnswerError, never retried. The mock is
 * stopped by PID and must exit 0 without writing to stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPodPatchFetchClient,
  createPodPatchFetchClientFromKubeconfig,
  NoAnswerError,
  type PodPatchFetchClient,
  type PodPatchFetchClientOptions,
} from "../../src/openapi-fetch.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { type RunningMock, startMock } from "../support/mock-process.js";
import { readMockKubeconfig } from "../support/kubeconfig-files.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8"));
/** The Pod the mock's examples are about. */
const target = spec.components.examples.PodWebRunning.value.metadata as { name: string; namespace: string };
const podPath = "/api/v1/namespaces/{namespace}/pods/{name}";

let dir: string;
let mock: RunningMock;
let kubeconfig: string;
/** What the mock's kubeconfig says: its CA and its token. */
let ca: string;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openapi-fetch-contract-"));
  kubeconfig = join(dir, "mock.kubeconfig");
  mock = await startMock({ tls: true, kubeconfig });
  ({ ca, token } = readMockKubeconfig(kubeconfig));
}, 90_000);

afterAll(async () => {
  if (mock !== undefined) {
    expect(await mock.stop(), "mock exit code after SIGTERM").toBe(0);
    expect(mock.stderr(), "mock stderr").toBe("");
  }
  rmSync(dir, { recursive: true, force: true });
});

const client = (options: Partial<PodPatchFetchClientOptions> = {}): PodPatchFetchClient =>
  createPodPatchFetchClient({ baseUrl: mock.url, ca, credentials: { bearerToken: token }, ...options });

/** One PATCH of each media type, as openapi-fetch takes it: the media type in the Content-Type header. */
const patches = {
  "JSON Patch": (c: PodPatchFetchClient) =>
    c.PATCH(podPath, {
      params: { path: target },
      headers: { "Content-Type": "application/json-patch+json" },
      body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
    }),
  "merge patch": (c: PodPatchFetchClient) =>
    c.PATCH(podPath, {
      params: { path: target },
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { metadata: { labels: { tier: "web" } } },
    }),
  "strategic merge patch": (c: PodPatchFetchClient) =>
    c.PATCH(podPath, {
      params: { path: target },
      headers: { "Content-Type": "application/strategic-merge-patch+json" },
      body: { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
    }),
  "apply patch": (c: PodPatchFetchClient) =>
    c.PATCH(podPath, {
      params: { path: target, query: { fieldManager: "deploy-bot" } },
      headers: { "Content-Type": "application/apply-patch+yaml" },
      body: { apiVersion: "v1", kind: "Pod", metadata: { name: target.name, labels: { tier: "web" } } },
    }),
};

describe("options from the mock's kubeconfig (ca, token)", () => {
  it.each(Object.entries(patches))("%s: 200 and the Pod as `data`", async (_name, patch) => {
    const { data, error, response } = await patch(client());
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ kind: "Pod", metadata: { name: target.name } });
  });

  it("GET: 200 and the Pod", async () => {
    const { data, response } = await client().GET(podPath, { params: { path: target } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ kind: "Pod", metadata: { name: target.name, namespace: target.namespace } });
  });

  it("CCE's gateway route: the token as X-Auth-Token", async () => {
    const { data, error } = await patches["merge patch"](client({ credentials: { xAuthToken: token } }));
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(data?.kind).toBe("Pod");
  });

  it("a Pod that does not exist: `error` is the mock's 404 Status", async () => {
    const { data, error, response } = await client().PATCH(podPath, {
      params: { path: { namespace: target.namespace, name: "no-such-pod" } },
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { metadata: { labels: { tier: "web" } } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ kind: "Status", status: "Failure", code: 404, reason: "NotFound" });
  });

  it("a body the contract refuses: `error` is the mock's 422 Status naming the field", async () => {
    const { error, response } = await client().PATCH(podPath, {
      params: { path: target },
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { spec: { activeDeadlineSeconds: 0 } },
    });
    expect(response.status).toBe(422);
    expect(error).toMatchObject({ kind: "Status", code: 422, reason: "Invalid" });
    expect(JSON.stringify(error?.details?.causes)).toContain("activeDeadlineSeconds");
  });

  it("no credentials: `error` is the mock's 401 Status", async () => {
    const { error } = await patches["merge patch"](client({ credentials: undefined }));
    expect(error).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
  });

  it("without the mock's CA: NoAnswerError (TlsFailure), never applied, not retried", async () => {
    const error: unknown = await patches["merge patch"](client({ ca: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "TlsFailure", mayHaveBeenApplied: false, attempts: 1 });
    expect(String((error as Error).message)).not.toContain(token);
  });
});

describe("createPodPatchFetchClientFromKubeconfig", () => {
  it.each(Object.entries(patches))("the mock's kubeconfig as written, %s: 200", async (_name, patch) => {
    const fromKubeconfig = await createPodPatchFetchClientFromKubeconfig({ path: kubeconfig });
    expect(fromKubeconfig.namespace).toBe("default");
    const { data, error } = await patch(fromKubeconfig);
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(data?.kind).toBe("Pod");
  });

  it("GET in the context's namespace", async () => {
    const fromKubeconfig = await createPodPatchFetchClientFromKubeconfig({ path: kubeconfig });
    const { data } = await fromKubeconfig.GET(podPath, {
      params: { path: { namespace: fromKubeconfig.namespace, name: target.name } },
    });
    expect(data?.metadata?.name).toBe(target.name);
  });
});
