/**
 * The stateful mock's answers from its store, apart from any socket: a GET or PATCH of a Pod (tools/servers/
 * pod-api.ts over the PodStore, the engine's writePod), checked against the contract before anything is
 * stored or sent, and the test-isolation requests of `/mock/pods`. The one owner of the store runs these:
 * the mock's own process (tools/servers/mock-server.ts), or, with `--workers`, the primary process that
 * its workers ask over IPC (tools/servers/mock-workers.ts) — so the store has one owner however many
 * processes serve HTTP.
 *
 * Inputs: a StoreQuestion (what the front accepted: the route's parameters, the decoded body, its media
 * type, the query, the User-Agent, the front's warnings and Prism's verdict on the request). Output: a
 * StoreReply — a Status to answer with (the request's violations, the engine's refusal, a patched Pod the
 * Pod schema refuses: 422, a Pod too large to store: 500), or the answer's status, headers and JSON text.
 * Throws an Error for an answer that breaks the contract otherwise (the caller answers 500 and logs it).
 * A question with `checkUnstored` gets an answer that stores nothing (a GET, a no-op or dry-run PATCH, a
 * refusal) back unchecked, for the asker to check with finishAnswer (the same check, in its process);
 * what is stored is always checked here first. A question asked again on the same stored Pod gets the
 * reply it got before when that reply stored nothing and took nothing from the clock
 * (tools/servers/answer-memo.ts).
 * Every part of a question and a reply is plain JSON, so both cross a process boundary unchanged.
 */
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { Pod } from "../../src/operation/patch-pod.js";
import type { Status } from "../../src/status/status.js";
import { plainErrorStatus } from "./apiserver-decoding.js";
import { AnswerMemo } from "./answer-memo.js";
import { refusalStage, violationStatus, warningHeaders } from "./front.js";
import { controlRequest, type PodAnswer, patchPod, readPod } from "./pod-api.js";
import { examplePods, PodStore, StoreLimitError } from "./pod-store.js";
import { installPrismAdjustments, loadValidators, type PrismValidator } from "./prism-internals.js";
import { SHOWN_VIOLATIONS, type Violation } from "./send-status.js";
import { loadSpec, type PrismOperation, type Profile } from "./spec.js";
import { isError, toViolation } from "./violations.js";
import { warmValidators } from "./warm-validators.js";
import type { IHttpResponse } from "@stoplight/prism-http";
import { asStored } from "../../src/engine/index.js";
import type { JsonObject } from "../../src/engine/json.js";

/** What the front hands the store's owner for a GET or PATCH of a Pod. */
export interface StoreQuestion {
  method: "get" | "patch";
  /** The operation's id in the bundle (Prism's). */
  operationId: string;
  /** The route's path parameters (namespace, name). */
  parameters: Record<string, string>;
  /** The decoded body of a PATCH. */
  body?: unknown;
  /** The accepted media type of a PATCH, without parameters. */
  essence?: string;
  /** The query string, `?…` or empty. */
  query: string;
  userAgent?: string;
  /** The unknown-field warnings of the front's decoding, worded as the apiserver words them. */
  warnings: string[];
  /** Prism's verdict on the request. */
  diagnostics: IPrismDiagnostic[];
  /** `METHOD url` of the request, for the message of an internal failure. */
  request: string;
  /** The asker checks an answer that stores nothing itself (finishAnswer): the owner then only computes it. */
  checkUnstored?: boolean;
  /**
   * The body of a PATCH as received (Latin-1: one character per byte), when it is at most answer-memo.ts's
   * MAX_BODY_BYTES: the body's part of the key under which the answer may be kept. Absent: not kept.
   */
  bodyBytes?: string;
}

export type StoreReply =
  | { kind: "status"; status: Status; violations?: Violation[] }
  | { kind: "answer"; status: number; headers: Record<string, string | string[]>; payload: string; violations: Violation[] }
  /** With `checkUnstored`: an answer that stores nothing, for the asker to check (finishAnswer). */
  | { kind: "unchecked"; answer: PodAnswer; violations: Violation[] };

/** A reply ready to send. */
export type FinishedReply = Exclude<StoreReply, { kind: "unchecked" }>;

