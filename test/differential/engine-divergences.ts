/**
 * The deliberate divergences of the patch engine from kube-apiserver v1.35.4: what of the server the
 * project does not model, why, and the exact shape of difference each explains. The patch-engine suite
 * (engine.test.ts) accepts a difference between prediction and answer only when one of these explains
 * it; docs/ground-truth.md lists them with their reasons and how many cases each explains (the table is
 * rendered from this list). `explains` is narrow on purpose: a new kind of difference fails.
 */
import { applyPatch, checkPodUpdate, PatchError } from "../../src/engine/index.js";
import type { Pod } from "../../src/operation/patch-pod.js";
import { type EngineCase, mediaTypes, podPatch } from "./engine-cases.js";
import { canonical, type JsonMap, type Outcome } from "./engine-outcomes.js";
import { denormalize } from "./support/normalize.js";
import type { Json } from "./support/server.js";
import { isDeepStrictEqual } from "node:util";

/** What a divergence sees of a case: the case, the server's base Pod, both outcomes. */
export interface Compared {
  testCase: EngineCase;
  base: JsonMap;
  server: Outcome;
  predicted: Outcome;
}

export interface Divergence {
  id: string;
  /** Why the project does not model it; rendered into docs/ground-truth.md. */
  reason: string;
  explains(compared: Compared): boolean;
}

type Cause = { field?: Json; message?: Json; reason?: Json };
const causesOf = (outcome: Outcome): Cause[] => (outcome.accepted ? [] : (outcome.causes as Cause[]));
const sameCause = (left: Cause, right: Cause): boolean => isDeepStrictEqual(canonical(left), canonical(right));

/** The causes of `server` that are not `predicted`'s, when all of `predicted`'s appear among them in order. */
function extraCauses(server: Cause[], predicted: Cause[]): Cause[] | undefined {
  const extra: Cause[] = [];
  let next = 0;
  for (const cause of server) {
    const wanted = predicted[next];
    if (wanted !== undefined && sameCause(cause, wanted)) next++;
    else extra.push(cause);
  }
  return next === predicted.length ? extra : undefined;
}

/** Texts of the update rules checkPodUpdate models: a cause with one is never "whole-object validation". */
const updateRuleTexts = [
  "Forbidden: pod updates may not",
  "Forbidden: existing toleration can not be modified",
  "Forbidden: only deletion is allowed",
  "must be less than or equal to previous value",
  "must not update from a positive integer to nil value",
  "field is immutable",
  "only additions to spec.nodeSelector are allowed",
  "Forbidden: no new finalizers can be added",
];
const isUpdateRule = (cause: Cause): boolean => updateRuleTexts.some((text) => String(cause.message ?? "").includes(text));
const isInvalid = (outcome: Outcome): boolean => !outcome.accepted && outcome.code === 422 && outcome.reason === "Invalid";

/** The spec paths checkPodUpdate's general rule names for the case (empty when that rule does not apply). */
function changedSpecPaths({ testCase, base }: Compared): string[] {
  try {
    // The recorded base's placeholders replaced by valid values: the engine decodes times (normalize.ts).
    const pod = denormalize(base) as unknown as Pod;
    const after = applyPatch(pod, podPatch(testCase), mediaTypes[testCase.type]);
    return checkPodUpdate(pod, after).find((violation) => violation.changed !== undefined)?.changed ?? [];
  } catch (error) {
    if (error instanceof PatchError) return [];
    throw error;
  }
}

export const divergences: Divergence[] = [
  {
    id: "whole-object validation",
    reason:
      "checkPodUpdate models ValidatePodUpdate's update rules and the checks of the whole-object validation (validatePodMetadataAndSpec) those rules meet again (images, activeDeadlineSeconds, tolerationSeconds, an empty container list). The server runs the rest of that validation on every update too — label and finalizer syntax, required fields of list elements, references between volumes, mounts and containers, owner references, resource limits — and the engine does not: its causes are then a subset of the server's (in order), or it accepts what the server refuses for such causes only.",
    explains: ({ server, predicted }) => {
      if (!isInvalid(server) || !(predicted.accepted || isInvalid(predicted))) return false;
      const extra = extraCauses(causesOf(server), causesOf(predicted));
      return (
        extra !== undefined && extra.length > 0 && !extra.some(isUpdateRule) && !extra.some((cause) => cause.field === "patch")
      );
    },
  },
  {
    id: "node affinity of gated Pods",
    reason:
      "A Pod that still has scheduling gates may narrow spec.affinity.nodeAffinity (ValidatePodUpdate's validateNodeAffinityMutation, with messages of its own); the engine does not model that rule and reports such a change as a change of the spec.",
    explains: (compared) => {
      const { server, predicted, base } = compared;
      const gates = (base.spec as JsonMap | undefined)?.schedulingGates;
      if (!Array.isArray(gates) || gates.length === 0 || !isInvalid(server) || !isInvalid(predicted)) return false;
      const changed = changedSpecPaths(compared);
      return (
        changed.length > 0 &&
        changed.every((path) => path.startsWith("spec.affinity")) &&
        causesOf(server).every((cause) => String(cause.field ?? "").startsWith("spec.affinity.nodeAffinity"))
      );
    },
  },
  {
    id: "values of the wrong type",
    reason:
      "A value of the wrong type for its field (a string where an object is, a `$patch` key a merge patch leaves in a map of quantities) makes the server's decoding of the patched object fail: 422 with one cause on the field `patch` quoting the whole object as Go prints it. The engine decodes a JSON Patch's result as the server does (src/engine/typed-decode.ts), not yet a merge or strategic patch's, so it refuses such a patch for another reason.",
    explains: ({ server, predicted }) => {
      const causes = causesOf(server);
      return isInvalid(server) && causes.length === 1 && causes[0]?.field === "patch" && !predicted.accepted;
    },
  },
  {
    id: "RFC 6902 deviations",
    reason:
      "The server's JSON Patch library (evanphx/json-patch v4) accepts what RFC 6901/6902 forbid — a pointer without its leading `/`, `copy` from a missing path, `test` of a missing path against null; applyPatch refuses them on purpose (src/engine/json-patch.ts), as the kubectl parity cases also record.",
    explains: ({ testCase, server, predicted }) => testCase.deviation !== undefined && server.accepted && !predicted.accepted,
  },
];
