/**
 * The behavioural probes `verify` sends: PATCH requests built from the Pod under test, each one a
 * question whose answer the project predicts (src/verify/predict.ts). Every probe is sent with
 * `dryRun=All` first in its query (src/verify/verify.ts adds it and refuses to send a PATCH without it),
 * so nothing is stored whatever the answer.
 *
 * Categories: each patch media type; updates the update rules allow; updates they forbid; query option
 * parsing; error answers; and, from the schema comparison, one or two probes per Pod field or enum value
 * that the contract has and the server does not know (what the server does with it).
 *
 * Input: the Pod as the server returned it, the schema differences, the contract. Output: the probes, in
 * a fixed order for a given Pod. Pure functions.
 */
import { stringify as toYaml } from "yaml";
import { dereference, type OpenApiNode } from "../contract/bundle.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "../engine/json.js";
import type { Pod } from "../operation/patch-pod.js";
import type { PatchProbeRequest } from "./predict.js";
import type { SchemaDifference } from "./schema-drift.js";

export const probeCategories = [
  "media types",
  "update rules: allowed",
  "update rules: forbidden",
  "query options",
  "error answers",
  "fields and values the server does not know",
] as const;

export type ProbeCategory = (typeof probeCategories)[number];

export interface Probe {
  id: string;
  category: ProbeCategory;
  title: string;
  request: PatchProbeRequest;
  /** For probes of a schema difference: its id, and what the probe asks about it. */
  about?: { difference: string; question: "warn" | "strict" | "value"; field: string };
}

export const fieldManager = "pod-patch-contract-verify";
const probeKey = "pod-patch-contract.verify/probe";

const JSON_PATCH = "application/json-patch+json";
const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";

const escapePointer = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1");