/**
 * The contract's verdict on an answer of the store, with the headers to send it with. A patched Pod the
 * Pod schema refuses (a label that is not a string, say) is refused with 422, as the apiserver refuses
 * what does not decode into its types; any other answer that breaks the contract is an internal failure
 * (thrown).
 */
export function checkAnswer(
  validateOutput: PrismValidator<IHttpResponse>,
  operation: PrismOperation,
  question: StoreQuestion,
  answer: PodAnswer,
): { kind: "status"; status: Status } | { kind: "accepted"; headers: Record<string, string | string[]> } {
  const headers: Record<string, string | string[]> =
    answer.warnings === undefined || answer.status >= 300 ? {} : { warning: warningHeaders(answer.warnings) };
  // Prism reads a repeated header as one value joined by commas, as HTTP allows.
  const flat = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]),
  );
  const verdict = validateOutput({
    resource: operation,
    element: { statusCode: answer.status, headers: { "content-type": "application/json", ...flat }, body: answer.body },
  });
  const problems = verdict._tag === "Left" ? verdict.left.filter(isError) : [];
  if (problems.length > 0 && answer.status < 300 && operation.method === "patch") {
    // A Pod to store comes with its fieldsV1 still to write out (pod-api.ts PodAnswer): checked as they are,
    // since the contract's FieldsV1 is any object, but shown written out.
    answer.fieldsV1?.fill(answer.body as JsonObject);
    return { kind: "status", status: violationStatus(operation, question.parameters, problems, answer.body, "application/json") };
  }
  if (problems.length > 0) {
    const listed = problems.map((diagnostic) => `${(diagnostic.path ?? []).join(".")}: ${diagnostic.message}`).join("; ");
    throw new Error(`the ${answer.status} answer the store computed for ${question.request} breaks the contract: ${listed}`);
  }
  return { kind: "accepted", headers };
}

/** A reply ready to send: an `unchecked` one checked here (checkAnswer) and serialized; any other as it is. */
export function finishAnswer(
  validateOutput: PrismValidator<IHttpResponse>,
  operation: PrismOperation,
  question: StoreQuestion,
  reply: StoreReply,
): FinishedReply {
  if (reply.kind !== "unchecked") return reply;
  const verdict = checkAnswer(validateOutput, operation, question, reply.answer);
  if (verdict.kind === "status") return verdict;
  return {
    kind: "answer",
    status: reply.answer.status,
    headers: verdict.headers,
    payload: JSON.stringify(reply.answer.body),
    violations: reply.violations,
  };
}

export interface StoreAnswers {
  answer(question: StoreQuestion): StoreReply;
  /** A `/mock/pods` request (pod-api.ts controlRequest); undefined for a method it does not take. */
  control(method: string, bytes: Buffer): PodAnswer | undefined;
}

