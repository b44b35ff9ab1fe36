/**
 * The stateful mock's Pods: an in-memory store keyed by namespace and name, seeded from the contract's
 * Pod examples and from `--pods` files, with the apiserver's resourceVersion counter.
 *
 * Inputs: the bundled spec (its Pod examples), files or folders of Pods (JSON or YAML; a Pod, a `List`
 * or `PodList` of Pods, a JSON array, or several YAML documents). Outputs: `PodStore` (get, save,
 * reset to the seed, replace, list, and the state of a name: which Pod is stored there, for the answer
 * memo of tools/servers/answer-memo.ts) and `readPodFiles`, which throws `PodFileError` naming the file (and
 * the document) that is not a Pod. Stored Pods are deeply frozen and handed out as they are, without a
 * copy per read (a copy of the whole Pod was a tenth of a request's time): whoever wants to change one
 * copies it first (the engine's writePod does), and a change in place throws instead of corrupting the store.
 * A Pod over MAX_STORED_BYTES is not stored (StoreLimitError), as etcd's limit keeps the apiserver from storing it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { JsonObject as JsonDocument } from "../../src/engine/json.js";
import type { DeferredFieldsV1 } from "../../src/engine/server-side-apply.js";
import type { Pod } from "../../src/operation/patch-pod.js";

export class PodFileError extends Error {
  override name = "PodFileError";
}

/**
 * The most the store keeps of one Pod, in bytes of JSON: what the apiserver's client of etcd sends at most
 * in one message (gRPC's 2 MiB; the apiserver answers a larger write with a 500, "rpc error: code =
 * ResourceExhausted desc = trying to send message larger than max (N vs. 2097152)", N counted in
 * protobuf bytes where the store counts JSON). It keeps every request's work on a stored Pod bounded.
 */
export const MAX_STORED_BYTES = 2 * 1024 * 1024;

/** A Pod too large to store; `message` is the apiserver's words for it. */
export class StoreLimitError extends Error {
  override name = "StoreLimitError";
  constructor(readonly bytes: number) {
    super(`rpc error: code = ResourceExhausted desc = trying to send message larger than max (${bytes} vs. ${MAX_STORED_BYTES})`);
  }
}

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** The Pods of one parsed document: a Pod, a List/PodList of Pods, or an array of Pods. */
export function podsOf(document: unknown, where: string): Pod[] {
  const isList = isObject(document) && (document.kind === "List" || document.kind === "PodList");
  const items: unknown[] = Array.isArray(document)
    ? document
    : isList
      ? Array.isArray(document.items)
        ? document.items
        : []
      : [document];
  return items.map((item, index) => {
    const at = Array.isArray(document) || isList ? `${where}, item ${index}` : where;
    if (!isObject(item) || item.kind !== "Pod" || (item.apiVersion !== undefined && item.apiVersion !== "v1")) {
      throw new PodFileError(`${at}: not a v1 Pod (kind ${JSON.stringify(isObject(item) ? item.kind : typeof item)})`);
    }
    const metadata = isObject(item.metadata) ? item.metadata : {};
    if (typeof metadata.name !== "string" || metadata.name === "") throw new PodFileError(`${at}: the Pod has no metadata.name`);
    return { ...item, apiVersion: "v1", metadata: { namespace: "default", ...metadata } } as Pod;
  });
}

function readPodFile(path: string): Pod[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PodFileError(`${path}: ${(error as Error).message}`);
  }
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  return list.flatMap((document, index) => {
    const where = list.length === 1 ? path : `${path}, document ${index + 1}`;
    if (document.errors.length > 0) {
      const [first] = document.errors;
      throw new PodFileError(
        `${path}:${(first?.linePos?.[0]?.line ?? 1).toString()}: ${first?.message.split("\n")[0] ?? "not JSON or YAML"}`,
      );
    }
    const value: unknown = document.toJS();
    return value === null ? [] : podsOf(value, where);
  });
}

/** Every Pod in a file, or in the `.json`, `.yaml` and `.yml` files of a folder (sorted by name). */
export function readPodFiles(path: string): Pod[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new PodFileError(`${path}: no such file or folder`);
  }
  if (!isFolder) return readPodFile(path);
  return readdirSync(path)
    .filter((entry) => /\.(json|ya?ml)$/.test(entry))
    .sort()
    .flatMap((entry) => readPodFile(join(path, entry)));
}

