// Unit tests for createPodPatchClient against a recording node:http server on 127.0.0.1 (test/support/
// scripted-server.ts): headers, body and query on the wire, readPod, the base URL's handling, path checks
// before any request, Status errors, and that the token never leaks. Timeouts, retries and the errors of
// requests without an answer are in resilience.test.ts; TLS in tls.test.ts.
import { inspect } from "node:util";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  createPodPatchClient,
  InvalidOptionError,
  InvalidPathParameterError,
  NoAnswerError,
  type PatchPodRequest,
  type Pod,
  type PodPatchClientOptions,
  type Status,
} from "../../src/index.js";
import type { paths } from "../../generated/openapi.js";
import { refusedBaseUrl, type ScriptedServer, type Step, startScriptedServer } from "../support/scripted-server.js";

type Reply = Extract<Step, { status: number }>;

const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", namespace: "default" } };
const podReply: Reply = { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(pod) };
const token = "tok-3f9a1c7e-secret-credential-value";

let server: ScriptedServer;
let baseUrl: string;
let requests: ScriptedServer["requests"];

beforeAll(async () => {
  server = await startScriptedServer();
  baseUrl = server.baseUrl;
  requests = server.requests;
});

afterAll(() => server.close());

beforeEach(() => server.script([podReply]));

const target = { namespace: "default", name: "hello-world" };
const mergeRequest: PatchPodRequest = {
  ...target,
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
};

describe("request on the wire", () => {
  const cases: [string, { given: PatchPodRequest; want: { contentType: string; search: string } }][] = [
    [
      "JSON Patch",
      {
        given: {
          ...target,
          contentType: "application/json-patch+json",
          body: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
        },
        want: { contentType: "application/json-patch+json", search: "" },
      },
    ],
    [
      "merge patch with dryRun=All",
      {
        given: { ...mergeRequest, query: { dryRun: ["All"] } },
        want: { contentType: "application/merge-patch+json", search: "?dryRun=All" },
      },
    ],
    [
      "strategic merge patch with fieldManager",
      {
        given: {
          ...target,
          contentType: "application/strategic-merge-patch+json",
          body: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
          query: { fieldManager: "deploy-bot" },
        },
        want: { contentType: "application/strategic-merge-patch+json", search: "?fieldManager=deploy-bot" },
      },
    ],
    [
      "apply patch with fieldManager and force",
      {
        given: {
          ...target,
          contentType: "application/apply-patch+yaml",
          body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", labels: { app: "web" } } },
          query: { fieldManager: "deploy bot/1", force: true },
        },
        want: { contentType: "application/apply-patch+yaml", search: "?fieldManager=deploy%20bot%2F1&force=true" },
      },
    ],
  ];

  test.each(cases)("%s", async (_name, { given, want }) => {
    const client = createPodPatchClient({ baseUrl, headers: { "Content-Type": "text/plain" } });
    const result = await client.patchPod(given);
    expect(requests).toHaveLength(1);
    const [seen] = requests;
    expect(seen?.method).toBe("PATCH");
    expect(seen?.url).toBe(`/api/v1/namespaces/default/pods/hello-world${want.search}`);
    expect(seen?.headers["content-type"]).toBe(want.contentType);
    expect(seen?.body).toBe(JSON.stringify(given.body));
    expect(result).toMatchObject({ data: pod, status: 200 });
    expect(result.error).toBeUndefined();
  });

  test("a path prefix in the base URL is kept", async () => {
    await createPodPatchClient({ baseUrl: `${baseUrl}/gateway/` }).patchPod({ ...mergeRequest, query: { pretty: "true" } });
    expect(requests.map(({ url }) => url)).toEqual(["/gateway/api/v1/namespaces/default/pods/hello-world?pretty=true"]);
  });

  test("201 from an apply that created the Pod is data", async () => {
    server.script([{ ...podReply, status: 201 }]);
    const result = await createPodPatchClient({ baseUrl }).patchPod({
      ...target,
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } },
      query: { fieldManager: "deploy-bot" },
    });
    expect(result).toMatchObject({ data: pod, status: 201 });
  });
});