function objectOf(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** JSON Patch ops that add a label, creating `metadata.labels` when the Pod has none. */
function addLabelOps(pod: Pod, key: string, value: string): JsonValue[] {
  const ops: JsonValue[] = [];
  if (pod.metadata?.labels === undefined) ops.push({ op: "add", path: "/metadata/labels", value: {} });
  ops.push({ op: "add", path: `/metadata/labels/${escapePointer(key)}`, value });
  return ops;
}

export function buildProbes(pod: Pod, differences: SchemaDifference[], contract: OpenApiNode): Probe[] {
  const name = pod.metadata?.name ?? "";
  const probes: Probe[] = [];
  const add = (
    id: string,
    category: ProbeCategory,
    title: string,
    contentType: string,
    body: unknown,
    extra: Partial<PatchProbeRequest> = {},
  ): void => {
    probes.push({
      id,
      category,
      title,
      request: { name, query: [], contentType, body: typeof body === "string" ? body : JSON.stringify(body), ...extra },
    });
  };
  const spec = objectOf(pod.spec);
  const containers = Array.isArray(spec.containers) ? spec.containers.map(objectOf) : [];
  const firstContainer = containers[0] ?? {};
  const labelPatch = (value: string) => ({ metadata: { labels: { [probeKey]: value } } });

  // Media types.
  add("json-patch-add-label", "media types", "JSON Patch add of a label", JSON_PATCH, addLabelOps(pod, probeKey, "json-patch"));
  add("merge-patch-label", "media types", "merge patch of a label", MERGE, labelPatch("merge"));
  add("strategic-merge-patch-label", "media types", "strategic merge patch of a label", STRATEGIC, labelPatch("strategic"));
  const applyConfig = { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { [probeKey]: "apply" } } };
  add("apply-json-label", "media types", "server-side apply (JSON body) of a label", APPLY, applyConfig, {
    query: [["fieldManager", fieldManager]],
  });
  add("apply-yaml-label", "media types", "server-side apply (YAML body) of a label", APPLY, toYaml(applyConfig), {
    query: [["fieldManager", fieldManager]],
  });
  add("json-patch-test-copy-move-remove", "media types", "JSON Patch test, copy, move and remove", JSON_PATCH, [
    { op: "test", path: "/metadata/name", value: name },
    ...addLabelOps(pod, probeKey, "one"),
    {
      op: "copy",
      from: `/metadata/labels/${escapePointer(probeKey)}`,
      path: `/metadata/labels/${escapePointer(`${probeKey}-copy`)}`,
    },
    {
      op: "move",
      from: `/metadata/labels/${escapePointer(`${probeKey}-copy`)}`,
      path: `/metadata/labels/${escapePointer(`${probeKey}-moved`)}`,
    },
    { op: "remove", path: `/metadata/labels/${escapePointer(`${probeKey}-moved`)}` },
  ]);
  add(
    "content-type-json",
    "media types",
    "Content-Type application/json (not a patch type)",
    "application/json",
    labelPatch("json"),
  );
  add(
    "content-type-with-charset",
    "media types",
    "merge patch with a charset parameter",
    `${MERGE}; charset=utf-8`,
    labelPatch("charset"),
  );

  // Updates the rules allow.
  add("image-change", "update rules: allowed", "change a container's image", JSON_PATCH, [
    { op: "replace", path: "/spec/containers/0/image", value: "example.invalid/pod-patch-verify:probe" },
  ]);
  const deadline = typeof spec.activeDeadlineSeconds === "number" ? spec.activeDeadlineSeconds : undefined;
  if (deadline === undefined || deadline > 1) {
    add(
      "deadline-set-or-lower",
      "update rules: allowed",
      deadline === undefined ? "set activeDeadlineSeconds" : "lower activeDeadlineSeconds",
      MERGE,
      { spec: { activeDeadlineSeconds: deadline === undefined ? 3600 : deadline - 1 } },
    );
  }
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : undefined;
  const newToleration = { key: probeKey, operator: "Exists", effect: "NoSchedule" };
  add(
    "toleration-add",
    "update rules: allowed",
    "add a toleration",
    JSON_PATCH,
    tolerations === undefined
      ? [{ op: "add", path: "/spec/tolerations", value: [newToleration] }]
      : [{ op: "add", path: "/spec/tolerations/-", value: newToleration }],
  );
  add("annotation-add", "update rules: allowed", "add an annotation", STRATEGIC, {
    metadata: { annotations: { [probeKey]: "annotation" } },
  });
  add("status-ignored", "update rules: allowed", "a merge patch of status (ignored by the Pod endpoint)", MERGE, {
    status: { message: "pod-patch-contract verify" },
  });

  // Updates the rules forbid.
  add("container-add", "update rules: forbidden", "add a container", STRATEGIC, {
    spec: { containers: [{ name: "pod-patch-verify-extra", image: "example.invalid/extra:1" }] },
  });
  add("image-empty", "update rules: forbidden", "set a container's image to the empty string", JSON_PATCH, [
    { op: "replace", path: "/spec/containers/0/image", value: "" },
  ]);
  add("image-whitespace", "update rules: forbidden", "an image with surrounding whitespace", JSON_PATCH, [
    { op: "replace", path: "/spec/containers/0/image", value: ` ${String(firstContainer.image ?? "image")} ` },
  ]);
  if (deadline === undefined) {
    add("deadline-zero", "update rules: forbidden", "activeDeadlineSeconds 0", MERGE, { spec: { activeDeadlineSeconds: 0 } });
  } else {
    add("deadline-raise", "update rules: forbidden", "raise activeDeadlineSeconds", MERGE, {
      spec: { activeDeadlineSeconds: deadline + 1 },
    });
    add("deadline-remove", "update rules: forbidden", "remove activeDeadlineSeconds", MERGE, {
      spec: { activeDeadlineSeconds: null },
    });
  }
  if (tolerations !== undefined && tolerations.length > 0) {
    const changed = cloneJson(tolerations);
    const first = objectOf(changed[0]);
    first.operator = first.operator === "Exists" ? "Equal" : "Exists";
    if (first.operator === "Exists") delete first.value;
    else first.value = "pod-patch-verify";
    add("toleration-modify", "update rules: forbidden", "change an existing toleration's operator", MERGE, {
      spec: { tolerations: changed },
    });
  }
  add("restart-policy-change", "update rules: forbidden", "change spec.restartPolicy", MERGE, {
    spec: { restartPolicy: spec.restartPolicy === "Never" ? "OnFailure" : "Never" },
  });
  add("container-rename", "update rules: forbidden", "rename a container (JSON Patch)", JSON_PATCH, [
    { op: "replace", path: "/spec/containers/0/name", value: "pod-patch-verify-renamed" },
  ]);
  add("uid-change", "update rules: forbidden", "change metadata.uid", MERGE, {
    metadata: { uid: "00000000-0000-4000-8000-000000000000" },
  });
  add("name-change", "update rules: forbidden", "change metadata.name", MERGE, {
    metadata: { name: `${name}-renamed`.slice(0, 253) },
  });

  // Query options.
  for (const pretty of ["true", "True", "1", "t", "false", "0"]) {
    add(`pretty-${pretty}`, "query options", `pretty=${pretty}`, MERGE, labelPatch("pretty"), { query: [["pretty", pretty]] });
  }
  add("pretty-bogus", "query options", "pretty=bogus", MERGE, labelPatch("pretty"), { query: [["pretty", "bogus"]] });
  add("dryrun-bogus", "query options", "dryRun=All&dryRun=Bogus", MERGE, labelPatch("dryrun"), { query: [["dryRun", "Bogus"]] });
  add("field-manager-128", "query options", "fieldManager of 128 bytes", MERGE, labelPatch("fm"), {
    query: [["fieldManager", "m".repeat(128)]],
  });
  add("field-manager-129", "query options", "fieldManager of 129 bytes", MERGE, labelPatch("fm"), {
    query: [["fieldManager", "m".repeat(129)]],
  });
  add("field-manager-multibyte", "query options", "fieldManager of 65 two-byte characters (130 bytes)", MERGE, labelPatch("fm"), {
    query: [["fieldManager", "é".repeat(65)]],
  });
  add("field-manager-control", "query options", "fieldManager with a tab", MERGE, labelPatch("fm"), {
    query: [["fieldManager", "a\tb"]],
  });
  add("force-non-apply", "query options", "force=true on a merge patch", MERGE, labelPatch("force"), {
    query: [["force", "true"]],
  });
  add("apply-without-manager", "query options", "apply without fieldManager", APPLY, applyConfig);
  add("apply-force", "query options", "apply with force=true", APPLY, applyConfig, {
    query: [
      ["fieldManager", fieldManager],
      ["force", "true"],
    ],
  });
  const unknownField = { metadata: { labels: { [probeKey]: "unknown" } }, spec: { podPatchVerifyUnknown: "x" } };
  for (const validation of ["Warn", "Ignore", "Strict"]) {
    add(
      `unknown-field-${validation.toLowerCase()}`,
      "query options",
      `an unknown spec field, fieldValidation=${validation}`,
      MERGE,
      unknownField,
      {
        query: [["fieldValidation", validation]],
      },
    );
  }
  add("unknown-field-default", "query options", "an unknown spec field, default field validation", STRATEGIC, unknownField);
  add("field-validation-bogus", "query options", "fieldValidation=Bogus", MERGE, labelPatch("fv"), {
    query: [["fieldValidation", "Bogus"]],
  });

  // Error answers.
  add("malformed-json", "error answers", "a body that is not JSON", MERGE, "{");
  add("empty-body", "error answers", "an empty body", MERGE, "");
  add("json-patch-not-array", "error answers", "a JSON Patch that is an object", JSON_PATCH, {});
  add("json-patch-test-fails", "error answers", "a JSON Patch whose test fails", JSON_PATCH, [
    { op: "test", path: "/metadata/name", value: `${name}-not` },
  ]);
  add("json-patch-remove-missing", "error answers", "a JSON Patch removing a missing member", JSON_PATCH, [
    { op: "remove", path: `/metadata/annotations/${escapePointer(`${probeKey}-missing`)}` },
  ]);
  add("json-patch-unknown-op", "error answers", "a JSON Patch with an unknown op", JSON_PATCH, [
    { op: "frobnicate", path: "/metadata/name", value: name },
  ]);
  add("strategic-patch-merge-directive", "error answers", "$patch: merge in a strategic patch", STRATEGIC, {
    metadata: { $patch: "merge" },
  });
  add("stale-resource-version", "error answers", "a stale resourceVersion precondition", MERGE, {
    metadata: { resourceVersion: "1", labels: { [probeKey]: "stale" } },
  });
  add("missing-pod", "error answers", "a Pod that does not exist", MERGE, labelPatch("missing"), {
    name: `${name.slice(0, 200)}-pod-patch-verify-missing`,
  });
  add("too-large", "error answers", "a body over 3 MiB", MERGE, {
    metadata: { annotations: { [probeKey]: "x".repeat(3 * 1024 * 1024) } },
  });
  add("no-credentials", "error answers", "no credentials", MERGE, labelPatch("anonymous"), { anonymous: true });

  probes.push(...fieldProbes(pod, differences, contract));
  return probes;
}