/** The Pod examples of the bundle (components.examples whose value is a Pod), in the bundle's order. */
export function examplePods(bundle: { components?: { examples?: Record<string, { value?: unknown }> } }): Pod[] {
  return Object.values(bundle.components?.examples ?? {}).flatMap((example) =>
    isObject(example.value) && example.value.kind === "Pod" ? [example.value as Pod] : [],
  );
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function identity(pod: Pod): { namespace: string; name: string } {
  return { namespace: pod.metadata?.namespace ?? "default", name: pod.metadata?.name ?? "" };
}

const numericVersion = (pod: Pod): number => {
  const value = Number(pod.metadata?.resourceVersion);
  return Number.isSafeInteger(value) ? value : 0;
};

/** One Pod per namespace and name: of two with the same name, the one with the higher resourceVersion (the contract has a Pod's state before and after a patch). */
function latestOfEach(pods: readonly Pod[]): Pod[] {
  const latest = new Map<string, Pod>();
  for (const pod of pods) {
    const { namespace, name } = identity(pod);
    const earlier = latest.get(key(namespace, name));
    if (earlier === undefined || numericVersion(earlier) <= numericVersion(pod)) latest.set(key(namespace, name), pod);
  }
  return [...latest.values()];
}

/** `value` with every object and array in it frozen (a walk with its own stack: Pods may nest deeply); an object already frozen is taken as frozen throughout, as the store's are. */
function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (typeof node !== "object" || node === null || Object.isFrozen(node)) continue;
    Object.freeze(node);
    for (const child of Object.values(node)) pending.push(child);
  }
  return value;
}

/** The Pods, by namespace and name, and the resourceVersion counter. */
export class PodStore {
  private pods = new Map<string, Pod>();
  /** A number per stored Pod, new each time a Pod is put in its place (see `state`). */
  private serials = new Map<string, number>();
  private lastSerial = 0;
  private version = 0;
  private readonly seed: readonly Pod[];

  /** `prepare` turns each Pod given to the store into what it keeps (the mock: as the apiserver would hold it). */
  constructor(
    seed: readonly Pod[],
    private readonly prepare: (pod: Pod) => Pod = (pod) => pod,
  ) {
    this.seed = latestOfEach(seed);
    this.replace(this.seed);
  }

  /** The stored Pod (frozen), or undefined. */
  get(namespace: string, name: string): Readonly<Pod> | undefined {
    return this.pods.get(key(namespace, name));
  }

  /**
   * A number that names what the store holds at that namespace and name: 0 when nothing, otherwise a
   * number the store gives each Pod it puts there (a save, a reset, a replace — even of equal content) and
   * never gives again. Two answers computed on the same state were computed on the same Pod
   * (tools/servers/answer-memo.ts). Not the resourceVersion: `/mock/pods` may load another Pod with the
   * same one.
   */
  state(namespace: string, name: string): number {
    return this.serials.get(key(namespace, name)) ?? 0;
  }

  /**
   * Stores `pod` with the next resourceVersion and returns the stored Pod (frozen) with its JSON text (the
   * answer's body, serialized once for the size check and the answer); throws StoreLimitError for a Pod
   * whose JSON is larger than MAX_STORED_BYTES, keeping the one stored before. `pod` becomes the store's:
   * the caller hands over a Pod nobody else changes (writePod's answer). With `fieldsV1` (writePod's
   * deferFieldsV1), the Pod's managedFields are written out here, and only for a Pod within the limit: they only
   * add to it, so its size is known from the Pod without them plus what they add.
   */
  save(pod: Pod, fieldsV1?: DeferredFieldsV1): { pod: Readonly<Pod>; json: string } {
    const stored = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(this.version + 1) } };
    if (fieldsV1 !== undefined) {
      const bytes = Buffer.byteLength(JSON.stringify(stored)) + fieldsV1.addedBytes(stored as JsonDocument);
      if (bytes > MAX_STORED_BYTES) throw new StoreLimitError(bytes);
      fieldsV1.fill(stored as JsonDocument);
    }
    const json = JSON.stringify(stored);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_STORED_BYTES) throw new StoreLimitError(bytes);
    this.version += 1;
    const { namespace, name } = identity(stored);
    this.pods.set(key(namespace, name), deepFreeze(stored));
    this.serials.set(key(namespace, name), ++this.lastSerial);
    return { pod: stored, json };
  }

  /** Back to the Pods the mock started with. */
  reset(): void {
    this.replace(this.seed);
  }

  /** Exactly these Pods (a later one replaces an earlier of the same name); the resourceVersion counter continues above all of them. */
  replace(pods: readonly Pod[]): void {
    const next = new Map<string, Pod>();
    const serials = new Map<string, number>();
    for (const pod of pods) {
      const { namespace, name } = identity(pod);
      next.set(key(namespace, name), deepFreeze(this.prepare(structuredClone(pod))));
      serials.set(key(namespace, name), ++this.lastSerial);
    }
    this.pods = next;
    this.serials = serials;
    this.version = Math.max(this.version, ...[...next.values()].map(numericVersion));
  }

  /** The stored Pods (frozen). */
  list(): Readonly<Pod>[] {
    return [...this.pods.values()];
  }
}