describe("credentials and headers", () => {
  const cases: [
    string,
    { given: Pick<PodPatchClientOptions, "credentials" | "headers">; want: Record<string, string | undefined> },
  ][] = [
    [
      "xAuthToken → X-Auth-Token",
      { given: { credentials: { xAuthToken: token } }, want: { "x-auth-token": token, authorization: undefined } },
    ],
    [
      "bearerToken → Authorization: Bearer",
      { given: { credentials: { bearerToken: token } }, want: { authorization: `Bearer ${token}`, "x-auth-token": undefined } },
    ],
    ["no credentials → neither header", { given: {}, want: { authorization: undefined, "x-auth-token": undefined } }],
    ["default headers are sent", { given: { headers: { "X-Project-Id": "p-123" } }, want: { "x-project-id": "p-123" } }],
  ];

  test.each(cases)("%s", async (_name, { given, want }) => {
    await createPodPatchClient({ baseUrl, ...given }).patchPod(mergeRequest);
    expect(requests).toHaveLength(1);
    for (const [header, value] of Object.entries(want)) {
      expect(requests[0]?.headers[header], header).toBe(value);
    }
  });

  test("calls on one client each send their own media type with the credential", async () => {
    const client = createPodPatchClient({ baseUrl, credentials: { xAuthToken: token }, headers: { "X-Project-Id": "p-123" } });
    const jsonPatch: PatchPodRequest = {
      ...target,
      contentType: "application/json-patch+json",
      body: [{ op: "replace", path: "/metadata/labels/app", value: "api" }],
    };
    for (const given of [mergeRequest, jsonPatch, mergeRequest]) {
      await client.patchPod(given);
    }
    expect(requests.map(({ headers }) => [headers["content-type"], headers["x-auth-token"], headers["x-project-id"]])).toEqual([
      ["application/merge-patch+json", token, "p-123"],
      ["application/json-patch+json", token, "p-123"],
      ["application/merge-patch+json", token, "p-123"],
    ]);
  });

  test("a custom fetch is used for the request", async () => {
    const seen: Request[] = [];
    const client = createPodPatchClient({
      baseUrl,
      fetch: (request) => {
        seen.push(request);
        return fetch(request);
      },
    });
    await client.patchPod(mergeRequest);
    expect(seen.map((request) => request.method)).toEqual(["PATCH"]);
    expect(requests).toHaveLength(1);
  });

  test("the Request is the one openapi-fetch 0.17 built for the same call (URL, query, headers, body)", async () => {
    // The client built its requests with openapi-fetch until docs/decisions/0017-client-without-openapi-fetch.md;
    // what a custom fetch gets, and what goes on the wire, must not have changed.
    const shape = async (request: Request) => ({
      url: request.url,
      method: request.method,
      redirect: request.redirect,
      headers: [...request.headers],
      body: await request.text(),
    });
    const answer = () => new Response(JSON.stringify(pod), { status: 200 });
    const headers = { accept: "application/yaml", "content-type": "text/plain", "X-Project-Id": "p-123" };
    const credentialCases: PodPatchClientOptions["credentials"][] = [undefined, { xAuthToken: token }, { bearerToken: token }];
    const requests: PatchPodRequest[] = [
      { ...mergeRequest, query: { dryRun: ["All", "All"], pretty: "true", fieldValidation: "Strict" } },
      {
        ...target,
        contentType: "application/apply-patch+yaml",
        body: { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world" } },
        query: { fieldManager: "deploy bot/1 ü&=?#", force: false },
      },
      {
        ...target,
        contentType: "application/json-patch+json",
        body: [{ op: "test", path: "/metadata/name", value: "hello-world" }],
      },
      { ...target, contentType: "application/strategic-merge-patch+json", body: { metadata: { labels: { a: "b" } } } },
    ];
    for (const credentials of credentialCases) {
      for (const withHeaders of [undefined, headers]) {
        const seen: Request[] = [];
        const client = createPodPatchClient({
          baseUrl: `${baseUrl}/prefix/`,
          ...(credentials ? { credentials } : {}),
          ...(withHeaders ? { headers: withHeaders } : {}),
          fetch: async (request) => {
            seen.push(request);
            return answer();
          },
        });
        const reference = createClient<paths>({
          baseUrl: `${baseUrl}/prefix`,
          headers: { Accept: "application/json", ...withHeaders },
          fetch: async (request: Request) => {
            seen.push(request);
            return answer();
          },
        });
        const credential: Record<string, string> = !credentials
          ? {}
          : "xAuthToken" in credentials && credentials.xAuthToken
            ? { "X-Auth-Token": credentials.xAuthToken }
            : { Authorization: `Bearer ${token}` };
        for (const { namespace, name, contentType, body, query } of requests) {
          await client.patchPod({ namespace, name, contentType, body, query } as PatchPodRequest);
          await reference.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
            params: { path: { namespace, name }, query },
            body: body as never,
            headers: { ...credential, "Content-Type": contentType },
            parseAs: "text",
          });
        }
        await client.readPod({ ...target, query: { pretty: "false" } });
        await reference.GET("/api/v1/namespaces/{namespace}/pods/{name}", {
          params: { path: target, query: { pretty: "false" } },
          headers: credential,
          parseAs: "text",
        });
        expect(seen).toHaveLength(2 * (requests.length + 1));
        for (let index = 0; index < seen.length; index += 2) {
          expect(await shape(seen[index] as Request), `call ${index / 2}`).toEqual(await shape(seen[index + 1] as Request));
        }
      }
    }
  });

  test("a header value that cannot be sent is a NoAnswerError, not a raw TypeError, and nothing is sent", async () => {
    const client = createPodPatchClient({ baseUrl, headers: { "X-Note": "two\nlines" }, maxRetries: 0 });
    const error = await client.patchPod(mergeRequest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(requests).toHaveLength(0);
  });

  test("an aborted signal stops the request", async () => {
    const client = createPodPatchClient({ baseUrl });
    await expect(client.patchPod({ ...mergeRequest, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(requests).toHaveLength(0);
  });
});

describe("path parameters are checked before any request", () => {
  const cases: [string, { given: { namespace: string; name: string }; want: { parameter: string; shown: string } }][] = [
    ["name ..", { given: { namespace: "default", name: ".." }, want: { parameter: "name", shown: '".."' } }],
    ["name .", { given: { namespace: "default", name: "." }, want: { parameter: "name", shown: '"."' } }],
    ["name a/b", { given: { namespace: "default", name: "a/b" }, want: { parameter: "name", shown: '"a/b"' } }],
    ["empty name", { given: { namespace: "default", name: "" }, want: { parameter: "name", shown: '""' } }],
    ["upper-case name", { given: { namespace: "default", name: "Web" }, want: { parameter: "name", shown: '"Web"' } }],
    ["name ending in -", { given: { namespace: "default", name: "web-" }, want: { parameter: "name", shown: '"web-"' } }],
    [
      "name of 254 characters",
      { given: { namespace: "default", name: "a".repeat(254) }, want: { parameter: "name", shown: "(254 characters)" } },
    ],
    ["empty namespace", { given: { namespace: "", name: "web" }, want: { parameter: "namespace", shown: '""' } }],
    ["namespace with a dot", { given: { namespace: "a.b", name: "web" }, want: { parameter: "namespace", shown: '"a.b"' } }],
    ["namespace ..", { given: { namespace: "..", name: "web" }, want: { parameter: "namespace", shown: '".."' } }],
    [
      "namespace of 64 characters",
      { given: { namespace: "n".repeat(64), name: "web" }, want: { parameter: "namespace", shown: `"${"n".repeat(64)}"` } },
    ],
  ];

  test.each(cases)("%s", async (_name, { given, want }) => {
    const client = createPodPatchClient({ baseUrl, credentials: { bearerToken: token } });
    const error: unknown = await client.patchPod({ ...mergeRequest, ...given }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPathParameterError);
    const invalid = error as InvalidPathParameterError;
    expect(invalid.parameter).toBe(want.parameter);
    expect(invalid.message).toContain(`Invalid Pod ${want.parameter} `);
    expect(invalid.message).toContain(want.shown);
    expect(invalid.message).toContain(want.parameter === "name" ? "DNS-1123 subdomain" : "DNS-1123 label");
    expect(invalid.message.length).toBeLessThan(300);
    expect(requests).toHaveLength(0);
  });

  test("names at the length limits are accepted", async () => {
    const client = createPodPatchClient({ baseUrl });
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(name).toHaveLength(253);
    const result = await client.patchPod({ ...mergeRequest, namespace: "n".repeat(63), name });
    expect(result.status).toBe(200);
    expect(requests).toHaveLength(1);
  });

  test("a media type outside the contract is refused (callers without types)", async () => {
    const client = createPodPatchClient({ baseUrl });
    const request = { ...mergeRequest, contentType: "application/json" } as unknown as PatchPodRequest;
    await expect(client.patchPod(request)).rejects.toThrow(/contentType must be one of .*application\/json-patch\+json/);
    expect(requests).toHaveLength(0);
  });
});

describe("errors are always a Kubernetes Status", () => {
  const conflict: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'Operation cannot be fulfilled on pods "hello-world": the object has been modified',
    reason: "Conflict",
    details: { name: "hello-world", kind: "pods" },
    code: 409,
  };
  const invalid: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'Pod "hello-world" is invalid: spec: Forbidden: pod updates may not change fields other than ...',
    reason: "Invalid",
    details: { name: "hello-world", kind: "Pod", causes: [{ reason: "FieldValueForbidden", field: "spec" }] },
    code: 422,
  };
  const json = { "Content-Type": "application/json" };
  const apigError = '{"error_code":"APIG.1002","error_msg":"Incorrect token or token resolution failed"}';
  const cases: [string, { given: Reply; want: Status }][] = [
    ["Status 409 passes through", { given: { status: 409, headers: json, body: JSON.stringify(conflict) }, want: conflict }],
    ["Status 422 passes through", { given: { status: 422, headers: json, body: JSON.stringify(invalid) }, want: invalid }],
    [
      "HTML 502 from a gateway",
      {
        given: { status: 502, headers: { "Content-Type": "text/html" }, body: "<html><body>502 Bad Gateway</body></html>" },
        want: statusOf(502, "", "<html><body>502 Bad Gateway</body></html>"),
      },
    ],
    [
      "plain-text 404",
      { given: { status: 404, body: "404 page not found" }, want: statusOf(404, "NotFound", "404 page not found") },
    ],
    [
      "gateway JSON that is not a Status, 401",
      { given: { status: 401, headers: json, body: apigError }, want: statusOf(401, "Unauthorized", apigError) },
    ],
    [
      "empty 503",
      {
        given: { status: 503, body: "" },
        want: statusOf(503, "ServiceUnavailable", "HTTP 503 Service Unavailable (empty body)"),
      },
    ],
    ["plain-text 400", { given: { status: 400, body: "bad" }, want: statusOf(400, "BadRequest", "bad") }],
    ["plain-text 403", { given: { status: 403, body: "no" }, want: statusOf(403, "Forbidden", "no") }],
    ["plain-text 405", { given: { status: 405, body: "no" }, want: statusOf(405, "MethodNotAllowed", "no") }],
    ["plain-text 406", { given: { status: 406, body: "no" }, want: statusOf(406, "NotAcceptable", "no") }],
    ["plain-text 409", { given: { status: 409, body: "no" }, want: statusOf(409, "Conflict", "no") }],
    ["plain-text 410", { given: { status: 410, body: "no" }, want: statusOf(410, "Gone", "no") }],
    ["plain-text 413", { given: { status: 413, body: "big" }, want: statusOf(413, "RequestEntityTooLarge", "big") }],
    ["plain-text 415", { given: { status: 415, body: "no" }, want: statusOf(415, "UnsupportedMediaType", "no") }],
    ["plain-text 422", { given: { status: 422, body: "no" }, want: statusOf(422, "Invalid", "no") }],
    ["plain-text 429", { given: { status: 429, body: "slow down" }, want: statusOf(429, "TooManyRequests", "slow down") }],
    ["plain-text 500", { given: { status: 500, body: "oops" }, want: statusOf(500, "InternalError", "oops") }],
    ["plain-text 504", { given: { status: 504, body: "late" }, want: statusOf(504, "Timeout", "late") }],
    ["200 with an empty body", { given: { status: 200, body: "" }, want: statusOf(200, "", "HTTP 200 OK (empty body)") }],
  ];

  function statusOf(code: number, reason: Status["reason"], message: string): Status {
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message };
  }

  test.each(cases)("%s", async (_name, { given, want }) => {
    server.script([given]);
    // Retries have their own tests (resilience.test.ts): here each answer is the first and last.
    const result = await createPodPatchClient({ baseUrl, maxRetries: 0 }).patchPod(mergeRequest);
    expect(result.data).toBeUndefined();
    expect(result.error).toEqual(want);
    expect(result.status).toBe(given.status);
    expect(result.response.status).toBe(given.status);
  });
});

