/**
 * The cases of the patch-engine differential suite (test/differential/engine.test.ts) and how each is
 * put to the real apiserver.
 *
 * Cases: every kubectl-parity case (test/fixtures/engine/parity-cases.ts) with its patch type, and every
 * update-rule case (test/fixtures/engine/update-rule-cases.ts) turned into a patch of each type: a JSON
 * Patch (fast-json-patch's compare of the base Pod and the edited one), a merge patch (json-merge-patch's
 * generate), and that merge patch sent as a strategic merge patch where it means the same edit (applyPatch
 * of it gives the edited Pod; where a merge-key list would be merged instead of replaced, there is no
 * directive-free strategic patch and that type does not apply). Apply patches are the apply suite's.
 *
 * Base Pods on the server: each case creates its own Pod (a unique name derived from the case id) from
 * the fixture without what a create cannot carry — the server-owned metadata, `status` and
 * `spec.ephemeralContainers` — then writes those the ways the apiserver allows: the ephemeral containers
 * through the `ephemeralcontainers` subresource, the status through the `status` subresource, and a
 * deletion in progress by DELETE (the Pod's finalizer keeps it). What the last of those requests answers
 * is the server's own object: the base the project's prediction starts from.
 *
 * Outputs: `engineCases`, `referenceCases` (one per base, recorded whole), `createServerBase`, `podPatch`.
 */
import { createHash } from "node:crypto";
import fastJsonPatch from "fast-json-patch";
import jsonMergePatch from "json-merge-patch";
import { applyPatch, PatchError } from "../../src/engine/index.js";
import type { JsonObject, JsonValue } from "../../src/engine/json.js";
import type { PatchMediaType } from "../../src/operation/patch-pod.js";
import { type KubectlPatchType, parityCases } from "../fixtures/engine/parity-cases.js";
import { editedPod, type UpdateRuleBase, updateRuleBases, updateRuleCases } from "../fixtures/engine/update-rule-cases.js";
import type { ApiserverConnection } from "./support/live-apiserver.js";
import { ask, createPod, type Json } from "./support/server.js";

export type EnginePatchType = KubectlPatchType;

export const mediaTypes: Record<EnginePatchType, PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** The namespace of every Pod this suite creates (other suites share the control plane). */
export const namespace = "engine";

export interface EngineCase {
  /** Unique: `<source> <type> <kind> — <name>`. */
  id: string;
  source: "kubectl parity" | "update rules";
  /** What the case exercises, as the agreement table groups it (`update rules` for the update-rule cases). */
  kind: string;
  name: string;
  type: EnginePatchType;
  base: UpdateRuleBase;
  /** The patch as the fixture has it; `podPatch` adapts it to the case's Pod name. */
  patch: JsonValue;
  /** The Pod's name on the server: `e-` and a hash of the id, so a recording names the same Pod every time. */
  pod: string;
  /** A parity case applyPatch refuses on purpose although kubectl's library accepts it: why. */
  deviation?: string;
}

/** A base Pod recorded whole, so that the cases can record theirs as the few changes from it. */
export interface ReferenceCase {
  reference: true;
  id: string;
  base: UpdateRuleBase;
  pod: string;
}

function podName(id: string): string {
  return `e-${createHash("sha256").update(id).digest("hex").slice(0, 12)}`;
}

function engineCase(
  source: EngineCase["source"],
  kind: string,
  name: string,
  type: EnginePatchType,
  base: UpdateRuleBase,
  patch: JsonValue,
  deviation?: string,
): EngineCase {
  const id = `${source} ${type} ${kind} — ${name}`;
  return { id, source, kind, name, type, base, patch, pod: podName(id), ...(deviation === undefined ? {} : { deviation }) };
}

function sameJson(left: unknown, right: unknown): boolean {
  return fastJsonPatch.compare(left as object, right as object).length === 0;
}

