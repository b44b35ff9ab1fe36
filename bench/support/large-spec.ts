/**
 * The large spec of the scale benchmark, generated at bench time because no installed package ships
 * the upstream Kubernetes core/v1 OpenAPI v3 document (`find node_modules -name '*.json' -size +1M`
 * finds none; @kubernetes/client-node ships generated code, not the spec). Deterministic: a seeded PRNG,
 * no clock, no network, so every run times the same document.
 *
 * Shaped like upstream core/v1: our own bundle (the PATCH pods operation and the full Pod model) plus
 * the core/v1 kinds, each with upstream's path set (collection, item, status, watch, and the
 * all-namespaces list for namespaced kinds), upstream's query parameters inline in every operation,
 * responses in JSON, YAML and protobuf, and schemas Kind, KindList, KindSpec, KindStatus,
 * KindCondition plus nested objects that also reference the real Pod-model schemas. Where the bundle
 * already has a path or schema (the Pod item path, Pod, PodSpec, ...), the real one stays. About 2 MB
 * of JSON, 100+ paths, 250+ schemas.
 */
type Json = Record<string, any>;

const namespacedKinds = [
  "Pod",
  "ConfigMap",
  "Endpoints",
  "Event",
  "LimitRange",
  "PersistentVolumeClaim",
  "PodTemplate",
  "ReplicationController",
  "ResourceQuota",
  "Secret",
  "Service",
  "ServiceAccount",
  "Binding",
];
const clusterKinds = ["ComponentStatus", "Namespace", "Node", "PersistentVolume"];
const nestedNouns = ["Source", "Reference", "Rule", "Target"];

/** Schemas of the real bundle that the synthetic ones point at, as upstream's kinds share them. */
const sharedSchemas = [
  "LabelSelector",
  "LocalObjectReference",
  "Toleration",
  "ResourceRequirements",
  "NodeSelector",
  "Time",
  "Quantity",
];

const words = (
  "the object field value server client request resource namespace selector label annotation condition status spec " +
  "list watch patch update replace delete create returned optional required default cluster node volume claim secret " +
  "service endpoint port protocol address reference name generation version owner finalizer timeout limit continue " +
  "token bookmark event reason message type phase observed last transition time specified controller may must"
).split(" ");

/** mulberry32: small, fast and fully determined by its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = random(seed);
  }

  integer(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.integer(values.length)]!;
  }

  /** Prose of `sentences` sentences, 8 to 24 words each. */
  prose(sentences: number): string {
    const text: string[] = [];
    for (let s = 0; s < sentences; s += 1) {
      const sentence = Array.from({ length: 8 + this.integer(17) }, () => this.pick(words)).join(" ");
      text.push(`${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`);
    }
    return text.join(" ");
  }
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith("s")) return lower === "endpoints" ? lower : `${lower}es`;
  return lower.endsWith("y") ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

/** A property of one of the shapes upstream uses: scalar, list, map, or reference (own or shared). */
function property(writer: Writer, own: string[]): Json {
  const description = writer.prose(1 + writer.integer(3));
  switch (writer.integer(8)) {
    case 0:
      return { description, type: "integer", format: writer.pick(["int32", "int64"]) };
    case 1:
      return { description, type: "boolean" };
    case 2:
      return { description, type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "atomic" };
    case 3:
      return { description, type: "object", additionalProperties: { type: "string", default: "" } };
    case 4:
      return { description, allOf: [ref(writer.pick(own))] };
    case 5:
      return {
        description,
        type: "array",
        items: { allOf: [ref(writer.pick(own))], default: {} },
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"],
        "x-kubernetes-patch-merge-key": "name",
        "x-kubernetes-patch-strategy": "merge",
      };
    case 6:
      return { description, allOf: [ref(writer.pick(sharedSchemas))] };
    default:
      return { description, type: "string", default: "" };
  }
}

