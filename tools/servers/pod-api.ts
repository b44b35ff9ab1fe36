/**
 * What the stateful mock answers for the Pod itself — GET and PATCH of
 * `/api/v1/namespaces/{namespace}/pods/{name}` — computed from its PodStore with the engine's writePod
 * (src/engine/pod-write.ts: the patch, server-side apply with field ownership, defaulting,
 * managedFields, the update rules), and the test-isolation endpoints under `/mock/`, outside the contract.
 *
 * Inputs: the store, the route's path parameters, the decoded body and its media type, the query and the
 * User-Agent. Outputs: `{ status, body, warnings, varying }` for the front to validate against the
 * contract and send (`varying`: the time and uid the engine was given). PATCH: 404 for a Pod the store
 * lacks (apply creates it: 201), the engine's refusals (409 conflicts, 422, 400, 500 with the
 * apiserver's Status, cut to send-status.ts's bound), 409 for a stale `metadata.resourceVersion`;
 * a success that changed the Pod (not under `dryRun=All`) is marked `store` for the caller to store
 * once the answer has passed the contract.
 *
 * Test isolation (`/mock/pods`, no credentials needed; never part of the contract):
 *   GET    → the stored Pods as a `List`;
 *   PUT    → replaces every Pod with the body's (JSON or YAML: a Pod, a List, an array);
 *   POST   → adds or replaces the body's Pods, keeping the others;
 *   DELETE → back to the Pods the mock started with (the contract's examples and `--pods`).
 * A body that is not Pods gets 400 with the reason.
 */
import { randomUUID } from "node:crypto";
import { decodeYamlDocuments } from "../../src/yaml/apiserver-yaml.js";
import { PatchError, writePod } from "../../src/engine/index.js";
import { type DeferredFieldsV1, nowRfc3339 } from "../../src/engine/server-side-apply.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { failureStatus } from "../../src/status/status.js";
import { type PodStore, PodFileError, podsOf } from "./pod-store.js";
import { boundedStatus } from "./send-status.js";

export interface PodAnswer {
  status: number;
  body: unknown;
  /** `Warning` header texts (the apiserver's warn-level messages). */
  warnings?: string[];
  /** True when `body` is a Pod to store (with the next resourceVersion) once the answer is accepted. */
  store?: boolean;
  /**
   * With `store`: the `fieldsV1` of the Pod's managedFields, still to be written out (writePod's
   * deferFieldsV1) — by the store, which refuses a Pod over its limit without them (PodStore.save), or before
   * a refusal that shows the Pod. Not plain JSON: never part of an answer that leaves the store's owner.
   */
  fieldsV1?: DeferredFieldsV1;
  /**
   * What this answer was given from the clock and by chance (the time of managedFields and of a creation,
   * a new Pod's uid): an answer that holds one of them is this request's own, not to be given again to
   * the same request later (tools/servers/answer-memo.ts). Everything else in an answer comes from the
   * request and the stored Pod.
   */
  varying?: string[];
}

/** strconv.ParseBool, as the apiserver reads boolean query values (`True`, `1`, `t`…); undefined when absent. */
export function parseGoBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

export function readPod(store: PodStore, parameters: Record<string, string>): PodAnswer {
  const namespace = parameters.namespace ?? "";
  const name = parameters.name ?? "";
  const pod = store.get(namespace, name);
  if (pod !== undefined) return { status: 200, body: pod };
  return { status: 404, body: failureStatus(404, `pods "${name}" not found`, { name, kind: "pods" }) };
}

export function patchPod(
  store: PodStore,
  parameters: Record<string, string>,
  body: unknown,
  mediaType: string,
  query: URLSearchParams,
  userAgent: string | undefined,
  /** `stopBefore` of writePod: the caller refuses the request at that step whatever comes after it. */
  options: { stopBefore?: "decoding" | "validation" } = {},
): PodAnswer {
  const namespace = parameters.namespace ?? "";
  const name = parameters.name ?? "";
  const dryRun = query.getAll("dryRun").includes("All");
  const fieldManager = query.get("fieldManager");
  const time = nowRfc3339();
  const uid = randomUUID();
  try {
    const result = writePod(store.get(namespace, name), body, mediaType as PatchMediaType, {
      namespace,
      name,
      ...(fieldManager === null ? {} : { fieldManager }),
      ...(userAgent === undefined ? {} : { userAgent }),
      force: parseGoBool(query.get("force")) === true,
      time,
      identity: { uid, creationTimestamp: time },
      ...(options.stopBefore === undefined ? {} : { stopBefore: options.stopBefore }),
      // A Pod to store may be too large for the store: its fieldsV1 are left to it (see PodAnswer).
      ...(dryRun ? {} : { deferFieldsV1: true }),
    });
    // Stored by the caller once the answer passes the contract; never for a dry run or a no-op.
    return {
      status: result.created ? 201 : 200,
      body: result.pod,
      ...(result.warnings.length === 0 ? {} : { warnings: result.warnings }),
      ...(result.changed && !dryRun ? { store: true } : {}),
      ...(result.fieldsV1 === undefined ? {} : { fieldsV1: result.fieldsV1 }),
      varying: [time, uid],
    };
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    // Cut like every Status the mock writes: the spec diff of 30,000 reordered env vars is an 18 MB 422.
    return { status: error.status.code ?? 500, body: boundedStatus(error.status), varying: [time, uid] };
  }
}

export const CONTROL_PATH = "/mock/pods";

function podList(store: PodStore): unknown {
  return { apiVersion: "v1", kind: "List", metadata: {}, items: store.list() };
}

/**
 * The Pods of a body of YAML or JSON documents, read with the mock's YAML decoder (src/yaml/apiserver-yaml.ts):
 * its aliases expand under go-yaml's bound, so a body of aliases cannot make the store huge.
 */
function parsePods(bytes: Buffer): Pod[] {
  const decoded = decodeYamlDocuments(bytes.toString("utf8"));
  if (!decoded.ok) throw new PodFileError(`the body is not JSON or YAML: ${decoded.message}`);
  const list = decoded.values;
  return list.flatMap((value, index) =>
    value === null ? [] : podsOf(value, list.length === 1 ? "the body" : `the body, document ${index + 1}`),
  );
}

/** The answer of a test-isolation request (see the header); undefined for another method. */
export function controlRequest(store: PodStore, method: string, bytes: Buffer): PodAnswer | undefined {
  try {
    switch (method) {
      case "GET":
        return { status: 200, body: podList(store) };
      case "PUT":
        store.replace(parsePods(bytes));
        return { status: 200, body: podList(store) };
      case "POST":
        store.replace([...store.list(), ...parsePods(bytes)]);
        return { status: 200, body: podList(store) };
      case "DELETE":
        store.reset();
        return { status: 200, body: podList(store) };
      default:
        return undefined;
    }
  } catch (error) {
    if (!(error instanceof PodFileError)) throw error;
    return { status: 400, body: failureStatus(400, error.message) };
  }
}
