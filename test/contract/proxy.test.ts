/**
 * Contract tests of the validating proxy (`npm run proxy`, tools/servers/proxy.ts): real proxy processes
 * in front of small upstreams this file runs on 127.0.0.1 — plain HTTP, and HTTPS with a self-signed
 * CA that also demands a client certificate (mutual TLS). The upstream answers PATCH and GET with a
 * Pod that honours the contract under `/pods/honours` and with one that breaks it under
 * `/pods/breaks`, and records every request it gets (headers and body bytes).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { generateLoopbackCertificate } from "../../tools/servers/tls.js";
import { startProxy, type RunningProxy } from "../support/mock-process.js";
import { compileComponent, formatErrors, type Json } from "../support/pod-schema.js";

const spec = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8")) as Json;
const validateStatus = compileComponent(spec, "Status");
const goodPod = spec.components.examples.PodHelloWorld.value as Json;
const badPod = { ...goodPod, spec: { ...goodPod.spec, containers: "nginx" } };
const BAD_POD_FIELD = "spec.containers";

const HONOURS = "/api/v1/namespaces/default/pods/honours";
const BREAKS = "/api/v1/namespaces/default/pods/breaks";
const TOKEN = "proxy-test-token";
const MERGE_PATCH = "application/merge-patch+json";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Upstream {
  url: string;
  received: Received[];
  server: Server;
}

function answer(request: IncomingMessage, response: ServerResponse, received: Received[]): void {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      body: Buffer.concat(chunks),
    });
    const pod = request.url?.startsWith(BREAKS) ? badPod : goodPod;
    const body = JSON.stringify(pod);
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-upstream": "yes",
    });
    response.end(body);
  });
}

async function listen(server: Server, protocol: "http" | "https", received: Received[]): Promise<Upstream> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

function startHttpUpstream(): Promise<Upstream> {
  const received: Received[] = [];
  return listen(
    createHttpServer((request, response) => answer(request, response, received)),
    "http",
    received,
  );
}

/** HTTPS upstream with its own self-signed CA that accepts only clients presenting `clientCa`'s certificate. */
function startHttpsUpstream(identity: { key: string; cert: string }, clientCa: string): Promise<Upstream> {
  const received: Received[] = [];
  const server = createHttpsServer(
    { ...identity, ca: clientCa, requestCert: true, rejectUnauthorized: true },
    (request, response) => answer(request, response, received),
  );
  return listen(server, "https", received);
}

