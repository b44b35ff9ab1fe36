/**
 * The mock compiles Prism's validators before it announces its port (tools/servers/warm-validators.ts): an
 * in-process mock is started with ajv's compile counted (Prism compiles each schema on first use), then a
 * request of every kind the mock validates — a GET of the Pod and of a missing one, a patch of each media
 * type, the contract's refusal, the engine's refusals (422, 409), an example answer forced with `Prefer`,
 * the discovery documents — must compile nothing more.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { startMockServer } from "../../tools/servers/mock-server.js";

const POD = "/api/v1/namespaces/default/pods/hello-world";
const TOKEN = { "x-auth-token": "warm-test" };

// ajv as Prism loads it (its validators compile through AjvCore.prototype.compile).
const prismRequire = createRequire(
  createRequire(import.meta.url).resolve("@stoplight/prism-http/dist/validator/validators/utils.js"),
);
const ajvCore = prismRequire("ajv/dist/core.js") as { default: { prototype: { compile: (...args: unknown[]) => unknown } } };

let compiled = 0;
const compile = ajvCore.default.prototype.compile;
let server: Awaited<ReturnType<typeof startMockServer>>;
let compiledAtStart = 0;

beforeAll(async () => {
  ajvCore.default.prototype.compile = function (this: unknown, ...args: unknown[]) {
    compiled += 1;
    return compile.apply(this, args);
  };
  server = await startMockServer({ specPath: `${generatedDir}/openapi.json`, port: 0 });
  compiledAtStart = compiled;
});
afterAll(async () => {
  ajvCore.default.prototype.compile = compile;
  await server?.close();
});

async function ask(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<number> {
  const answer = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...TOKEN, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  await answer.arrayBuffer();
  return answer.status;
}

it("compiles every schema at start-up, and none for the requests after it", async () => {
  expect(compiledAtStart, "ajv's compile is counted").toBeGreaterThan(0);
  const statuses = [
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
  expect(statuses).toEqual([200, 404, 200, 200, 200, 200, 409, 422, 422, 429, 200, 200, 200, 200]);
  expect(compiled - compiledAtStart, "schemas compiled after start-up").toBe(0);
});
