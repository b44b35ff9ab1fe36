/**
 * The bundled Pod and Status models against the Kubernetes 1.35 inventory
 * (test/fixtures/kubernetes-1.35-pod-fields.json: facts read from kubernetes release-1.35
 * api/openapi-spec/v3/api__v1_openapi.json, as its "about" field says). For the `$ref`
 * closure of components.schemas.Pod and of components.schemas.Status in generated/openapi.json, every
 * schema, property, type, format, reference, required list and x-kubernetes-* extension (on the schema,
 * its properties, their items and map values) must equal upstream, except for the deliberate differences
 * listed below. All differences are reported at once, one readable line each.
 */
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, readText } from "../../tools/pipeline/common.js";
import { readBundle } from "../../tools/pipeline/generate.js";
import { bundleRef, componentClosure, type Json, type RefReader } from "../support/pod-schema.js";

interface Inventory {
  podClosure: { schemas: number; properties: number };
  counts: { schemas: number; properties: number };
  schemas: Record<string, Json>;
}

const inventory = JSON.parse(readText(join(projectRoot, "test", "fixtures", "kubernetes-1.35-pod-fields.json"))) as Inventory;
const bundleSchemas = (readBundle().document as Json).components.schemas as Json;

/** Upstream ids are named by their last segment in the bundle: `io.k8s.api.core.v1.PodSpec` → `PodSpec`. */
const shortName = (upstreamId: string): string => upstreamId.slice(upstreamId.lastIndexOf(".") + 1);
const inventoryRef: RefReader = (node) => (typeof node.ref === "string" ? shortName(node.ref) : undefined);

/** The inventory's schemas keyed by short name (the fixture's `ref`s rewritten the same way). */
const upstreamSchemas: Json = Object.fromEntries(
  Object.entries(inventory.schemas).map(([id, schema]) => [shortName(id), schema]),
);

/**
 * Differences from upstream that the contract makes on purpose (docs/decisions/0002-closed-value-sets.md).
 * Each is keyed by the location and fact it changes; one that no longer applies is reported too.
 */
const deliberateDifferences: Record<string, { upstream: unknown; ours: unknown; why: string }> = {
  "Time: type": {
    upstream: ["string"],
    ours: ["null", "string"],
    why: "the apiserver serialises an unset time as null, e.g. lastProbeTime",
  },
  "IntOrString.oneOf[0]: format": {
    upstream: undefined,
    ours: "int32",
    why: "the integer branch is an int32 in Go (intstr.IntOrString.IntVal)",
  },
  "Status: required": {
    upstream: [],
    ours: ["apiVersion", "code", "kind", "status"],
    why: "the apiserver fills these four in every error body it writes (ErrorToAPIStatus)",
  },
};

interface Comparison {
  differences: string[];
  coverage: { schemas: [number, number]; properties: [number, number]; extensions: [number, number] };
}

const show = (value: unknown): string =>
  value === undefined ? "(none)" : typeof value === "string" ? value : JSON.stringify(value);
const typesOf = (node: Json): string[] | undefined =>
  node.type === undefined ? undefined : [node.type].flat().map(String).sort();
const extensionKeys = (node: Json): string[] => Object.keys(node).filter((key) => key.startsWith("x-kubernetes-"));

/** Compares the closure of `root` in a bundle's schemas with the inventory's closure of the same root. */
function compareClosure(schemas: Json, root: string): Comparison {
  const differences: string[] = [];
  const applied = new Set<string>();
  const coverage: Comparison["coverage"] = { schemas: [0, 0], properties: [0, 0], extensions: [0, 0] };

  const differ = (location: string, fact: string, expected: unknown, actual: unknown): void => {
    if (isDeepStrictEqual(expected, actual)) return;
    const key = `${location}: ${fact}`;
    const allowed = deliberateDifferences[key];
    if (allowed && isDeepStrictEqual(allowed.upstream, expected) && isDeepStrictEqual(allowed.ours, actual)) {
      applied.add(key);
      return;
    }
    differences.push(`${location}: ${fact} expected ${show(expected)}, got ${show(actual)}`);
  };

  const compareNode = (location: string, expected: Json, actual: Json): void => {
    differ(location, "type", typesOf(expected), typesOf(actual));
    differ(location, "format", expected.format, actual.format);
    differ(location, "ref", inventoryRef(expected), bundleRef(actual));
    for (const key of new Set([...extensionKeys(expected), ...extensionKeys(actual)])) {
      if (key in expected) coverage.extensions[1] += 1;
      if (key in expected && isDeepStrictEqual(expected[key], actual[key])) coverage.extensions[0] += 1;
      differ(location, key, expected[key], actual[key]);
    }
    if (expected.required !== undefined || actual.required !== undefined) {
      differ(location, "required", [...(expected.required ?? [])].sort(), [...(actual.required ?? [])].sort());
    }
    for (const name of new Set([...Object.keys(expected.properties ?? {}), ...Object.keys(actual.properties ?? {})])) {
      const [want, have] = [expected.properties?.[name], actual.properties?.[name]];
      if (want !== undefined) coverage.properties[1] += 1;
      if (want === undefined) differences.push(`${location}.${name}: extra property, not in Kubernetes 1.35`);
      else if (have === undefined) differences.push(`${location}.${name}: missing property`);
      else {
        coverage.properties[0] += 1;
        compareNode(`${location}.${name}`, want, have);
      }
    }
    for (const [keyword, suffix] of [
      ["items", "[]"],
      ["additionalProperties", "{}"],
    ] as const) {
      if (expected[keyword] === undefined && actual[keyword] === undefined) continue;
      if (expected[keyword] === undefined || actual[keyword] === undefined) {
        differ(
          location,
          keyword,
          expected[keyword] === undefined ? undefined : "a schema",
          actual[keyword] === undefined ? undefined : "a schema",
        );
      } else compareNode(`${location}${suffix}`, expected[keyword], actual[keyword]);
    }
    const wantBranches: Json[] = expected.oneOf ?? [];
    const haveBranches: Json[] = actual.oneOf ?? [];
    differ(location, "oneOf branches", wantBranches.length, haveBranches.length);
    wantBranches.forEach((branch, index) => {
      const counterpart = haveBranches[index];
      if (counterpart !== undefined) compareNode(`${location}.oneOf[${index}]`, branch, counterpart);
    });
  };

  const expectedClosure = componentClosure(upstreamSchemas, root, inventoryRef);
  const actualClosure = componentClosure(schemas, root);
  coverage.schemas[1] = expectedClosure.size;
  for (const name of [...new Set([...expectedClosure, ...actualClosure])].sort()) {
    if (!actualClosure.has(name)) differences.push(`${name}: missing schema (upstream reaches it from ${root})`);
    else if (!expectedClosure.has(name)) differences.push(`${name}: extra schema in the closure of ${root}, not upstream`);
    else {
      coverage.schemas[0] += 1;
      compareNode(name, upstreamSchemas[name], schemas[name]);
    }
  }
  for (const [key, { why }] of Object.entries(deliberateDifferences)) {
    const schema = key.split(/[.:]/)[0]!;
    if (expectedClosure.has(schema) && !applied.has(key)) {
      differences.push(`${key}: deliberate difference no longer found (${why}); update deliberateDifferences`);
    }
  }
  return { differences, coverage };
}

