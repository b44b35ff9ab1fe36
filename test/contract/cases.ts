/**
 * The contract-test matrix, written by hand: one valid body per patch media type and one way to
 * reach each declared status code, plus the supporting endpoints kubectl needs (no body; run by
 * kubectl.test.ts). `coverage.test.ts` compares both with the bundle, so a media type, status code
 * or operation added to the spec fails the suite until a case for it is added here.
 */
import type { PatchPodRequest } from "../../src/index.js";

export const namespace = "default";
export const name = "hello-world";

/** A valid request per media type (bodies follow the spec's own examples). */
export const validRequests = {
  "application/json-patch+json": {
    namespace,
    name,
    contentType: "application/json-patch+json",
    body: [{ op: "add", path: "/spec/containers/0/image", value: "busybox:latest" }],
  },
  "application/merge-patch+json": {
    namespace,
    name,
    contentType: "application/merge-patch+json",
    body: { metadata: { labels: { release: "canary", tier: null } } },
  },
  "application/strategic-merge-patch+json": {
    namespace,
    name,
    contentType: "application/strategic-merge-patch+json",
    body: { spec: { containers: [{ name: "hello-world", image: "busybox:1.37" }] } },
  },
  "application/apply-patch+yaml": {
    namespace,
    name,
    contentType: "application/apply-patch+yaml",
    body: { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { "app.kubernetes.io/name": "hello" } } },
    query: { fieldManager: "contract-tests" },
  },
} satisfies Record<string, PatchPodRequest>;

export type ContractMediaType = keyof typeof validRequests;

/** How a case reaches its status code. */
export type Trigger =
  /** The valid request as is. */
  | { kind: "valid" }
  /** The valid request without credentials. */
  | { kind: "no-token" }
  /** The valid request with a `fieldManager` one character over the 128 limit: a real contract violation. */
  | { kind: "field-manager-too-long" }
  /** A body over the apiserver's limits: 10001 JSON Patch operations, or more than 3 MiB. */
  | { kind: "too-large" }
  /** The valid request with `Accept: text/html`, a representation the apiserver does not answer in. */
  | { kind: "not-acceptable" }
  /** The valid request with `Prefer: code=NNN`: the mock answers with the spec's example for that code. */
  | { kind: "prefer" };

/** One way to reach each declared status code; the expected Kubernetes reason comes with it. */
export const statusTriggers: Record<number, { trigger: Trigger; reason?: string }> = {
  200: { trigger: { kind: "valid" } },
  201: { trigger: { kind: "prefer" } },
  400: { trigger: { kind: "prefer" }, reason: "BadRequest" },
  401: { trigger: { kind: "no-token" }, reason: "Unauthorized" },
  403: { trigger: { kind: "prefer" }, reason: "Forbidden" },
  404: { trigger: { kind: "prefer" }, reason: "NotFound" },
  406: { trigger: { kind: "not-acceptable" }, reason: "NotAcceptable" },
  409: { trigger: { kind: "prefer" }, reason: "Conflict" },
  413: { trigger: { kind: "too-large" }, reason: "RequestEntityTooLarge" },
  415: { trigger: { kind: "prefer" }, reason: "UnsupportedMediaType" },
  422: { trigger: { kind: "field-manager-too-long" }, reason: "Invalid" },
  429: { trigger: { kind: "prefer" }, reason: "TooManyRequests" },
  500: { trigger: { kind: "prefer" }, reason: "InternalError" },
  503: { trigger: { kind: "prefer" }, reason: "ServiceUnavailable" },
  504: { trigger: { kind: "prefer" }, reason: "Timeout" },
};

export interface ContractCase {
  operationId: string;
  mediaType: ContractMediaType;
  status: number;
}

export const operationId = "patchCoreV1NamespacedPod";

/** Every operation × media type × status code this suite exercises. */
export const contractCases: ContractCase[] = Object.keys(validRequests).flatMap((mediaType) =>
  Object.keys(statusTriggers).map((status) => ({
    operationId,
    mediaType: mediaType as ContractMediaType,
    status: Number(status),
  })),
);

/** The supporting endpoints kubectl reads (tag `Supporting`): where they are, what they return, which codes they declare. */
export const supportingEndpoints = {
  getCodeVersion: { path: "/version", schema: "Info", statuses: [200, 401] },
  getCoreAPIVersions: { path: "/api", schema: "APIVersions", statuses: [200, 401] },
  getAPIVersions: { path: "/apis", schema: "APIGroupList", statuses: [200, 401] },
  getCoreV1APIResources: { path: "/api/v1", schema: "APIResourceList", statuses: [200, 401] },
  readCoreV1NamespacedPod: { path: `/api/v1/namespaces/${namespace}/pods/${name}`, schema: "Pod", statuses: [200, 401, 404] },
} as const;

export type SupportingOperationId = keyof typeof supportingEndpoints;

export interface SupportingCase {
  operationId: SupportingOperationId;
  /** The supporting endpoints take no body (`none` in coverage.test.ts). */
  mediaType: "none";
  status: number;
}

/** Every supporting operation × status code; each status is reached as `statusTriggers` says. */
export const supportingCases: SupportingCase[] = Object.entries(supportingEndpoints).flatMap(([operationId, endpoint]) =>
  endpoint.statuses.map((status) => ({ operationId: operationId as SupportingOperationId, mediaType: "none" as const, status })),
);