/** The update-rule case as a patch of `type`, or undefined where no patch of that type makes the same edit. */
function updateRulePatch(testCase: (typeof updateRuleCases)[number], type: EnginePatchType): JsonValue | undefined {
  const base = updateRuleBases[testCase.base];
  const target = editedPod(testCase);
  if (type === "json") return fastJsonPatch.compare(base, target) as unknown as JsonValue;
  const merge = (jsonMergePatch.generate(base, target) ?? {}) as JsonObject;
  if (type === "merge") return merge;
  try {
    return sameJson(applyPatch(base, merge, mediaTypes.strategic), target) ? merge : undefined;
  } catch (error) {
    if (error instanceof PatchError) return undefined;
    throw error;
  }
}

export const engineCases: EngineCase[] = [
  ...parityCases.map((testCase) =>
    engineCase("kubectl parity", testCase.kind, testCase.name, testCase.type, testCase.pod, testCase.patch, testCase.deviation),
  ),
  ...updateRuleCases.flatMap((testCase) =>
    (["json", "merge", "strategic"] as const).flatMap((type) => {
      const patch = updateRulePatch(testCase, type);
      return patch === undefined ? [] : [engineCase("update rules", "update rules", testCase.name, type, testCase.base, patch)];
    }),
  ),
];

export const referenceCases: ReferenceCase[] = (Object.keys(updateRuleBases) as UpdateRuleBase[]).map((base) => {
  const id = `reference base Pod ${base}`;
  return { reference: true as const, id, base, pod: podName(id) };
});

/**
 * The patch as sent for a case: a patch that names the fixture's Pod (`$patch: replace` of the whole
 * Pod carries `metadata.name`) names the case's Pod instead, so it means on the server what it means on
 * the fixture.
 */
export function podPatch(testCase: EngineCase): JsonValue {
  const fixtureName = updateRuleBases[testCase.base].metadata?.name;
  const patch = testCase.patch;
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const metadata = patch.metadata;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata) || metadata.name !== fixtureName) return patch;
  return { ...patch, metadata: { ...metadata, name: testCase.pod } };
}

const serverOwnedMetadata = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "selfLink",
  "namespace",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "generation",
  "managedFields",
];

async function expectOk(
  what: string,
  request: Parameters<typeof ask>[1],
  server: ApiserverConnection,
): Promise<{ [key: string]: Json }> {
  const answer = await ask(server, request);
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as { [key: string]: Json };
}

/** Creates the base Pod `base` as `name` (see the header) and returns the server's own object. */
export async function createServerBase(
  server: ApiserverConnection,
  base: UpdateRuleBase,
  name: string,
): Promise<{ [key: string]: Json }> {
  const fixture = structuredClone(updateRuleBases[base]) as JsonObject & { metadata: JsonObject; spec: JsonObject };
  const { status, ...pod } = fixture;
  const { ephemeralContainers, ...spec } = fixture.spec;
  const metadata = Object.fromEntries(Object.entries(fixture.metadata).filter(([key]) => !serverOwnedMetadata.includes(key)));
  const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
  let object = await createPod(server, namespace, { ...pod, metadata: { ...metadata, name }, spec } as { [key: string]: Json });
  const merge = { "content-type": mediaTypes.merge };
  if (ephemeralContainers !== undefined) {
    const body = JSON.stringify({ spec: { ephemeralContainers } });
    object = await expectOk(
      `ephemeral containers of ${name}`,
      { method: "PATCH", path: `${path}/ephemeralcontainers`, headers: merge, body },
      server,
    );
  }
  if (status !== undefined) {
    object = await expectOk(
      `status of ${name}`,
      { method: "PATCH", path: `${path}/status`, headers: merge, body: JSON.stringify({ status }) },
      server,
    );
  }
  if (fixture.metadata.deletionTimestamp !== undefined) {
    await expectOk(`deletion of ${name}`, { method: "DELETE", path: `${path}?gracePeriodSeconds=0` }, server);
    object = await expectOk(`${name} being deleted`, { method: "GET", path }, server);
  }
  return object;
}