function objectSchema(writer: Writer, properties: Json, required: string[] = []): Json {
  return {
    description: writer.prose(2 + writer.integer(3)),
    type: "object",
    ...(required.length ? { required } : {}),
    properties,
  };
}

function kindSchemas(writer: Writer, kind: string): Record<string, Json> {
  const nested = nestedNouns.map((noun) => `${kind}${noun}`);
  const fields = (count: number, own: string[]) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, index) => [
        `${writer.pick(words)}${writer.pick(words).replace(/^./, (c) => c.toUpperCase())}${index}`,
        property(writer, own),
      ]),
    );
  const schemas: Record<string, Json> = {
    [kind]: {
      ...objectSchema(writer, {
        apiVersion: { description: writer.prose(2), type: "string" },
        kind: { description: writer.prose(2), type: "string" },
        metadata: { description: writer.prose(1), allOf: [ref("ObjectMeta")], default: {} },
        spec: { description: writer.prose(2), allOf: [ref(`${kind}Spec`)], default: {} },
        status: { description: writer.prose(2), allOf: [ref(`${kind}Status`)], default: {} },
      }),
      "x-kubernetes-group-version-kind": [{ group: "", kind, version: "v1" }],
    },
    [`${kind}List`]: {
      ...objectSchema(
        writer,
        {
          apiVersion: { description: writer.prose(2), type: "string" },
          items: { description: writer.prose(1), type: "array", items: { allOf: [ref(kind)], default: {} } },
          kind: { description: writer.prose(2), type: "string" },
          metadata: { description: writer.prose(1), allOf: [ref("ListMeta")], default: {} },
        },
        ["items"],
      ),
      "x-kubernetes-group-version-kind": [{ group: "", kind: `${kind}List`, version: "v1" }],
    },
    [`${kind}Spec`]: objectSchema(writer, fields(10, nested)),
    [`${kind}Status`]: objectSchema(writer, {
      ...fields(5, nested),
      conditions: {
        description: writer.prose(2),
        type: "array",
        items: { allOf: [ref(`${kind}Condition`)], default: {} },
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
      },
      phase: { description: writer.prose(2), type: "string", enum: ["Pending", "Active", "Terminating", "Failed"] },
    }),
    [`${kind}Condition`]: objectSchema(
      writer,
      {
        lastTransitionTime: { description: writer.prose(1), allOf: [ref("Time")] },
        message: { description: writer.prose(1), type: "string" },
        reason: { description: writer.prose(1), type: "string" },
        status: { description: writer.prose(1), type: "string", default: "" },
        type: { description: writer.prose(1), type: "string", default: "" },
      },
      ["type", "status"],
    ),
  };
  // Nested schemas only point at nested schemas declared before them, so the graph has no cycles.
  nested.forEach((name, index) => {
    schemas[name] = objectSchema(writer, fields(6, index === 0 ? [`${kind}Condition`] : nested.slice(0, index)));
  });
  return schemas;
}

/** Upstream's shared types the synthetic paths need and our bundle does not have. */
function sharedApiSchemas(writer: Writer): Record<string, Json> {
  return {
    BenchPreconditions: objectSchema(writer, {
      resourceVersion: { description: writer.prose(1), type: "string" },
      uid: { description: writer.prose(1), type: "string" },
    }),
    BenchDeleteOptions: objectSchema(writer, {
      apiVersion: { description: writer.prose(2), type: "string" },
      dryRun: { description: writer.prose(3), type: "array", items: { type: "string", default: "" } },
      gracePeriodSeconds: { description: writer.prose(3), type: "integer", format: "int64" },
      kind: { description: writer.prose(2), type: "string" },
      preconditions: { description: writer.prose(1), allOf: [ref("BenchPreconditions")] },
      propagationPolicy: { description: writer.prose(4), type: "string" },
    }),
    BenchWatchEvent: objectSchema(
      writer,
      {
        object: { description: writer.prose(3), type: "object" },
        type: { description: writer.prose(1), type: "string", default: "" },
      },
      ["type", "object"],
    ),
  };
}

