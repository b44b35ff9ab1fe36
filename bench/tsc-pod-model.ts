/**
 * Benchmark (not a test; it never fails on slowness): how much `tsc --noEmit` time the full Kubernetes
 * 1.35 Pod model costs a consumer, compared with the subset model the project started from.
 *
 * "before" is a pruned copy of generated/openapi.json: every schema the CCE response example
 * (components.examples.PodHelloWorld.value) reaches keeps only the properties that example uses, and
 * schemas nothing references any more are dropped. "after" is the bundle as is. Each is turned into
 * generated/openapi.ts + generated/patch-pod-operation.ts in memory by the generate stage itself (same
 * openapi-typescript options), written to a temp dir with a small consumer program, and type-checked
 * five times with the project's own TypeScript and compiler options; the median is reported.
 *
 * Run: npx tsx bench/tsc-pod-model.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, readText } from "../tools/pipeline/common.js";
import { generateFiles, operationPath, readBundle, typesPath } from "../tools/pipeline/generate.js";
import { componentClosure, componentName, type Json } from "../test/support/pod-schema.js";
import { median } from "./support/measure.js";

const runs = 5;
const tscPath = join(projectRoot, "node_modules", "typescript", "bin", "tsc");

/** Schema name → the properties the example value uses, found by walking value and schema together. */
function usedProperties(schemas: Json, value: unknown, schema: Json, used: Map<string, Set<string>>, name?: string): void {
  if (typeof schema.$ref === "string") {
    const target = componentName(schema.$ref);
    usedProperties(schemas, value, schemas[target], used, target);
    return;
  }
  if (Array.isArray(value) && schema.items) {
    for (const item of value) usedProperties(schemas, item, schema.items, used);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  if (schema.properties) {
    const names = used.get(name ?? "") ?? new Set<string>();
    if (name !== undefined) used.set(name, names);
    for (const [key, member] of Object.entries(value)) {
      const property = schema.properties[key];
      if (property === undefined) throw new Error(`the example sets ${name}.${key}, which the schema does not define`);
      names.add(key);
      usedProperties(schemas, member, property, used);
    }
  } else if (typeof schema.additionalProperties === "object") {
    for (const member of Object.values(value)) usedProperties(schemas, member, schema.additionalProperties, used);
  }
}

/** Every component schema named by a `$ref` anywhere under `node`. */
function referencedSchemas(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(referencedSchemas);
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")
      ? [componentName(value)]
      : referencedSchemas(value),
  );
}

/** The "before" model: the bundle with the Pod closure cut down to what the CCE example uses. */
function pruneToExample(document: Json): Json {
  const pruned = structuredClone(document);
  const schemas: Json = pruned.components.schemas;
  const used = new Map<string, Set<string>>();
  usedProperties(schemas, pruned.components.examples.PodHelloWorld.value, { $ref: "#/components/schemas/Pod" }, used);
  for (const [name, keep] of used) {
    const schema = schemas[name];
    schema.properties = Object.fromEntries(Object.entries(schema.properties).filter(([property]) => keep.has(property)));
    if (schema.required) schema.required = schema.required.filter((property: string) => keep.has(property));
  }
  const roots = referencedSchemas({ ...pruned, components: { ...pruned.components, schemas: {} } });
  const reachable = new Set(roots.flatMap((root) => [...componentClosure(schemas, root)]));
  for (const name of Object.keys(schemas)) if (!reachable.has(name)) delete schemas[name];
  return pruned;
}

/** A consumer typed against the generated model: the example as a typed literal plus a few field reads. */
function consumerProgram(example: unknown): string {
  return `import type { components } from "./openapi.js";

type Pod = components["schemas"]["Pod"];
type ContainerStatus = components["schemas"]["ContainerStatus"];

export const helloWorld: Pod = ${JSON.stringify(example, null, 2)};

export function images(pod: Pod): string[] {
  return (pod.spec?.containers ?? []).map((container) => container.image ?? "");
}

export function waitingReasons(pod: Pod): string[] {
  return (pod.status?.containerStatuses ?? []).flatMap((status: ContainerStatus) => status.state?.waiting?.reason ?? []);
}

export function label(pod: Pod, key: string): string | undefined {
  return pod.metadata?.labels?.[key];
}
`;
}

interface Measurement {
  model: string;
  schemas: number;
  properties: number;
  typeLines: number;
  medianMs: number;
  runsMs: number[];
}

/** Generates the model's types into a temp dir next to the consumer and times `tsc --noEmit` on it. */
async function measure(model: string, document: Json, example: unknown): Promise<Measurement> {
  // json and yaml only feed the manifest's hashes, which the benchmark does not write.
  const files = await generateFiles({ document, json: JSON.stringify(document), yaml: "" });
  const dir = mkdtempSync(join(tmpdir(), `tsc-pod-model-${model}-`));
  try {
    const projectOptions = JSON.parse(readText(join(projectRoot, "tsconfig.json"))).compilerOptions as Json;
    const types = files.get(typesPath)!;
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...projectOptions, noEmit: true, types: [] }, files: ["consumer.ts"] }),
    );
    writeFileSync(join(dir, "openapi.ts"), types);
    writeFileSync(join(dir, "patch-pod-operation.ts"), files.get(operationPath)!);
    writeFileSync(join(dir, "consumer.ts"), consumerProgram(example));
    const runsMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const result = spawnSync(process.execPath, [tscPath, "--noEmit", "-p", dir], { encoding: "utf8" });
      runsMs.push(Math.round(performance.now() - started));
      if (result.status !== 0) throw new Error(`tsc failed on the ${model} model:\n${result.stdout}${result.stderr}`);
    }
    const closure = componentClosure(document.components.schemas, "Pod");
    return {
      model,
      schemas: closure.size,
      properties: [...closure].reduce(
        (sum, name) => sum + Object.keys(document.components.schemas[name].properties ?? {}).length,
        0,
      ),
      typeLines: types.split("\n").length,
      medianMs: median(runsMs),
      runsMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const full = readBundle().document as Json;
const example = full.components.examples.PodHelloWorld.value;
const before = await measure("before", pruneToExample(full), example);
const after = await measure("after", full, example);

console.log(
  `tsc --noEmit of a consumer of the Pod model, median of ${runs} runs (TypeScript ${JSON.parse(readText(join(projectRoot, "node_modules", "typescript", "package.json"))).version})`,
);
console.table(
  Object.fromEntries(
    [before, after].map((m) => [
      m.model === "before" ? "before (CCE example subset)" : "after (full Kubernetes 1.35)",
      {
        "Pod schemas": m.schemas,
        "Pod properties": m.properties,
        "openapi.ts lines": m.typeLines,
        "median ms": m.medianMs,
        "runs ms": m.runsMs.join(" "),
      },
    ]),
  ),
);
console.log(`ratio after/before: ${(after.medianMs / before.medianMs).toFixed(2)}x`);