const ratio = ([found, expected]: [number, number]): string => `${found}/${expected}`;

describe("the inventory fixture", () => {
  it("names every upstream schema by a unique last segment", () => {
    expect(Object.keys(upstreamSchemas)).toHaveLength(Object.keys(inventory.schemas).length);
  });

  it("has the Pod closure it announces, and Pod plus Status cover every schema in it", () => {
    const pod = componentClosure(upstreamSchemas, "Pod", inventoryRef);
    const status = componentClosure(upstreamSchemas, "Status", inventoryRef);
    const properties = [...pod].reduce((sum, name) => sum + Object.keys(upstreamSchemas[name].properties ?? {}).length, 0);
    expect({ schemas: pod.size, properties }).toEqual(inventory.podClosure);
    expect(new Set([...pod, ...status]).size).toBe(inventory.counts.schemas);
  });
});

describe("generated/openapi.json against Kubernetes 1.35", () => {
  it.each(["Pod", "Status"])(
    "the closure of components.schemas.%s has upstream's schemas, properties, types, formats, required lists and extensions",
    (root) => {
      const { differences, coverage } = compareClosure(bundleSchemas, root);
      console.log(
        `${root} closure: schemas ${ratio(coverage.schemas)}, properties ${ratio(coverage.properties)}, extensions ${ratio(coverage.extensions)}`,
      );
      expect(differences).toEqual([]);
    },
  );
});

/** Each row breaks one fact of an in-memory copy of the bundle and names the line the comparison must report. */
const mutations: Array<[string, (schemas: Json) => void, string]> = [
  ["a removed property", (s) => delete s.PodSpec.properties.hostname, "PodSpec.hostname: missing property"],
  [
    "an added property",
    (s) => (s.Container.properties.color = { type: "string" }),
    "Container.color: extra property, not in Kubernetes 1.35",
  ],
  [
    "a changed format",
    (s) => (s.ContainerPort.properties.containerPort.format = "int64"),
    "ContainerPort.containerPort: format expected int32, got int64",
  ],
  [
    "a changed type",
    (s) => (s.PodSpec.properties.hostNetwork.type = "string"),
    'PodSpec.hostNetwork: type expected ["boolean"], got ["string"]',
  ],
  [
    "a dropped list extension",
    (s) => delete s.PodSpec.properties.tolerations["x-kubernetes-list-type"],
    "PodSpec.tolerations: x-kubernetes-list-type expected atomic, got (none)",
  ],
  [
    "a changed map key",
    (s) => (s.PodSpec.properties.containers["x-kubernetes-list-map-keys"] = ["image"]),
    'PodSpec.containers: x-kubernetes-list-map-keys expected ["name"], got ["image"]',
  ],
  [
    "a retargeted item ref",
    (s) => (s.PodSpec.properties.initContainers.items.$ref = "#/components/schemas/EphemeralContainer"),
    "PodSpec.initContainers[]: ref expected Container, got EphemeralContainer",
  ],
  ["a changed required list", (s) => (s.Container.required = []), 'Container: required expected ["name"], got []'],
  [
    "Time no longer nullable",
    (s) => (s.Time.type = "string"),
    "Time: type: deliberate difference no longer found (the apiserver serialises an unset time as null, e.g. lastProbeTime); update deliberateDifferences",
  ],
  [
    "Time widened beyond null",
    (s) => (s.Time.type = ["string", "null", "integer"]),
    'Time: type expected ["string"], got ["integer","null","string"]',
  ],
  [
    "a schema dropped from the closure",
    (s) => {
      delete s.PodSecurityContext.properties.sysctls;
      delete s.Sysctl;
    },
    "Sysctl: missing schema (upstream reaches it from Pod)",
  ],
];

describe("the comparison itself", () => {
  it.each(mutations)("reports %s", (_name, mutate, line) => {
    const schemas = structuredClone(bundleSchemas);
    mutate(schemas);
    expect(compareClosure(schemas, "Pod").differences).toContain(line);
  });
});