function queryParameter(writer: Writer, name: string, schema: Json): Json {
  return { name, in: "query", description: writer.prose(2 + writer.integer(4)), schema: { ...schema, uniqueItems: true } };
}

const listQuery = [
  ["allowWatchBookmarks", { type: "boolean" }],
  ["continue", { type: "string" }],
  ["fieldSelector", { type: "string" }],
  ["labelSelector", { type: "string" }],
  ["limit", { type: "integer" }],
  ["resourceVersion", { type: "string" }],
  ["resourceVersionMatch", { type: "string" }],
  ["sendInitialEvents", { type: "boolean" }],
  ["timeoutSeconds", { type: "integer" }],
  ["watch", { type: "boolean" }],
] as const;
const writeQuery = [
  ["dryRun", { type: "string" }],
  ["fieldManager", { type: "string" }],
  ["fieldValidation", { type: "string" }],
] as const;
const deleteQuery = [
  ["dryRun", { type: "string" }],
  ["gracePeriodSeconds", { type: "integer" }],
  ["ignoreStoreReadErrorWithClusterBreakingPotential", { type: "boolean" }],
  ["propagationPolicy", { type: "string" }],
] as const;

const objectMediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const watchMediaTypes = [
  ...objectMediaTypes,
  "application/json;stream=watch",
  "application/vnd.kubernetes.protobuf;stream=watch",
];
const patchMediaTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

function content(mediaTypes: string[], schema: Json): Json {
  return Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema }]));
}

function operation(
  writer: Writer,
  action: string,
  operationId: string,
  kind: string,
  query: ReadonlyArray<readonly [string, Json]>,
  responses: Json,
  requestBody?: Json,
): Json {
  return {
    tags: ["core_v1"],
    description: writer.prose(1 + writer.integer(2)),
    operationId,
    parameters: query.map(([name, schema]) => queryParameter(writer, name, schema)),
    ...(requestBody ? { requestBody } : {}),
    responses: { ...responses, "401": { description: "Unauthorized" } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: "", kind, version: "v1" },
  };
}

function pathParameter(writer: Writer, name: string): Json {
  return { name, in: "path", required: true, description: writer.prose(1), schema: { type: "string", uniqueItems: true } };
}