export function createStoreAnswers(
  operations: readonly PrismOperation[],
  store: PodStore,
  validateOutput: PrismValidator<IHttpResponse>,
): StoreAnswers {
  const byId = new Map(operations.map((operation) => [operation.id, operation]));
  const memo = new AnswerMemo();

  /** The answer after checking it against the contract (checkAnswer), storing a written Pod only then. */
  function checked(
    operation: PrismOperation,
    question: StoreQuestion,
    answer: PodAnswer,
    violations: Violation[],
  ): FinishedReply {
    const verdict = checkAnswer(validateOutput, operation, question, answer);
    if (verdict.kind === "status") return verdict;
    let payload: string;
    if (answer.store === true) {
      try {
        payload = store.save(answer.body as Pod, answer.fieldsV1).json;
      } catch (error) {
        if (!(error instanceof StoreLimitError)) throw error;
        return { kind: "status", status: plainErrorStatus(error.message) };
      }
    } else payload = JSON.stringify(answer.body);
    return { kind: "answer", status: answer.status, headers: verdict.headers, payload, violations };
  }

  return {
    answer(question) {
      const operation = byId.get(question.operationId);
      if (operation === undefined) throw new Error(`no operation ${question.operationId} in the bundle`);
      // An answer computed before on the same stored Pod (tools/servers/answer-memo.ts).
      const key = memo.keyOf(question);
      const namespace = question.parameters.namespace ?? "";
      const name = question.parameters.name ?? "";
      const state = store.state(namespace, name);
      const stored = () => JSON.stringify(store.get(namespace, name) ?? null);
      const known = key === undefined ? undefined : memo.lookup(key, state);
      if (typeof known === "object") return known;
      const query = new URLSearchParams(question.query);
      // As many as the sl-violations header can show (send-status.ts SHOWN_VIOLATIONS), not one per diagnostic.
      const requestViolations = question.diagnostics
        .slice(0, SHOWN_VIOLATIONS + 1)
        .map((diagnostic) => toViolation(diagnostic, "request"));
      const errors = question.diagnostics.filter(isError);
      // Nothing is stored before the contract and the engine both accept the request. A request the contract
      // refuses is answered with the engine's refusals that come before the contract's in the apiserver's
      // order (front.ts refusalStage) or else with the contract's refusal: what comes after cannot change
      // that answer, so the engine stops before it — before decoding for a decoding mistake (or a JSON Patch
      // the contract refuses), before validation for any other.
      const stage = errors.length === 0 ? undefined : refusalStage(errors, question.essence);
      const stopBefore = stage === undefined ? undefined : stage === "decoding" || stage === "patch" ? "decoding" : "validation";
      const planned =
        question.method === "get"
          ? readPod(store, question.parameters)
          : patchPod(store, question.parameters, question.body, question.essence ?? "", query, question.userAgent, {
              ...(stopBefore === undefined ? {} : { stopBefore }),
            });
      // The front's decoding words the unknown-field warnings as the apiserver does; the engine's are for what a patch adds.
      const { warnings } = question;
      const ignoring = query.get("fieldValidation") === "Ignore";
      const engineWarnings = ignoring ? [] : (planned.warnings ?? []).filter((text) => !warnings.includes(text));
      const { warnings: _engine, varying = [], ...plannedAnswer } = planned;
      const allWarnings = [...warnings, ...engineWarnings];
      const answer = { ...plannedAnswer, ...(allWarnings.length === 0 ? {} : { warnings: allWarnings }) };
      // The engine's refusals before the contract's: the Pod's lookup (404) and the front's 400s always; for a
      // decoding or validation mistake, every refusal the engine made before stopping (a patch that cannot be
      // applied — a strategic list element without its merge key is a 500 —, then for validation the name
      // and namespace, 400, and the resourceVersion, 409). A JSON Patch the contract refuses keeps the
      // contract's generic 422 over the engine's own words for the operation that fails.
      const engineFirst =
        planned.status === 404 ||
        planned.status === 400 ||
        ((stage === "decoding" || stage === "validation") && planned.status >= 400);
      if (errors.length > 0 && !engineFirst) {
        const refusal: FinishedReply = {
          kind: "status",
          status: violationStatus(operation, question.parameters, errors, question.body, question.essence),
          violations: requestViolations,
        };
        if (key !== undefined) memo.keep(key, state, refusal, varying, stored);
        return refusal;
      }
      // A write is not kept (the store's next state is another), nor a create (a dry run's has a new uid).
      const keepable = key !== undefined && answer.store !== true && answer.status !== 201;
      // An answer nothing is stored from may be checked by whoever asked (a worker of --workers, beside the
      // owner) — unless it is asked again on the same Pod: then the owner checks it to keep it.
      if (question.checkUnstored === true && answer.store !== true && !(keepable && known === "seen")) {
        if (keepable && known === undefined) memo.see(key, state);
        return { kind: "unchecked", answer, violations: requestViolations };
      }
      const reply = checked(operation, question, answer, requestViolations);
      if (keepable) memo.keep(key, state, reply, varying, stored);
      return reply;
    },
    control: (method, bytes) => controlRequest(store, method, bytes),
  };
}

/**
 * The store's answers for the mock's options: the bundle's operations, Prism's check of answers, and a
 * store seeded with the Pods of the contract's examples plus `pods` (the primary of `--workers`).
 */
export async function loadStoreAnswers(options: { specPath: string; profile?: Profile; pods?: Pod[] }): Promise<StoreAnswers> {
  installPrismAdjustments();
  const { output } = loadValidators();
  const { document, operations } = await loadSpec(options.specPath, options.profile);
  // The answers' schemas compiled before the workers announce the port (tools/servers/warm-validators.ts).
  warmValidators(operations, { output });
  return createStoreAnswers(operations, new PodStore([...examplePods(document), ...(options.pods ?? [])], asStored), output);
}
