/**
 * Contract tests: the generated client against the real mock process (shared by the contract files,
 * test/support/shared-mock.ts). Every case of the matrix in
 * cases.ts goes through `patchPod`, and the answer must carry the expected status, validate against
 * the spec's schema for that status (Pod or Status), and — for requests that honour the contract —
 * come with no `sl-violations` report from Prism.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { generatedDir } from "../../tools/pipeline/common.js";
import { createPodPatchClient, type PatchPodRequest, type PatchPodResult, type Pod, type Status } from "../../src/index.js";
import { compileComponent, formatErrors } from "../support/pod-schema.js";
import { contractCases, statusTriggers, validRequests, type ContractMediaType, type Trigger } from "./cases.js";

const bundle = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8"));
const validatePod = compileComponent(bundle, "Pod");
const validateStatus = compileComponent(bundle, "Status");
const token = "contract-test-token";

const mockUrl = inject("mockUrl");

/** A body over the apiserver's limits for the media type. */
function tooLarge(mediaType: ContractMediaType): PatchPodRequest {
  if (mediaType === "application/json-patch+json") {
    const body = Array.from({ length: 10_001 }, (_, i) => ({ op: "add" as const, path: `/metadata/labels/l${i}`, value: "x" }));
    return { ...validRequests[mediaType], body };
  }
  const metadata = { name: "hello-world", labels: { big: "x".repeat(3 * 1024 * 1024 + 1) } };
  const request = validRequests[mediaType];
  return { ...request, body: { ...request.body, metadata } } as PatchPodRequest;
}

function requestFor(mediaType: ContractMediaType, trigger: Trigger): PatchPodRequest {
  const valid: PatchPodRequest = validRequests[mediaType];
  switch (trigger.kind) {
    case "too-large":
      return tooLarge(mediaType);
    case "field-manager-too-long":
      return { ...valid, query: { ...valid.query, fieldManager: "m".repeat(129) } } as PatchPodRequest;
    default:
      return valid;
  }
}

async function send(mediaType: ContractMediaType, status: number, trigger: Trigger): Promise<PatchPodResult> {
  const client = createPodPatchClient({
    baseUrl: mockUrl,
    credentials: trigger.kind === "no-token" ? undefined : { xAuthToken: token },
    headers:
      trigger.kind === "prefer" ? { Prefer: `code=${status}` } : trigger.kind === "not-acceptable" ? { Accept: "text/html" } : {},
  });
  return client.patchPod(requestFor(mediaType, trigger));
}

describe("client against the mock", () => {
  it.each(contractCases.map((c) => [`${c.mediaType} → ${c.status}`, c] as const))("%s", async (_name, { mediaType, status }) => {
    const { trigger, reason } = statusTriggers[status]!;
    const result = await send(mediaType, status, trigger);

    expect(result.status).toBe(status);
    if (result.error === undefined) {
      const pod: Pod = result.data;
      expect(validatePod(pod), formatErrors(validatePod.errors)).toBe(true);
      expect(pod.kind).toBe("Pod");
    } else {
      const error: Status = result.error;
      expect(validateStatus(error), formatErrors(validateStatus.errors)).toBe(true);
      expect(error).toMatchObject({ kind: "Status", status: "Failure", code: status, reason });
    }
    if (trigger.kind === "valid" || trigger.kind === "prefer") {
      expect(result.response.headers.get("sl-violations")).toBeNull();
    }
    if (status === 429 || status === 503) {
      expect(Number(result.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(0);
    }
    if (trigger.kind === "field-manager-too-long") {
      expect(JSON.stringify(result.error?.details?.causes)).toContain("fieldManager");
    }
  });
});

/**
 * Bodies that type-check but break a constraint only the schema knows (pattern, minimum). `field` is
 * the field a cause names, or undefined where the apiserver's 422 names none (a JSON Patch that cannot
 * be applied); the `sl-violations` header always names it.
 */
const invalidBodies: Array<[string, { request: PatchPodRequest; field: string; causeless?: true }]> = [
  [
    "JSON Patch path without a leading slash",
    {
      request: {
        ...validRequests["application/json-patch+json"],
        body: [{ op: "replace", path: "spec/containers/0/image", value: "x" }],
      },
      field: "path",
      causeless: true,
    },
  ],
  [
    "merge patch with activeDeadlineSeconds 0",
    {
      request: { ...validRequests["application/merge-patch+json"], body: { spec: { activeDeadlineSeconds: 0 } } },
      field: "activeDeadlineSeconds",
    },
  ],
  [
    "strategic merge patch with a negative activeDeadlineSeconds",
    {
      request: { ...validRequests["application/strategic-merge-patch+json"], body: { spec: { activeDeadlineSeconds: -5 } } },
      field: "activeDeadlineSeconds",
    },
  ],
  [
    "apply patch with a container port out of range",
    {
      request: {
        ...validRequests["application/apply-patch+yaml"],
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "hello-world" },
          spec: { containers: [{ name: "hello-world", ports: [{ containerPort: 3_000_000_000 }] }] },
        },
      },
      field: "containerPort",
    },
  ],
];

describe("invalid bodies through the client", () => {
  it.each(invalidBodies)("%s → 422 Status, the field named", async (_name, { request, field, causeless }) => {
    const client = createPodPatchClient({ baseUrl: mockUrl, credentials: { xAuthToken: token } });
    const result = await client.patchPod(request);
    expect(result.status).toBe(422);
    expect(result.error?.reason).toBe("Invalid");
    expect(result.response.headers.get("sl-violations")).toContain(field);
    if (causeless) expect(result.error?.details).toEqual({});
    else expect(result.error?.details?.causes?.map((cause) => `${cause.field} ${cause.message}`).join("\n")).toContain(field);
  });
});

describe("response examples", () => {
  const examples = bundle.components.examples;
  it.each([
    ["Prefer: code=200 is the rich running Pod", { Prefer: "code=200" }, examples.PodWebRunning.value],
    ["CCE's documented response is served on request", { Prefer: "example=cceHelloWorld" }, examples.PodHelloWorld.value],
  ])("%s", async (_name, headers, want) => {
    const client = createPodPatchClient({ baseUrl: mockUrl, credentials: { xAuthToken: token }, headers });
    const result = await client.patchPod(validRequests["application/json-patch+json"]);
    expect(result.status).toBe(200);
    expect(result.data).toEqual(want);
  });
});
