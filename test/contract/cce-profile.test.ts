/**
 * The opt-in `cce` profile of the mock and the proxy (docs/decisions/0010-cce-json-patch-profile.md):
 * with `--profile cce` JSON Patch keeps to the add and replace operations CCE's page documents. A mock
 * started with it answers another operation with the apiserver's 422 for an operation it cannot apply,
 * naming the reason in `sl-violations`; a blocking proxy started with it refuses the request without
 * forwarding it (its upstream here: the shared default-profile mock, which would accept it).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningMock, type RunningProxy, startMock, startProxy } from "../support/mock-process.js";

const POD_PATH = "/api/v1/namespaces/default/pods/hello-world";
const remove = JSON.stringify([{ op: "remove", path: "/metadata/labels/app" }]);
const add = JSON.stringify([{ op: "add", path: "/metadata/labels/app", value: "web" }]);

let mock: RunningMock;
let proxy: RunningProxy;

beforeAll(async () => {
  [mock, proxy] = await Promise.all([
    startMock({ profile: "cce" }),
    startProxy({ upstream: inject("mockUrl"), args: ["--profile", "cce", "--errors"] }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([mock?.stop(), proxy?.stop()]);
  expect(codes, "exit codes after SIGTERM").toEqual([0, 0]);
  expect(mock.stderr(), "the mock logged an internal failure").toBe("");
});

async function patch(url: string, body: string): Promise<{ status: number; violations: string; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${POD_PATH}`, {
    method: "PATCH",
    headers: { "X-Auth-Token": "cce-profile-test", "Content-Type": "application/json-patch+json" },
    body: new TextEncoder().encode(body),
  });
  return {
    status: response.status,
    violations: response.headers.get("sl-violations") ?? "",
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("--profile cce", () => {
  it("the mock answers add with the Pod and remove with the apiserver's 422, CCE's subset named in sl-violations", async () => {
    expect((await patch(mock.url, add)).status).toBe(200);
    const refused = await patch(mock.url, remove);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      reason: "Invalid",
      message: "the server rejected our request due to an error in our request",
      details: {},
    });
    expect(refused.violations).toContain('"location":["request","body","0","op"]');
  });

  it("the blocking proxy refuses remove without forwarding it, and forwards add", async () => {
    const refused = await patch(proxy.url, remove);
    expect(refused.status).toBe(422);
    expect(refused.violations).toContain('"location":["request","body","0","op"]');
    expect((await patch(proxy.url, add)).status).toBe(200);
  });

  it("the default profile accepts remove, as the apiserver does", async () => {
    expect((await patch(inject("mockUrl"), remove)).status).toBe(200);
  });
});
