/**
 * The contract-test matrix, written by hand: one valid body per patch media type and one way to
 * reach each declared status code. `coverage.test.ts` compares it with the bundle, so a media type or
 * status code added to the spec fails the suite until a case for it is added here.
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
