/**
 * The mock under a hostile client: client mistakes get a 4xx Kubernetes Status (never a 500 or an
 * "internal failure" line on stderr), the apiserver's manners where the mock lacked them (bearer scheme in
 * any case, a byte order mark refused, YAML 1.1, plain HTTP on the TLS port, ::1), a Prefer code the
 * operation does not declare refused plainly, a Status bounded in size, and limits on slow and numerous
 * clients. Runs real mock processes (test/support/mock-process.ts), and for the limits an in-process mock
 * with short limits. The apiserver's own answers to the same requests are in test/differential/hostile.test.ts.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { MAX_STATUS_BYTES } from "../../tools/servers/send-status.js";
import { startMockServer } from "../../tools/servers/mock-server.js";
import { startMock, type RunningMock } from "../support/mock-process.js";
import { readMockKubeconfig } from "../support/kubeconfig-files.js";

const POD = "/api/v1/namespaces/default/pods/hello-world";
const TOKEN = { "x-auth-token": "hostile-test" };
const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const JSON_PATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { code?: number; reason?: string; message?: string; details?: { causes?: unknown[] } } & Record<string, unknown>;
}

/** One request through node's own client (no fetch normalization of odd headers or paths). */
function exchange(
  base: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string },
): Promise<Answer> {
  const url = new URL(options.path ?? POD, base);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      {
        hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port,
        // The path exactly as given: `%` and `%ff` must reach the server unchanged.
        path: options.path ?? POD,
        method: options.method ?? "GET",
        headers: { ...TOKEN, ...options.headers },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Answer["body"] = {};
          try {
            body = JSON.parse(text) as Answer["body"];
          } catch {
            body = {};
          }
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, body });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  const code = await mock.stop();
  expect(mock.stderr(), "the mock logged an internal failure").toBe("");
  expect(code).toBe(0);
});

