/**
 * Differential suite 2: server-side apply. Every sequence of test/differential/support/apply-sequences.ts
 * (creates, re-applies, second managers, conflicts, force, dropped fields, Update managers next to
 * appliers, refusals) is sent to the real apiserver; its answers are recorded in
 * test/fixtures/apiserver/apply.json and replayed without Go (a live subset re-asks the server when the
 * binaries are built; see test/differential/support/recording.ts).
 *
 * What is proven: the engine's writePod (src/engine/pod-write.ts: the patch, server-side apply with field
 * ownership, defaulting, managedFields, the update rules) predicts each answer — code and Status, or the
 * whole Pod with its managedFields — from the Pod the server held before that step, after the one
 * normalization of test/differential/support/normalize.ts.
 */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PatchError, writePod } from "../../src/engine/index.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import {
  APPLY_NAMESPACE,
  type ApplySequence,
  applySequences,
  runSequence,
  sequencePod,
  type Step,
  USER_AGENT,
} from "./support/apply-sequences.js";
import type { ApiserverConnection } from "./support/live-apiserver.js";
import { denormalize, normalizeJson } from "./support/normalize.js";
import { recordedAnswers } from "./support/recording.js";
import { ask, ensureNamespace, type Json, removePod } from "./support/server.js";

const mediaTypes: Record<"json" | "merge" | "strategic", PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

async function askLive(server: ApiserverConnection, sequence: ApplySequence): Promise<Json> {
  await ensureNamespace(server, APPLY_NAMESPACE);
  const name = sequencePod(sequence);
  for (const pod of [name, `${name}-other`]) await removePod(server, APPLY_NAMESPACE, pod);
  try {
    const answers = await runSequence(sequence, (request) => ask(server, request));
    return answers.map(({ status, warnings, body }) => ({
      status,
      ...(warnings === undefined ? {} : { warnings }),
      body,
    })) as Json;
  } finally {
    await removePod(server, APPLY_NAMESPACE, name);
  }
}

const { serverVersion, answer } = recordedAnswers("apply", applySequences, askLive);

interface Recorded {
  status: number;
  warnings?: string[];
  body: Json;
}

function mediaTypeOf(step: Extract<Step, { kind: "apply" | "patch" }>): PatchMediaType {
  return step.kind === "apply" ? "application/apply-patch+yaml" : mediaTypes[step.type];
}

/** What the engine predicts the server answers to `step`, given the Pod it held before (undefined: none). */
function predict(step: Extract<Step, { kind: "apply" | "patch" }>, stored: Pod | undefined, name: string): Recorded {
  const body: unknown = typeof step.body === "string" ? parseYaml(step.body) : step.body;
  try {
    // Valid values in place of the recording's placeholders (the engine decodes a JSON-patched Pod's
    // times); normalizeJson puts them back in the answer.
    const live = stored === undefined ? undefined : (denormalize(stored as unknown as Json) as unknown as Pod);
    const result = writePod(live, body, mediaTypeOf(step), {
      namespace: APPLY_NAMESPACE,
      name,
      ...(step.manager === undefined ? {} : { fieldManager: step.manager }),
      userAgent: USER_AGENT,
      force: step.kind === "apply" && step.force === true,
      time: "2026-01-01T00:00:00Z",
      identity: { uid: "uid", creationTimestamp: "2026-01-01T00:00:00Z" },
    });
    const pod = structuredClone(result.pod) as { metadata: { resourceVersion?: string } };
    // The store gives every write a resourceVersion, except a create that is only a dry run.
    if (!(result.created && step.dryRun === true)) pod.metadata.resourceVersion = "predicted";
    return {
      status: result.created ? 201 : 200,
      ...(result.warnings.length === 0 ? {} : { warnings: result.warnings }),
      body: normalizeJson(pod as unknown as Json),
    };
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    return { status: error.status.code ?? 0, body: normalizeJson(error.status as unknown as Json) };
  }
}

const stored = (answers: Recorded[], before: number, steps: Step[]): Pod | undefined => {
  let pod: Pod | undefined;
  for (let index = 0; index < before; index += 1) {
    const step = steps[index] as Step;
    const recorded = answers[index] as Recorded;
    const dryRun = (step.kind === "apply" || step.kind === "patch") && step.dryRun === true;
    if (recorded.status < 300 && !dryRun) pod = recorded.body as unknown as Pod;
    if (step.kind === "get" && recorded.status === 404) pod = undefined;
  }
  return pod;
};

describe(`server-side apply: ${applySequences.length} sequences against the recorded answers of ${serverVersion}`, () => {
  it("has at least 50 sequences", () => {
    expect(applySequences.length).toBeGreaterThanOrEqual(50);
  });

  it.each(applySequences.map((sequence) => [sequence.id, sequence] as const))("%s", async (_, sequence) => {
    const answers = (await answer(sequence)) as unknown as Recorded[];
    expect(answers).toHaveLength(sequence.steps.length);
    const name = sequencePod(sequence);
    sequence.steps.forEach((step, index) => {
      const recorded = answers[index] as Recorded;
      const before = stored(answers, index, sequence.steps);
      const where = `${sequence.id} step ${index + 1} (${step.kind}): ${sequence.title}`;
      if (step.kind === "get") {
        const expected = before === undefined ? 404 : 200;
        expect(recorded.status, where).toBe(expected);
        if (before !== undefined) expect(recorded.body, where).toEqual(before);
        return;
      }
      if (step.kind === "post") return;
      const predicted = predict(step, before, name);
      expect(predicted, where).toEqual(recorded);
    });
  });
});
