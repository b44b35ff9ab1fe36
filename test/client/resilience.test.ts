// The client when the server is slow, busy, gone or broken (test/support/scripted-server.ts): the per-attempt
// timeout, the retries of what the apiserver refuses before touching the object (429; 503 with Retry-After;
// a refused connection) and of nothing else, Retry-After in each of its forms, the caller's AbortSignal, and
// the NoAnswerError of every request that got no HTTP answer — never a raw TypeError, never a token.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createPodPatchClient,
  NoAnswerError,
  type PatchPodRequest,
  type Pod,
  type PodPatchClientOptions,
} from "../../src/index.js";
import { refusedBaseUrl, type ScriptedServer, type Step, startScriptedServer } from "../support/scripted-server.js";

const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", namespace: "default" } };
const podReply: Step = { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(pod) };
const token = "tok-resilience-7d1e-secret";
const request: PatchPodRequest = {
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
};

const statusBody = (code: number, reason: string, retryAfterSeconds?: number): string =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `${reason} from the test server`,
    reason,
    code,
    ...(retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds } }),
  });
const json = { "Content-Type": "application/json" };

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer();
});

afterAll(() => server.close());

function client(options: Partial<PodPatchClientOptions> = {}) {
  return createPodPatchClient({ baseUrl: server.baseUrl, credentials: { bearerToken: token }, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${inspect(value)}`);
    },
    (error: unknown) => error,
  );
}

function expectNoSecret(error: unknown): void {
  expect(inspect(error, { depth: null, showHidden: true })).not.toContain(token);
  expect(JSON.stringify(error)).not.toContain(token);
}

describe("retried: what the apiserver refused before touching the Pod", () => {
  const retried: [string, Step][] = [
    [
      "429 with Retry-After: 0",
      { status: 429, headers: { ...json, "Retry-After": "0" }, body: statusBody(429, "TooManyRequests") },
    ],
    [
      "429 with Retry-After as a past HTTP date",
      { status: 429, headers: { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" }, body: "busy" },
    ],
    [
      "429 with Status details.retryAfterSeconds 0 and no header",
      { status: 429, headers: json, body: statusBody(429, "TooManyRequests", 0) },
    ],
    [
      "503 with Retry-After: 0 and an HTML body",
      { status: 503, headers: { "Content-Type": "text/html", "Retry-After": "0" }, body: "<h1>down</h1>" },
    ],
    ["503 with Retry-After: 0 and no body", { status: 503, headers: { "Retry-After": "0" } }],
    [
      "503 with Status details.retryAfterSeconds 0",
      { status: 503, headers: json, body: statusBody(503, "ServiceUnavailable", 0) },
    ],
  ];
  test.each(retried)("%s, then the Pod", async (_name, refusal) => {
    server.script([refusal, refusal, podReply]);
    const result = await client().patchPod(request);
    expect(result).toMatchObject({ data: pod, status: 200 });
    expect(server.requests).toHaveLength(3);
    // The same request each time: method, URL, body and credential.
    expect(
      new Set(
        server.requests.map(({ method, url, body, headers }) => JSON.stringify([method, url, body, headers.authorization])),
      ),
    ).toHaveProperty("size", 1);
  });

  test("Retry-After in seconds is waited for", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "1" }, body: "slow down" }, podReply]);
    const started = Date.now();
    const result = await client().patchPod(request);
    expect(result.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  test("429 without any Retry-After backs off 250 ms, then 500 ms", async () => {
    server.script([{ status: 429, body: "busy" }, { status: 429, body: "busy" }, podReply]);
    const started = Date.now();
    expect((await client().patchPod(request)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(740);
    expect(server.requests).toHaveLength(3);
  });

  test("retries are bounded by maxRetries; the last answer is the result", async () => {
    server.script([{ status: 429, headers: { ...json, "Retry-After": "0" }, body: statusBody(429, "TooManyRequests") }]);
    const result = await client({ maxRetries: 2 }).patchPod(request);
    expect(result).toMatchObject({ status: 429, error: { code: 429, reason: "TooManyRequests" } });
    expect(server.requests).toHaveLength(3);
  });

  test("maxRetries 0 sends once", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "0" }, body: "busy" }]);
    expect((await client({ maxRetries: 0 }).patchPod(request)).status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  test("a Retry-After longer than maxRetryDelayMs is not waited for: its answer is the result", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "3600" }, body: "come back in an hour" }, podReply]);
    const started = Date.now();
    const result = await client({ maxRetryDelayMs: 5_000 }).patchPod(request);
    expect(result).toMatchObject({ status: 429, error: { message: "come back in an hour" } });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  test("readPod is retried by the same rules", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "0" }, body: "busy" }, podReply]);
    expect(await client().readPod({ namespace: "default", name: "hello-world" })).toMatchObject({ data: pod, status: 200 });
    expect(server.requests.map(({ method }) => method)).toEqual(["GET", "GET"]);
  });

  test("a refused connection is retried with back-off, then reported as a NoAnswerError that was never applied", async () => {
    const refusing = createPodPatchClient({
      baseUrl: await refusedBaseUrl(),
      credentials: { bearerToken: token },
      maxRetries: 2,
    });
    const started = Date.now();
    const error = await rejection(refusing.patchPod(request));
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "ConnectionRefused", code: "ECONNREFUSED", mayHaveBeenApplied: false, attempts: 3 });
    expect((error as Error).message).toMatch(
      /^no answer from http:\/\/127\.0\.0\.1:\d+: ConnectionRefused \(ECONNREFUSED\): .*\(3 attempts\)$/,
    );
    // 250 ms, then 500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(740);
    expectNoSecret(error);
  });
});

describe("never retried: the request may have been applied, or the server refused it for good", () => {
  const answered: [string, Step, number][] = [
    ["503 without Retry-After", { status: 503, body: "unavailable" }, 503],
    ["500 with Retry-After", { status: 500, headers: { "Retry-After": "0" }, body: statusBody(500, "InternalError") }, 500],
    ["504 with Retry-After", { status: 504, headers: { "Retry-After": "0" }, body: statusBody(504, "Timeout") }, 504],
    ["409 Conflict", { status: 409, headers: json, body: statusBody(409, "Conflict") }, 409],
    ["401 with static credentials", { status: 401, headers: json, body: statusBody(401, "Unauthorized") }, 401],
  ];
  test.each(answered)("%s: one request, its Status is the result", async (_name, step, code) => {
    server.script([step, podReply]);
    const result = await client().patchPod(request);
    expect(result).toMatchObject({ status: code, error: { kind: "Status", code } });
    expect(server.requests).toHaveLength(1);
  });

  test("a silent server: NoAnswerError Timeout after timeoutMs, sent once, may have been applied", async () => {
    server.script([{ silent: true }, podReply]);
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 300 }).patchPod(request));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "Timeout", mayHaveBeenApplied: true, attempts: 1 });
    expect((error as Error).message).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+: Timeout: none within 300 ms$/);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(1);
    expectNoSecret(error);
  });

  test("the timeout is per attempt: a retried request gets a fresh one", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "0" }, body: "busy" }, { silent: true }]);
    const error = await rejection(client({ timeoutMs: 300 }).patchPod(request));
    expect(error).toMatchObject({ reason: "Timeout", attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  test("a connection dropped after the request arrived: ConnectionLost, may have been applied, not retried", async () => {
    server.script([{ drop: true }, podReply]);
    const error = await rejection(client().patchPod(request));
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "ConnectionLost", code: "ECONNRESET", mayHaveBeenApplied: true, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  test("bytes that are not HTTP: InvalidAnswer, not retried", async () => {
    server.script([{ raw: "SSH-2.0-OpenSSH_9.6\r\n" }, podReply]);
    const error = await rejection(client().patchPod(request));
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "InvalidAnswer", mayHaveBeenApplied: true });
    expect(server.requests).toHaveLength(1);
  });

  test("an answer larger than 64 MiB: InvalidAnswer, not buffered", async () => {
    server.script([{ status: 200, headers: json, body: Buffer.alloc(64 * 1024 * 1024 + 1, 0x20) }]);
    const error = await rejection(client().patchPod(request));
    expect(error).toMatchObject({ reason: "InvalidAnswer", code: "ANSWER_TOO_LARGE" });
  });
});

describe("the caller's AbortSignal", () => {
  test("aborting while the server is silent rejects with the signal's reason at once", async () => {
    server.script([{ silent: true }]);
    const controller = new AbortController();
    const pending = rejection(client().patchPod({ ...request, signal: controller.signal }));
    await expect.poll(() => server.requests.length).toBe(1);
    const reason = new Error("user pressed Ctrl-C");
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  test("aborting during the wait before a retry stops the retries", async () => {
    server.script([{ status: 429, headers: { "Retry-After": "20" }, body: "busy" }, podReply]);
    const started = Date.now();
    const error = await rejection(client().patchPod({ ...request, signal: AbortSignal.timeout(200) }));
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  test("an already aborted signal sends nothing", async () => {
    server.script([podReply]);
    await expect(client().patchPod({ ...request, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("with a custom fetch, failures are classified from the error's cause", () => {
  const fetchFailing = (code: string, message: string) => async (): Promise<Response> => {
    throw new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
  };

  test("a refused connection is retried and reported as never applied", async () => {
    let calls = 0;
    const failing = fetchFailing("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:5443");
    const error = await rejection(
      client({
        maxRetries: 1,
        fetch: () => {
          calls += 1;
          return failing();
        },
      }).patchPod(request),
    );
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "ConnectionRefused", mayHaveBeenApplied: false, attempts: 2 });
    expect(calls).toBe(2);
  });

  test("a certificate error is a TlsFailure", async () => {
    const error = await rejection(
      client({ fetch: fetchFailing("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate") }).patchPod(request),
    );
    expect(error).toMatchObject({ reason: "TlsFailure", code: "DEPTH_ZERO_SELF_SIGNED_CERT", mayHaveBeenApplied: false });
  });

  test("an unknown failure may have been applied and is not retried; its message is scrubbed of the token", async () => {
    let calls = 0;
    const error = await rejection(
      client({
        fetch: async () => {
          calls += 1;
          throw new Error(`proxy refused header Authorization: Bearer ${token} for http://admin:hunter2@proxy:3128/`);
        },
      }).patchPod(request),
    );
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "NetworkError", mayHaveBeenApplied: true });
    expect((error as Error).message).toContain("[redacted]");
    expect((error as Error).message).not.toContain("hunter2");
    expect(calls).toBe(1);
    expectNoSecret(error);
  });

  test("the timeout also bounds a custom fetch (through the Request's signal)", async () => {
    server.script([{ silent: true }]);
    const error = await rejection(client({ timeoutMs: 200, fetch: (request) => fetch(request) }).patchPod(request));
    expect(error).toMatchObject({ reason: "Timeout", mayHaveBeenApplied: true });
  });
});

describe("options of the resilience rules are checked when the client is created", () => {
  test.each([
    ["timeoutMs", { timeoutMs: 0 }],
    ["timeoutMs", { timeoutMs: 1.5 }],
    ["maxRetries", { maxRetries: -1 }],
    ["maxRetryDelayMs", { maxRetryDelayMs: Number.NaN }],
  ])("%s %o", (option, given) => {
    expect(() => client(given)).toThrow(expect.objectContaining({ name: "InvalidOptionError", option }));
  });
});