/** A small value of the contract's schema at `node`: for the fields a server may not know. */
function sampleValue(contract: OpenApiNode, node: OpenApiNode | undefined, depth = 0): JsonValue {
  const schema = dereference(contract, node);
  if (schema === undefined) return "x";
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return schema.enum.find((value: unknown) => value !== "") ?? schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((candidate: string) => candidate !== "null") : schema.type;
  if (type === undefined && Array.isArray(schema.oneOf)) return sampleValue(contract, schema.oneOf[0], depth);
  switch (type) {
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return depth > 3 ? [] : [sampleValue(contract, schema.items, depth + 1)];
    case "object": {
      if (schema.properties === undefined) return { "pod-patch-verify": "x" };
      const result: JsonObject = {};
      for (const required of schema.required ?? [])
        result[required] = depth > 3 ? "x" : sampleValue(contract, schema.properties[required], depth + 1);
      return result;
    }
    default:
      return "x";
  }
}

/** The schema node of the contract at a podPath (`spec.containers[].image`), and the parent chain. */
function contractNodeAt(contract: OpenApiNode, podPath: string): OpenApiNode | undefined {
  let node: OpenApiNode | undefined = { $ref: "#/components/schemas/Pod" };
  for (const segment of podPath.match(/[^.[\]{}]+|\[\]|\{\}/g) ?? []) {
    const schema: OpenApiNode | undefined = dereference(contract, node);
    if (schema === undefined) return undefined;
    node = segment === "[]" ? schema.items : segment === "{}" ? schema.additionalProperties : schema.properties?.[segment];
  }
  return node;
}

