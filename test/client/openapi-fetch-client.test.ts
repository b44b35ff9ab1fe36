// The openapi-fetch entry (src/client/openapi-fetch-client.ts) against a scripted server
// (test/support/scripted-server.ts): the request openapi-fetch builds goes out with the credential added
// last (never seen by middleware), the high-level client's option and path parameter checks, every non-2xx answer as a
// Kubernetes Status in `error` (HTML, plain text, an empty body), no retries, no answer as NoAnswerError, the
// caller's signal, requests outside `baseUrl` refused, a caller's `fetch`, a kubeconfig token file reread after
// a 401 — and that the high-level client's module graph does not contain openapi-fetch at all.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  createPodPatchFetchClient,
  createPodPatchFetchClientFromKubeconfig,
  InvalidOptionError,
  InvalidPathParameterError,
  NoAnswerError,
  type PodPatchFetchClient,
  type PodPatchFetchClientOptions,
} from "../../src/openapi-fetch.js";
import { projectRoot } from "../../tools/pipeline/common.js";
import { writeKubeconfig } from "../support/kubeconfig-files.js";
import { pod, podReply, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

const token = "tok-fetch-secret-5b1e";
const podPath = "/api/v1/namespaces/{namespace}/pods/{name}";
const path = { namespace: "default", name: "hello-world" };

let server: ScriptedServer;
let elsewhere: ScriptedServer;
let dir: string;

beforeAll(async () => {
  [server, elsewhere] = await Promise.all([startScriptedServer(), startScriptedServer()]);
  dir = mkdtempSync(join(tmpdir(), "openapi-fetch-client-"));
});

afterAll(async () => {
  await Promise.all([server?.close(), elsewhere?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  server.script([podReply]);
  elsewhere.script([podReply]);
});

const client = (options: Partial<PodPatchFetchClientOptions> = {}): PodPatchFetchClient =>
  createPodPatchFetchClient({ baseUrl: `${server.baseUrl}/prefix`, credentials: { bearerToken: token }, ...options });

const mergePatch = (c: PodPatchFetchClient, init: { signal?: AbortSignal; baseUrl?: string; middleware?: Middleware[] } = {}) =>
  c.PATCH(podPath, {
    params: { path, query: { dryRun: ["All"], fieldManager: "deploy-bot" } },
    headers: { "Content-Type": "application/merge-patch+json", Authorization: "Bearer the-callers" },
    body: { metadata: { labels: { app: "web" } } },
    ...init,
  });

describe("the request", () => {
  test("openapi-fetch's URL, query, Content-Type and body; Accept and the credential from the entry", async () => {
    const { data } = await mergePatch(client());
    expect(data).toEqual(pod);
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent).toMatchObject({
      method: "PATCH",
      url: "/prefix/api/v1/namespaces/default/pods/hello-world?dryRun=All&fieldManager=deploy-bot",
      body: '{"metadata":{"labels":{"app":"web"}}}',
    });
    // The entry's credential replaces what the caller's headers said under that name.
    expect(sent?.headers).toMatchObject({
      accept: "application/json",
      "content-type": "application/merge-patch+json",
      authorization: `Bearer ${token}`,
    });
  });

  test("X-Auth-Token for CCE's gateway route; the caller's headers for every request", async () => {
    await client({ credentials: { xAuthToken: token }, headers: { "User-Agent": "deploy-bot/1" } }).GET(podPath, {
      params: { path },
    });
    expect(server.requests[0]?.headers).toMatchObject({ "x-auth-token": token, "user-agent": "deploy-bot/1" });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  test("middleware sees the request without the credential; the server gets it", async () => {
    const seen: Array<string | null> = [];
    const c = client();
    c.use({
      onRequest: ({ request }) => void seen.push(request.headers.get("x-auth-token") ?? request.headers.get("authorization")),
    });
    await c.GET(podPath, { params: { path } });
    expect(seen).toEqual([null]);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  test("a name or namespace the contract forbids: InvalidPathParameterError before anything is sent", async () => {
    const c = client();
    const patch = c.PATCH(podPath, {
      params: { path: { namespace: "default", name: ".." } },
      headers: { "Content-Type": "application/merge-patch+json" },
      body: {},
    });
    await expect(patch).rejects.toBeInstanceOf(InvalidPathParameterError);
    await expect(c.GET(podPath, { params: { path: { namespace: "Default", name: "web" } } })).rejects.toMatchObject({
      parameter: "namespace",
    });
    expect(server.requests).toEqual([]);
  });

  test("a per-request baseUrl elsewhere is refused before anything is sent", async () => {
    const error: unknown = await mergePatch(client(), { baseUrl: elsewhere.baseUrl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe("baseUrl");
    // A prefix that only starts like ours is elsewhere too.
    expect(await mergePatch(client(), { baseUrl: `${server.baseUrl}/prefix-other` }).catch((e: unknown) => e)).toBeInstanceOf(
      InvalidOptionError,
    );
    expect([...server.requests, ...elsewhere.requests]).toEqual([]);
  });

  test("a caller's fetch gets the Request with the credential; TLS options are refused with it", async () => {
    const requests: Request[] = [];
    const fetch = async (request: Request): Promise<Response> => {
      requests.push(request);
      return new Response(JSON.stringify(pod), { status: 200, headers: { "Content-Type": "application/json" } });
    };
    expect((await mergePatch(client({ fetch }))).data).toEqual(pod);
    expect(requests.map((request) => request.headers.get("authorization"))).toEqual([`Bearer ${token}`]);
    expect(() => client({ fetch, baseUrl: "https://127.0.0.1:6443", ca: "PEM" })).toThrow(InvalidOptionError);
  });

  test("openapi-fetch's per-request fetch replaces the entry's: no credential goes with it", async () => {
    const requests: Request[] = [];
    const fetch = async (request: Request): Promise<Response> => {
      requests.push(request);
      return new Response(JSON.stringify(pod), { status: 200, headers: { "Content-Type": "application/json" } });
    };
    await client().GET(podPath, { params: { path }, fetch });
    expect(requests.map((request) => [request.headers.get("authorization"), request.headers.get("accept")])).toEqual([
      [null, "application/json"],
    ]);
    expect(server.requests).toEqual([]);
  });
});

describe("the high-level client's option checks", () => {
  test.each([
    ["user information in baseUrl", { baseUrl: `http://admin:${token}@127.0.0.1:6443` }, "baseUrl"],
    ["a query in baseUrl", { baseUrl: `http://127.0.0.1:6443/?token=${token}` }, "baseUrl"],
    ["not http(s)", { baseUrl: "ftp://127.0.0.1" }, "baseUrl"],
    ["both tokens", { credentials: { bearerToken: token, xAuthToken: token } as never }, "credentials"],
    ["a token that is no header value", { credentials: { bearerToken: `${token}\n` } }, "credentials.bearerToken"],
    ["a timeout of 0", { timeoutMs: 0 }, "timeoutMs"],
    ["TLS options for http:", { ca: "PEM" }, "ca"],
  ] as const)("%s: InvalidOptionError, the value not shown", (_name, options, option) => {
    const error: unknown = (() => {
      try {
        client(options as Partial<PodPatchFetchClientOptions>);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect((error as Error).message).not.toContain(token);
  });
});

describe("answers", () => {
  test.each([
    [
      "HTML from a gateway",
      { status: 502, headers: { "Content-Type": "text/html" }, body: "<h1>Bad Gateway</h1>" },
      "<h1>Bad Gateway</h1>",
    ],
    [
      "the apiserver's plain-text 429",
      { status: 429, headers: { "Retry-After": "1" }, body: "Too many requests, please try again later.\n" },
      "Too many requests, please try again later.\n",
    ],
    ["an empty 404", { status: 404 }, "HTTP 404 Not Found (empty body)"],
  ])("%s: `error` is a Status built from the HTTP status, keeping the text; not retried", async (_name, reply, message) => {
    server.script([reply, podReply]);
    const { data, error, response } = await mergePatch(client());
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code: reply.status, message });
    expect(response.status).toBe(reply.status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(server.requests).toHaveLength(1);
  });

  test("the server's own Status comes as it was sent, headers and all; a 503 with Retry-After is not retried", async () => {
    const status = {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: 503,
      reason: "ServiceUnavailable",
      message: "later",
    };
    server.script([{ status: 503, headers: { "Retry-After": "1", "X-Mark": "m" }, body: JSON.stringify(status) }, podReply]);
    const { error, response } = await mergePatch(client());
    expect(error).toEqual(status);
    expect(response.headers.get("x-mark")).toBe("m");
    expect(server.requests).toHaveLength(1);
  });
});

test("a 2xx that is not JSON: openapi-fetch's SyntaxError, as docs/client.md says", async () => {
  server.script([{ status: 200, headers: { "Content-Type": "text/html" }, body: "<h1>OK</h1>" }]);
  await expect(mergePatch(client())).rejects.toBeInstanceOf(SyntaxError);
});

describe("no answer", () => {
  test("a silent server: NoAnswerError (Timeout) after timeoutMs, may have been applied, no token in the message", async () => {
    server.script([{ silent: true }]);
    const error: unknown = await mergePatch(client({ timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "Timeout", mayHaveBeenApplied: true, attempts: 1 });
    expect((error as Error).message).not.toContain(token);
  });

  test("a refused connection: NoAnswerError (ConnectionRefused), never applied, not retried", async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const error: unknown = await mergePatch(client({ baseUrl: closed.baseUrl })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "ConnectionRefused", mayHaveBeenApplied: false, attempts: 1 });
  });

  test("the caller's signal: rejects with its reason", async () => {
    server.script([{ silent: true }]);
    const controller = new AbortController();
    const reason = new Error("deploy cancelled");
    const pending = mergePatch(client(), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});

test("from a kubeconfig: its token file, reread and sent once more after a 401", async () => {
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, "old-token");
  const kubeconfig = writeKubeconfig(join(dir, "kubeconfig"), { server: server.baseUrl, user: { tokenFile }, namespace: "team" });
  const c = await createPodPatchFetchClientFromKubeconfig({ path: kubeconfig });
  expect([c.context, c.namespace]).toEqual(["ctx", "team"]);
  // Read at the first request and kept for a minute; the 401 makes the entry read it again.
  await c.GET(podPath, { params: { path } });
  writeFileSync(tokenFile, "new-token");
  server.script([{ status: 401, body: "" }, podReply]);
  expect((await mergePatch(c)).data).toEqual(pod);
  expect(server.requests.map(({ headers, body }) => [headers.authorization, body])).toEqual([
    ["Bearer old-token", '{"metadata":{"labels":{"app":"web"}}}'],
    ["Bearer new-token", '{"metadata":{"labels":{"app":"web"}}}'],
  ]);
});

test("the main entry point's module graph has no openapi-fetch; the openapi-fetch entry's has", async () => {
  const inputs = async (entry: string): Promise<string[]> => {
    const { metafile } = await build({
      entryPoints: [join(projectRoot, entry)],
      bundle: true,
      platform: "node",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    return Object.keys(metafile.inputs);
  };
  const openapiFetch = (paths: string[]) => paths.filter((input) => input.includes("node_modules/openapi-fetch/"));
  expect(openapiFetch(await inputs("src/index.ts"))).toEqual([]);
  expect(openapiFetch(await inputs("src/openapi-fetch.ts"))).not.toEqual([]);
});