describe("the token never leaks", () => {
  function expectNoToken(value: unknown): void {
    const renderings =
      value instanceof Error
        ? [value.message, value.stack, String(value), JSON.stringify(value), inspect(value, { depth: null, showHidden: true })]
        : [JSON.stringify(value), inspect(value, { depth: null, showHidden: true })];
    for (const rendering of renderings) {
      expect(rendering ?? "").not.toContain(token);
    }
  }

  const credentials: [string, { given: PodPatchClientOptions["credentials"] }][] = [
    ["xAuthToken", { given: { xAuthToken: token } }],
    ["bearerToken", { given: { bearerToken: token } }],
  ];

  test.each(credentials)("%s: not in the client object", (_name, { given }) => {
    expectNoToken(createPodPatchClient({ baseUrl, credentials: given }));
  });

  test.each(credentials)("%s: not in the error when the server is unreachable", async (_name, { given }) => {
    const client = createPodPatchClient({ baseUrl: await refusedBaseUrl(), credentials: given, maxRetries: 0 });
    const error: unknown = await client.patchPod(mergeRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ reason: "ConnectionRefused", code: "ECONNREFUSED", mayHaveBeenApplied: false });
    expectNoToken(error);
  });

  test.each(credentials)("%s: not in a path-parameter error", async (_name, { given }) => {
    const client = createPodPatchClient({ baseUrl, credentials: given });
    const error: unknown = await client.patchPod({ ...mergeRequest, name: ".." }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPathParameterError);
    expectNoToken(error);
  });

  test.each(credentials)("%s: not in the error for a token that is not a valid header value", (_name, { given }) => {
    const headerInjection = `${token}\r\nX-Injected: 1`;
    const field = given?.xAuthToken === undefined ? "bearerToken" : "xAuthToken";
    const bad = field === "xAuthToken" ? { xAuthToken: headerInjection } : { bearerToken: headerInjection };
    const error: unknown = (() => {
      try {
        return createPodPatchClient({ baseUrl, credentials: bad });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain(`credentials.${field}`);
    expectNoToken(error);
  });
});

describe("readPod", () => {
  test("GETs the Pod with the credential and gives it back", async () => {
    const client = createPodPatchClient({ baseUrl, credentials: { bearerToken: token } });
    const result = await client.readPod({ ...target, query: { pretty: "true" } });
    expect(result).toMatchObject({ data: pod, status: 200 });
    expect(
      requests.map(({ method, url, headers, body }) => [method, url, headers.authorization, headers["content-type"], body]),
    ).toEqual([["GET", "/api/v1/namespaces/default/pods/hello-world?pretty=true", `Bearer ${token}`, undefined, ""]]);
  });

  test("a missing Pod is a 404 Status", async () => {
    const notFound = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "x" not found',
      reason: "NotFound",
      code: 404,
    };
    server.script([{ status: 404, headers: { "Content-Type": "application/json" }, body: JSON.stringify(notFound) }]);
    const result = await createPodPatchClient({ baseUrl }).readPod({ namespace: "default", name: "x" });
    expect(result).toMatchObject({ error: notFound, status: 404 });
  });

  test("path parameters are checked before any request", async () => {
    await expect(createPodPatchClient({ baseUrl }).readPod({ namespace: "default", name: "../x" })).rejects.toBeInstanceOf(
      InvalidPathParameterError,
    );
    expect(requests).toHaveLength(0);
  });
});

describe("answers that are not a Pod", () => {
  test("a redirect is not followed: it comes back as a Status and nothing is sent to its Location", async () => {
    server.script([{ status: 302, headers: { Location: `${baseUrl}/elsewhere` }, body: "" }]);
    const result = await createPodPatchClient({ baseUrl, credentials: { bearerToken: token } }).patchPod(mergeRequest);
    expect(result.error).toMatchObject({ kind: "Status", code: 302 });
    expect(requests.map(({ url }) => url)).toEqual(["/api/v1/namespaces/default/pods/hello-world"]);
  });

  test.each([
    ["HTML", "<html>maintenance</html>"],
    ["a JSON array", "[1]"],
    ["a Status", JSON.stringify({ kind: "Status", code: 200, status: "Success" })],
  ])("200 with %s is a Status carrying the text", async (_name, body) => {
    server.script([{ status: 200, headers: { "Content-Type": "application/json" }, body }]);
    const result = await createPodPatchClient({ baseUrl }).patchPod(mergeRequest);
    expect(result.data).toBeUndefined();
    expect(result.error).toMatchObject({ kind: "Status", code: 200, message: body });
  });

  test("Accept asks for JSON", async () => {
    await createPodPatchClient({ baseUrl }).patchPod(mergeRequest);
    expect(requests[0]?.headers.accept).toBe("application/json");
  });
});

describe("the base URL", () => {
  test.each([
    ["a trailing slash", "/", "/api/v1/namespaces/default/pods/hello-world"],
    ["a path prefix with trailing slashes", "/gw//", "/gw/api/v1/namespaces/default/pods/hello-world"],
    ["an upper-case scheme and host", "", "/api/v1/namespaces/default/pods/hello-world"],
  ])("%s is normalised", async (name, suffix, want) => {
    const given = name.startsWith("an upper-case") ? baseUrl.replace("http://", "HTTP://") : `${baseUrl}${suffix}`;
    await createPodPatchClient({ baseUrl: given }).patchPod(mergeRequest);
    expect(requests.map(({ url }) => url)).toEqual([want]);
  });

  const refusal =
    /^baseUrl: must be http\(s\):\/\/host\[:port\]\[\/path\], without user:password@, query or fragment \(value not shown\)$/;
  const refused: [string, string, RegExp][] = [
    ["a query", "/?x=1", refusal],
    ["an empty query", "/?", refusal],
    ["a fragment", "/#frag", refusal],
    ["user and password", "", refusal],
    ["a user alone", "", refusal],
  ];
  test.each(refused)("with %s it is refused before any request, without echoing credentials", (name, suffix, message) => {
    const userinfo = name === "user and password" ? "admin:hunter2-secret@" : name === "a user alone" ? "hunter2-secret@" : "";
    const given = `${baseUrl.replace("http://", `http://${userinfo}`)}${suffix}`;
    const error: unknown = (() => {
      try {
        return createPodPatchClient({ baseUrl: given, credentials: { bearerToken: token } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: "baseUrl", message: expect.stringMatching(message) });
    expect(inspect(error)).not.toContain("hunter2");
    expect(requests).toHaveLength(0);
  });

  test.each([
    ["not a URL", "127.0.0.1:6443"],
    ["another scheme", "ftp://127.0.0.1/"],
    ["not a URL, with user information", "http://admin:hunter2-secret@[bad"],
    ["user information without the slashes (URL parsing adds them)", "http:admin:hunter2-secret@127.0.0.1:6443"],
  ])("%s is refused without echoing credentials", (_name, given) => {
    expect(() => createPodPatchClient({ baseUrl: given })).toThrow(InvalidOptionError);
    try {
      createPodPatchClient({ baseUrl: given });
    } catch (error) {
      expect(inspect(error)).not.toContain("hunter2");
    }
  });
});