/** Upstream's path set for one kind. */
function kindPaths(writer: Writer, kind: string, namespaced: boolean): Record<string, Json> {
  const resource = plural(kind);
  const scope = namespaced ? `/namespaces/{namespace}/${resource}` : `/${resource}`;
  const id = (verb: string, suffix = "") => `${verb}CoreV1${namespaced ? "Namespaced" : ""}${kind}${suffix}`;
  const common = (withName: boolean) => [
    ...(withName ? [pathParameter(writer, "name")] : []),
    ...(namespaced ? [pathParameter(writer, "namespace")] : []),
    { name: "pretty", in: "query", description: writer.prose(2), schema: { type: "string", uniqueItems: true } },
  ];
  const ok = (schema: string, mediaTypes = objectMediaTypes) => ({
    description: "OK",
    content: content(mediaTypes, ref(schema)),
  });
  const objectBody = { required: true, content: content(objectMediaTypes, ref(kind)) };
  const deleteBody = { content: content(objectMediaTypes, ref("BenchDeleteOptions")) };
  const patchBody = { required: true, content: content(patchMediaTypes, { type: "object" }) };
  const item = (suffix: string) => ({
    parameters: common(true),
    get: operation(writer, "get", id("read", suffix), kind, [], { "200": ok(kind) }),
    put: operation(writer, "put", id("replace", suffix), kind, writeQuery, { "200": ok(kind), "201": ok(kind) }, objectBody),
    patch: operation(
      writer,
      "patch",
      id("patch", suffix),
      kind,
      [...writeQuery, ["force", { type: "boolean" }]],
      { "200": ok(kind), "201": ok(kind) },
      patchBody,
    ),
    ...(suffix === ""
      ? { delete: operation(writer, "delete", id("delete"), kind, deleteQuery, { "200": ok(kind), "202": ok(kind) }, deleteBody) }
      : {}),
  });
  const paths: Record<string, Json> = {
    [`/api/v1${scope}`]: {
      parameters: common(false),
      get: operation(writer, "list", id("list"), kind, listQuery, { "200": ok(`${kind}List`, watchMediaTypes) }),
      post: operation(
        writer,
        "post",
        id("create"),
        kind,
        writeQuery,
        { "200": ok(kind), "201": ok(kind), "202": ok(kind) },
        objectBody,
      ),
      delete: operation(
        writer,
        "deletecollection",
        id("deleteCollection"),
        kind,
        [...deleteQuery, ...listQuery],
        { "200": ok("Status") },
        deleteBody,
      ),
    },
    [`/api/v1${scope}/{name}`]: item(""),
    [`/api/v1${scope}/{name}/status`]: item("Status"),
    [`/api/v1/watch${scope}`]: {
      parameters: common(false),
      get: operation(writer, "watchlist", id("watch", "List"), kind, listQuery, {
        "200": ok("BenchWatchEvent", watchMediaTypes),
      }),
    },
    [`/api/v1/watch${scope}/{name}`]: {
      parameters: common(true),
      get: operation(writer, "watch", id("watch"), kind, listQuery, { "200": ok("BenchWatchEvent", watchMediaTypes) }),
    },
  };
  if (namespaced) {
    paths[`/api/v1/${resource}`] = {
      parameters: common(false).filter((parameter) => parameter.name === "pretty"),
      get: operation(writer, "list", `listCoreV1${kind}ForAllNamespaces`, kind, listQuery, {
        "200": ok(`${kind}List`, watchMediaTypes),
      }),
    };
  }
  return paths;
}

export interface SpecStats {
  bytes: number;
  paths: number;
  operations: number;
  schemas: number;
}

export function specStats(document: Json, json: string): SpecStats {
  const methods = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
  const pathItems = Object.values<Json>(document.paths ?? {});
  return {
    bytes: Buffer.byteLength(json),
    paths: pathItems.length,
    operations: pathItems.reduce((count, item) => count + Object.keys(item).filter((key) => methods.has(key)).length, 0),
    schemas: Object.keys(document.components?.schemas ?? {}).length,
  };
}

/** Our bundle plus the synthetic core/v1 kinds; the bundle itself is left untouched. */
export function largeSpec(bundle: Json): Json {
  const writer = new Writer(0x6b387331);
  const document = structuredClone(bundle);
  const schemas: Json = document.components.schemas;
  const added: Record<string, Json> = sharedApiSchemas(writer);
  for (const kind of [...namespacedKinds, ...clusterKinds]) Object.assign(added, kindSchemas(writer, kind));
  for (const name of [...sharedSchemas, "ObjectMeta", "ListMeta", "Status"]) {
    if (!(name in schemas)) throw new Error(`large spec: the bundle has no schema ${name} to refer to`);
  }
  // A name the bundle already has (PersistentVolumeClaimSpec) keeps the real schema.
  for (const [name, schema] of Object.entries(added)) schemas[name] ??= schema;
  const paths = [
    ...namespacedKinds.map((kind) => kindPaths(writer, kind, true)),
    ...clusterKinds.map((kind) => kindPaths(writer, kind, false)),
  ];
  // A path the bundle already has (the Pod item) keeps the real path item.
  for (const [path, item] of paths.flatMap((kindPaths) => Object.entries(kindPaths))) document.paths[path] ??= item;
  document.tags = [...(document.tags ?? []), { name: "core_v1", description: writer.prose(1) }];
  return document;
}