let dir: string;
let plain: Upstream;
let secure: Upstream;
let reporting: RunningProxy;
let blocking: RunningProxy;
let mutualTls: RunningProxy;
let unverified: RunningProxy;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "proxy-test-"));
  const serverIdentity = await generateLoopbackCertificate();
  const client = await generate([{ name: "commonName", value: "proxy-test-client" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  const files = { ca: join(dir, "ca.crt"), cert: join(dir, "client.crt"), key: join(dir, "client.key") };
  writeFileSync(files.ca, serverIdentity.cert);
  writeFileSync(files.cert, client.cert);
  writeFileSync(files.key, client.private);
  plain = await startHttpUpstream();
  secure = await startHttpsUpstream(serverIdentity, client.cert);
  [reporting, blocking, mutualTls, unverified] = await Promise.all([
    startProxy({ upstream: plain.url }),
    startProxy({ upstream: plain.url, args: ["--errors"] }),
    startProxy({
      upstream: secure.url,
      args: ["--upstream-ca", files.ca, "--upstream-cert", files.cert, "--upstream-key", files.key],
    }),
    startProxy({ upstream: secure.url, args: ["--upstream-cert", files.cert, "--upstream-key", files.key] }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([reporting, blocking, mutualTls, unverified].map((proxy) => proxy?.stop()));
  for (const upstream of [plain, secure]) {
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  }
  rmSync(dir, { recursive: true, force: true });
  expect(codes, "proxy exit codes after SIGTERM").toEqual([0, 0, 0, 0]);
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function patch(
  proxy: RunningProxy,
  path: string,
  init: { contentType?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { "X-Auth-Token": TOKEN, ...init.headers };
  if (init.contentType !== undefined || init.headers?.["Content-Type"] === undefined)
    headers["Content-Type"] = init.contentType ?? MERGE_PATCH;
  const response = await fetch(`${proxy.url}${path}`, {
    method: "PATCH",
    headers,
    body: new TextEncoder().encode(init.body ?? JSON.stringify({ metadata: { labels: { tier: "web" } } })),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Waits until the proxy's stderr has a line containing `needle` (lines are written before the answer, but arrive on another pipe). */
async function reportedLine(proxy: RunningProxy, needle: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const line = proxy
      .stderr()
      .split("\n")
      .find((candidate) => candidate.includes(needle));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no stderr line containing ${JSON.stringify(needle)}; stderr:\n${proxy.stderr()}`);
}

function violationLines(proxy: RunningProxy, path: string): string[] {
  return proxy
    .stderr()
    .split("\n")
    .filter((line) => line.startsWith("violation:") && line.includes(`${path} `));
}

function expectStatus(reply: Reply, code: number): Json {
  expect(reply.status, reply.text).toBe(code);
  const body = JSON.parse(reply.text) as Json;
  expect(validateStatus(body), formatErrors(validateStatus.errors)).toBe(true);
  expect(body).toMatchObject({ kind: "Status", status: "Failure", code });
  return body;
}

describe("reporting proxy (no --errors)", () => {
  it("reports nothing for an answer that honours the contract, and one line per violation for one that breaks it", async () => {
    const honours = await patch(reporting, HONOURS);
    expect(honours.status).toBe(200);
    expect(JSON.parse(honours.text)).toEqual(goodPod);
    expect(honours.headers.get("sl-violations")).toBeNull();

    const breaks = await patch(reporting, BREAKS);
    expect(breaks.status, "the broken answer still reaches the client").toBe(200);
    expect(breaks.text).toBe(JSON.stringify(badPod));
    expect(breaks.headers.get("x-upstream")).toBe("yes");
    expect(JSON.parse(breaks.headers.get("sl-violations") ?? "[]")).toEqual([
      expect.objectContaining({ location: ["response", "body", "spec", "containers"], severity: "Error", code: "type" }),
    ]);

    const line = await reportedLine(reporting, `${BREAKS} → 200`);
    expect(line).toMatch(/^violation: response PATCH \S+ → 200 at body\.spec\.containers \[type\] Error: .*must be array/);
    expect(violationLines(reporting, HONOURS)).toEqual([]);
  });

  it("reports a request that breaks the contract but still forwards it", async () => {
    const before = plain.received.length;
    const reply = await patch(reporting, `${HONOURS}-bad-request?pretty=yes`);
    expect(reply.status).toBe(200);
    expect(plain.received.length).toBe(before + 1);
    expect(await reportedLine(reporting, `${HONOURS}-bad-request at query.pretty [enum] Error:`)).toMatch(
      /^violation: request PATCH /,
    );
  });

  it.each<[label: string, contentType: string, body: string, query: string]>([
    [
      "JSON Patch",
      "application/json-patch+json",
      '[ {"op":"replace", "path":"/spec/containers/0/image", "value":"nginx:1.27"} ]',
      "",
    ],
    ["merge patch with charset", `${MERGE_PATCH}; charset=utf-8`, '{"metadata":{"labels":{"tier":null}}}\n', ""],
    [
      "strategic merge patch",
      "application/strategic-merge-patch+json",
      '{"spec":{"containers":[{"name":"hello-world","image":"nginx"}]}}',
      "",
    ],
    [
      "apply patch (YAML stays YAML)",
      "application/apply-patch+yaml",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: honours # kept\n",
      "?fieldManager=tests",
    ],
  ])("forwards the %s bytes, Content-Type and credentials untouched", async (label, contentType, body, query) => {
    const before = plain.received.length;
    const path = `${HONOURS}-${label.split(" ")[0]?.toLowerCase()}`;
    const reply = await patch(reporting, `${path}${query}`, {
      contentType,
      body,
      headers: { Authorization: "Bearer also-this-one" },
    });
    expect(reply.status).toBe(200);
    const received = plain.received[before];
    expect(received?.url).toBe(`${path}${query}`);
    expect(received?.body.toString("utf8")).toBe(body);
    expect(received?.headers).toMatchObject({
      "x-auth-token": TOKEN,
      authorization: "Bearer also-this-one",
      "content-type": contentType,
      host: new URL(plain.url).host,
    });
    expect(violationLines(reporting, path)).toEqual([]);
  });

  it("forwards GET (a supporting endpoint) and validates its answer", async () => {
    const response = await fetch(`${reporting.url}${BREAKS}`, { headers: { "X-Auth-Token": TOKEN } });
    expect(response.status).toBe(200);
    await response.text();
    expect(await reportedLine(reporting, `GET ${BREAKS} → 200 at body.spec.containers [type]`)).toMatch(/^violation: response /);
  });
});

describe("blocking proxy (--errors)", () => {
  it.each<[label: string, headers: Record<string, string>, contentType: string, body: string, code: number, needle: string]>([
    [
      "a JSON Patch path without /",
      {},
      "application/json-patch+json",
      '[{"op":"remove","path":"a"}]',
      422,
      "the server rejected our request",
    ],
    ["no credentials", { "X-Auth-Token": "" }, MERGE_PATCH, "{}", 401, "Unauthorized"],
    ["Content-Type application/json", {}, "application/json", "{}", 415, "415: Unsupported Media Type"],
    ["broken JSON", {}, MERGE_PATCH, '{"metadata": {', 400, "error decoding patch: unexpected end of JSON input"],
  ])("refuses a request with %s without reaching the upstream", async (_label, headers, contentType, body, code, needle) => {
    const before = plain.received.length;
    const cleaned = Object.fromEntries(Object.entries({ "X-Auth-Token": TOKEN, ...headers }).filter(([, value]) => value !== ""));
    const response = await fetch(`${blocking.url}${HONOURS}`, {
      method: "PATCH",
      headers: { ...cleaned, "Content-Type": contentType },
      body: new TextEncoder().encode(body),
    });
    const status = expectStatus({ status: response.status, headers: response.headers, text: await response.text() }, code);
    expect(JSON.stringify(status)).toContain(needle);
    expect(plain.received.length, "requests that reached the upstream").toBe(before);
  });

  it("replaces an answer that breaks the contract with a 502 Status naming the violation", async () => {
    const status = expectStatus(await patch(blocking, BREAKS), 502);
    expect(status.message).toContain(BAD_POD_FIELD);
    expect(status.details.causes).toEqual([expect.objectContaining({ field: BAD_POD_FIELD })]);
    expect(await reportedLine(blocking, `${BREAKS} → 200 at body.spec.containers`)).toMatch(/^violation: response /);
  });

  it("passes an answer that honours the contract", async () => {
    const reply = await patch(blocking, HONOURS);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual(goodPod);
  });
});

describe("https upstream", () => {
  it("trusts the CA given with --upstream-ca and presents the client certificate (mutual TLS)", async () => {
    const before = secure.received.length;
    const reply = await patch(mutualTls, HONOURS);
    expect(reply.status, reply.text).toBe(200);
    expect(JSON.parse(reply.text)).toEqual(goodPod);
    expect(secure.received[before]?.headers["x-auth-token"]).toBe(TOKEN);
  });

  it("reports violations of an https upstream too", async () => {
    await patch(mutualTls, BREAKS);
    expect(await reportedLine(mutualTls, `${BREAKS} → 200 at body.spec.containers [type]`)).toMatch(/^violation: response /);
  });

  it("refuses an upstream certificate it cannot verify (no --upstream-ca) with a 502 Status", async () => {
    const before = secure.received.length;
    const status = expectStatus(await patch(unverified, HONOURS), 502);
    expect(status.message).toMatch(/self[- ]signed certificate/);
    expect(secure.received.length).toBe(before);
  });
});