/**
 * The top-level member (`spec`, `status`, `metadata`) of the Pod with `value` set at `podPath`: list
 * items are the Pod's first one when it has one (so the rest of the list stays as it is), a new one
 * otherwise; map values go under a made-up key. Returns the member name and its new value.
 */
function withValueAt(
  contract: OpenApiNode,
  pod: Pod,
  podPath: string,
  value: JsonValue,
): { member: string; value: JsonValue; field: string } | undefined {
  const segments = podPath.match(/[^.[\]{}]+|\[\]|\{\}/g) ?? [];
  const [top, ...rest] = segments;
  if (top === undefined || rest.length === 0) return undefined;
  const root = cloneJson((pod as JsonObject)[top] ?? {}) as JsonValue;
  let field = top;
  let container: JsonValue = root;
  let schemaPath = top;
  for (let index = 0; index < rest.length; index += 1) {
    const segment = rest[index] as string;
    const last = index === rest.length - 1;
    const nextPath = segment === "[]" || segment === "{}" ? `${schemaPath}${segment}` : `${schemaPath}.${segment}`;
    const fresh = (): JsonValue => (last ? value : (sampleValue(contract, contractNodeAt(contract, nextPath)) as JsonValue));
    if (segment === "[]") {
      if (!Array.isArray(container)) return undefined;
      if (container.length === 0) container.push(fresh());
      else if (last) container[0] = value;
      field = `${field}[0]`;
      container = container[0] as JsonValue;
    } else if (segment === "{}") {
      if (!isJsonObject(container)) return undefined;
      container["pod-patch-verify"] = last ? value : (container["pod-patch-verify"] ?? fresh());
      field = `${field}[pod-patch-verify]`;
      container = container["pod-patch-verify"] as JsonValue;
    } else {
      if (!isJsonObject(container)) return undefined;
      if (last || container[segment] === undefined || container[segment] === null) container[segment] = fresh();
      field = `${field}.${segment}`;
      container = container[segment] as JsonValue;
    }
    schemaPath = nextPath;
  }
  return { member: top, value: root, field };
}

/**
 * For each Pod field the contract has and the server does not know: the field set in a merge patch under
 * the default field validation (dropped with a warning?) and under Strict (refused?). For each enum value
 * the contract accepts and the server's schema does not list: the value set (refused?).
 */
function fieldProbes(pod: Pod, differences: SchemaDifference[], contract: OpenApiNode): Probe[] {
  const name = pod.metadata?.name ?? "";
  const probes: Probe[] = [];
  const seen = new Set<string>();
  for (const difference of differences) {
    if (difference.impact !== "contract-accepts" || difference.podPath === undefined) continue;
    const isProperty = difference.aspect === "property";
    const isValue = difference.aspect === "enum" && difference.contract === true;
    if (!isProperty && !isValue) continue;
    if (seen.has(difference.id)) continue;
    seen.add(difference.id);
    const enumValue = isValue
      ? (JSON.parse(difference.id.slice(difference.id.indexOf(":enum:") + ":enum:".length)) as JsonValue)
      : undefined;
    const value = enumValue ?? sampleValue(contract, contractNodeAt(contract, difference.podPath));
    const placed = withValueAt(contract, pod, difference.podPath, value);
    if (placed === undefined) continue;
    const body = JSON.stringify({ [placed.member]: placed.value });
    const base = { name, contentType: MERGE, body };
    if (isProperty) {
      probes.push({
        id: `field-${difference.location}-warn`,
        category: "fields and values the server does not know",
        title: `${placed.field} set, default field validation`,
        request: { ...base, query: [] },
        about: { difference: difference.id, question: "warn", field: placed.field },
      });
      probes.push({
        id: `field-${difference.location}-strict`,
        category: "fields and values the server does not know",
        title: `${placed.field} set, fieldValidation=Strict`,
        request: { ...base, query: [["fieldValidation", "Strict"]] },
        about: { difference: difference.id, question: "strict", field: placed.field },
      });
    } else {
      probes.push({
        id: `value-${difference.location}-${JSON.stringify(enumValue)}`,
        category: "fields and values the server does not know",
        title: `${placed.field} = ${JSON.stringify(enumValue)}`,
        request: { ...base, query: [] },
        about: { difference: difference.id, question: "value", field: placed.field },
      });
    }
  }
  return probes;
}
