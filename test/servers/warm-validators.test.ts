/**
 * The mock and the proxy compile Prism's validators before they announce their port
 * (tools/servers/warm-validators.ts): each is started in this process with ajv's compile counted (Prism
 * compiles each schema on first use), then a request of every kind the mock validates — a GET of the Pod
 * and of a missing one, a patch of each media type, the contract's refusal, the engine's refusals (422, 409),
 * an example answer forced with `Prefer`, the discovery documents — sent to the mock, and through the proxy
 * to a mock of its own (the proxy validates the request and the answer), must compile nothing more.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { startMockServer } from "../../tools/servers/mock-server.js";
import { startProxyServer } from "../../tools/servers/proxy-server.js";

const POD = "/api/v1/namespaces/default/pods/hello-world";
const TOKEN = { "x-auth-token": "warm-test" };

// ajv as Prism loads it (its validators compile through AjvCore.prototype.compile).
const prismRequire = createRequire(
  createRequire(import.meta.url).resolve("@stoplight/prism-http/dist/validator/validators/utils.js"),
);
const ajvCore = prismRequire("ajv/dist/core.js") as { default: { prototype: { compile: (...args: unknown[]) => unknown } } };

let compiled = 0;
const compile = ajvCore.default.prototype.compile;
const specPath = `${generatedDir}/openapi.json`;

beforeAll(() => {
  ajvCore.default.prototype.compile = function (this: unknown, ...args: unknown[]) {
    compiled += 1;
    return compile.apply(this, args);
  };
});
afterAll(() => {
  ajvCore.default.prototype.compile = compile;
});

/** Sends a request of every kind the mock validates to `base` (the mock, or the proxy in front of a fresh one); resolves with the statuses. */
async function askEveryKind(base: string): Promise<number[]> {
  const ask = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<number> => {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { ...TOKEN, ...headers },
      ...(body === undefined ? {} : { body }),
    });
    await answer.arrayBuffer();
    return answer.status;
  };
  return [
    await ask("GET", POD),
    await ask("GET", "/api/v1/namespaces/default/pods/missing"),
    await ask("PATCH", POD, { "content-type": "application/merge-patch+json" }, '{"metadata":{"labels":{"warm":"merge"}}}'),
    await ask(
      "PATCH",
      POD,
      { "content-type": "application/strategic-merge-patch+json" },
      '{"metadata":{"labels":{"warm":"smp"}}}',
    ),
    await ask(
      "PATCH",
      POD,
      { "content-type": "application/json-patch+json" },
      '[{"op":"add","path":"/metadata/labels/json","value":"x"}]',
    ),
    await ask(
      "PATCH",
      `${POD}?fieldManager=warm`,
      { "content-type": "application/apply-patch+yaml" },
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n  labels:\n    applied: one\n",
    ),
    // The apply above owns the label now: another manager's different value conflicts.
    await ask(
      "PATCH",
      `${POD}?fieldManager=other`,
      { "content-type": "application/apply-patch+yaml" },
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello-world\n  labels:\n    applied: two\n",
    ),
    await ask(
      "PATCH",
      POD,
      { "content-type": "application/merge-patch+json" },
      '{"spec":{"containers":[{"name":"x","ports":[{"containerPort":1,"protocol":"BOGUS"}]}]}}',
    ),
    await ask(
      "PATCH",
      POD,
      { "content-type": "application/merge-patch+json" },
      '{"metadata":{"annotations":{"a":"'.concat("x".repeat(300_000), '"}}}'),
    ),
    await ask("PATCH", POD, { "content-type": "application/merge-patch+json", prefer: "code=429" }, "{}"),
    await ask("GET", "/version"),
    await ask("GET", "/api"),
    await ask("GET", "/apis"),
    await ask("GET", "/api/v1"),
  ];
}
const STATUSES = [200, 404, 200, 200, 200, 200, 409, 422, 422, 429, 200, 200, 200, 200];

describe("the mock", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  let compiledAtStart = 0;
  beforeAll(async () => {
    server = await startMockServer({ specPath, port: 0 });
    compiledAtStart = compiled;
  });
  afterAll(() => server?.close());

  it("compiles every schema at start-up, and none for the requests after it", async () => {
    expect(compiledAtStart, "ajv's compile is counted").toBeGreaterThan(0);
    expect(await askEveryKind(server.url)).toEqual(STATUSES);
    expect(compiled - compiledAtStart, "schemas compiled after start-up").toBe(0);
  });
});

describe("the proxy", () => {
  let upstream: Awaited<ReturnType<typeof startMockServer>>;
  let proxy: Awaited<ReturnType<typeof startProxyServer>>;
  let compiledByProxy = 0;
  let compiledAtStart = 0;
  beforeAll(async () => {
    upstream = await startMockServer({ specPath, port: 0 });
    // Its own copy of the spec's schemas (loaded again), so what it compiles is counted apart from the mock's.
    const before = compiled;
    proxy = await startProxyServer({
      specPath,
      port: 0,
      upstream: upstream.url,
      upstreamTls: {},
      errors: false,
      report: () => {},
    });
    compiledByProxy = compiled - before;
    compiledAtStart = compiled;
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it("compiles every schema at start-up, and none for the requests and answers it validates after it", async () => {
    expect(compiledByProxy, "schemas the proxy compiled at start-up").toBeGreaterThan(0);
    // Without --errors the proxy relays what the mock answers, the refusals included.
    expect(await askEveryKind(proxy.url)).toEqual(STATUSES);
    expect(compiled - compiledAtStart, "schemas compiled after start-up").toBe(0);
  });
});