describe("client mistakes are a 4xx Status, never a 500", () => {
  it.each([
    ["*", 406],
    [",", 406],
    ["application/*", 406],
    ["application/json;q=", 200],
    ["application/json;q=0", 200],
    ["*/*;q=1", 200],
  ])("Accept: %j → %i", async (accept, code) => {
    for (const method of ["GET", "PATCH"]) {
      const answer = await exchange(mock.url, {
        method,
        headers: { accept, "content-type": MERGE },
        ...(method === "PATCH" ? { body: "{}" } : {}),
      });
      expect(answer.status, answer.text).toBe(code);
      if (code === 406) {
        expect(answer.body).toMatchObject({
          reason: "NotAcceptable",
          message:
            "406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        });
      }
    }
  });

  it("%ff in the name is a byte, so no such Pod: 404", async () => {
    const answer = await exchange(mock.url, {
      method: "PATCH",
      path: "/api/v1/namespaces/default/pods/%ff",
      headers: { "content-type": MERGE },
      body: "{}",
    });
    expect(answer.status, answer.text).toBe(404);
    expect(answer.body).toMatchObject({ reason: "NotFound", details: { name: "\ufffd", kind: "pods" } });
  });

  it.each(["/api/v1/namespaces/default/pods/%", "/api/v1/namespaces/default/pods/%zz", "/api/v1/namespaces/%/pods/x"])(
    "an escape without two hex digits (%s) is a 400, as Go's server refuses the URL",
    async (path) => {
      const answer = await exchange(mock.url, { method: "PATCH", path, headers: { "content-type": MERGE }, body: "{}" });
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toMatchObject({ kind: "Status", reason: "BadRequest" });
      expect(answer.body.message).toMatch(/invalid URL escape "%/);
    },
  );

  it("Prefer: code=999 is a 400 saying the operation does not declare it, not a 404 that reads as a missing Pod", async () => {
    const answer = await exchange(mock.url, {
      method: "PATCH",
      headers: { "content-type": MERGE, prefer: "code=999" },
      body: "{}",
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^Prefer: code=999 is not an answer this operation declares; declared: 200, 201, /);
    const declared = await exchange(mock.url, {
      method: "PATCH",
      headers: { "content-type": MERGE, prefer: "code=409" },
      body: "{}",
    });
    expect(declared.status).toBe(409);
  });
});

describe("the apiserver's manners", () => {
  it.each([
    ["bearer x", 200],
    ["BEARER x", 200],
    ["Bearer x trailing", 200],
    ["Bearer  x", 401],
    ["Bearer", 401],
  ])(
    "Authorization: %j → %i (scheme compared without case, as the apiserver's authenticator does)",
    async (authorization, code) => {
      const answer = await exchange(mock.url, { headers: { "x-auth-token": "", authorization } });
      expect(answer.status, answer.text).toBe(code);
    },
  );

  it.each([
    [MERGE, "error decoding patch: invalid character 'ï' looking for beginning of value", "{}"],
    [JSON_PATCH, "error decoding patch: invalid character 'ï' looking for beginning of value", "[]"],
    [STRATEGIC, "invalid character 'ï' looking for beginning of value", "{}"],
  ])("a byte order mark before %s is refused as Go's JSON decoder refuses it", async (contentType, message, json) => {
    const answer = await exchange(mock.url, { method: "PATCH", headers: { "content-type": contentType }, body: `\ufeff${json}` });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ reason: "BadRequest", message });
  });

  it("a byte order mark before YAML is fine, as it is for go-yaml", async () => {
    const body = "\ufeffapiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n";
    const answer = await exchange(mock.url, {
      method: "PATCH",
      path: `${POD}?fieldManager=t`,
      headers: { "content-type": APPLY },
      body,
    });
    expect(answer.status, answer.text).toBe(200);
  });

  it("reads YAML as 1.1: `yes` is a boolean and 0777 is 511, so neither is a valid label or annotation value", async () => {
    const body =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n  labels:\n    app: yes\n  annotations:\n    mode: 0777\n";
    const answer = await exchange(mock.url, {
      method: "PATCH",
      path: `${POD}?fieldManager=t`,
      headers: { "content-type": APPLY },
      body,
    });
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
    expect(answer.body.message).toMatch(/\.metadata\.labels\.app: expected string, got true/);
    expect(answer.body.message).toMatch(/\.metadata\.annotations\.mode: expected string, got 511/);
  });

  it("refuses the 2 MB body that aliases a million-item list 99 times, in the apiserver's words", async () => {
    const items = Array(1_000_000).fill("0").join(",");
    const aliases = Array.from({ length: 99 }, (_, index) => `  a${index}: *x`).join("\n");
    const body = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n  annotations:\n    big: &x [${items}]\nx:\n${aliases}\n`;
    const answer = await exchange(mock.url, {
      method: "PATCH",
      path: `${POD}?fieldManager=t`,
      headers: { "content-type": APPLY },
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      "error decoding YAML: error converting YAML to JSON: yaml: document contains excessive aliasing",
    );
  });

  it("refuses the alias bomb on the store's own endpoint (/mock/pods) too, without expanding it", async () => {
    const items = Array(1_000_000).fill("0").join(",");
    const aliases = Array.from({ length: 99 }, (_, index) => `  a${index}: *x`).join("\n");
    const body = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n    big: &x [${items}]\nx:\n${aliases}\n`;
    const started = performance.now();
    const answer = await exchange(mock.url, {
      method: "POST",
      path: "/mock/pods",
      headers: { "content-type": "application/yaml" },
      body,
    });
    expect(answer.status, answer.text.slice(0, 300)).toBe(400);
    expect(answer.body.message).toMatch(/document contains excessive aliasing/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it(`keeps a Status within ${MAX_STATUS_BYTES} bytes however many causes it has`, async () => {
    // Each port has a protocol outside the enum: one cause per port, each repeated in the message.
    const ports = Array.from({ length: 20_000 }, (_, index) => ({ containerPort: 1 + (index % 60_000), protocol: "BOGUS" }));
    const body = JSON.stringify({ spec: { containers: [{ name: "hello-world", ports }] } });
    const answer = await exchange(mock.url, { method: "PATCH", headers: { "content-type": STRATEGIC }, body });
    expect(answer.status, answer.text.slice(0, 300)).toBe(422);
    expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(MAX_STATUS_BYTES + 1024);
    expect(answer.body.message).toMatch(/left out\]$/);
    expect(answer.body.details?.causes?.length).toBeGreaterThan(100);
  });
});

describe("the TLS mock", () => {
  let tlsMock: RunningMock;
  let ca: string;
  beforeAll(async () => {
    const { mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const kubeconfig = join(mkdtempSync(join(tmpdir(), "hostile-tls-")), "kubeconfig");
    tlsMock = await startMock({ tls: true, kubeconfig });
    ca = readMockKubeconfig(kubeconfig).ca;
  });
  afterAll(async () => {
    expect(await tlsMock.stop()).toBe(0);
    expect(tlsMock.stderr()).toBe("");
  });

  /** What a raw TCP client gets back for `bytes` before the server closes (or `waitMs` passes). */
  function raw(port: number, bytes: string, waitMs = 5_000): Promise<string> {
    return new Promise((resolve) => {
      const socket: Socket = connect(port, "127.0.0.1");
      let received = "";
      const timer = setTimeout(() => socket.destroy(), waitMs);
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(received);
      });
      socket.on("error", () => {});
      socket.write(bytes);
    });
  }

  it("answers plain HTTP with Go's 400, and closes on what Go does not take for HTTP", async () => {
    const port = Number(new URL(tlsMock.url).port);
    expect(await raw(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(
      "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
    );
    expect(await raw(port, "PATCH /api HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("");
  });

  it("listens on ::1 too, which its certificate names", async () => {
    const port = new URL(tlsMock.url).port;
    const answer = await exchange(`https://[::1]:${port}`, { ca });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe("limits on slow and numerous clients (an in-process mock with short limits)", () => {
  const limits = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxConnections: 8 };
  let server: Awaited<ReturnType<typeof startMockServer>>;
  let port: number;
  beforeAll(async () => {
    server = await startMockServer({ specPath: `${generatedDir}/openapi.json`, port: 0, limits });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.close());

  /** Opens a connection, writes `bytes` one at a time every `everyMs`, and resolves with when it was closed (ms). */
  function trickle(bytes: string, everyMs: number): Promise<number> {
    return new Promise((resolve) => {
      const started = performance.now();
      const socket = connect(port, "127.0.0.1");
      let index = 0;
      const timer = setInterval(() => {
        if (index < bytes.length) socket.write(bytes[index++] as string);
      }, everyMs);
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(timer);
        resolve(performance.now() - started);
      });
    });
  }

  it("closes a client that sends its headers a byte at a time once the header limit passes", async () => {
    const heldMs = await trickle(`GET ${POD} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nX-Slow: ${"a".repeat(200)}\r\n\r\n`, 100);
    expect(heldMs).toBeGreaterThan(limits.headersTimeoutMs * 0.9);
    expect(heldMs).toBeLessThan(limits.headersTimeoutMs + 3_000);
  });

  it("closes a client that trickles its body once the request limit passes", async () => {
    const head = `PATCH ${POD} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nContent-Type: ${MERGE}\r\nContent-Length: 1000\r\n\r\n`;
    const heldMs = await new Promise<number>((resolve) => {
      const started = performance.now();
      const socket = connect(port, "127.0.0.1", () => socket.write(head));
      const timer = setInterval(() => socket.write(" "), 100);
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(timer);
        resolve(performance.now() - started);
      });
    });
    expect(heldMs).toBeGreaterThan(limits.requestTimeoutMs * 0.9);
    expect(heldMs).toBeLessThan(limits.requestTimeoutMs + 3_000);
  });

  it(`closes connections beyond ${limits.maxConnections} at once, and serves again when they go`, async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: limits.maxConnections },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, "127.0.0.1", () => resolve(socket));
            socket.on("error", () => {});
          }),
      ),
    );
    // Give the server a moment to register them, then the next one is refused.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      socket.on("close", () => resolve(true));
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 3_000);
    });
    expect(refused).toBe(true);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answer = await exchange(server.url, {});
    expect(answer.status).toBe(200);
  });
});
