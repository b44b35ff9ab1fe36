/**
 * A bounded memo of the stateful mock's finished answers (tools/servers/store-answers.ts): a question asked
 * again on the same stored Pod gets the answer it got before — the same status, headers and bytes — without
 * the engine computing it and Prism checking it again. Clients repeat themselves (a controller's patch
 * that is already in place, a test's re-apply, a load test's one request), and for the apiserver such a
 * no-op PATCH is cheap: it reads, patches, compares and writes nothing (docs/mock.md, "Speed").
 *
 * Why a repeat may get the same bytes: the owner of the store computes an answer from the question alone
 * (the route's parameters, the media type, the query, the User-Agent, the front's warnings, Prism's
 * verdict on the request, and the body — keyed here by its bytes as received, which the decoded body is
 * a function of) and the Pod stored at that namespace and name, named by PodStore.state: a write, a
 * reset or a load of `/mock/pods` gives it a new state, so an answer computed before is not given
 * after it. What an answer takes from the clock or chance (PodAnswer.varying: the managedFields time of
 * a dry run that changes the Pod, the uid and creation time of a dry-run create) makes it the request's
 * own: an answer that holds one is never kept. A write is never kept either (the next ask finds a new
 * state anyway). What is kept in practice: no-op and refused PATCHes, GETs, repeated dry runs of a Pod
 * without managedFields.
 *
 * With `--workers` the owner leaves the check of an answer that stores nothing to the worker that asked
 * (docs/decisions/0016-mock-workers.md); a reply kept here must have been checked, so the owner checks it
 * itself — from the second time a question is asked on the same state (`seen`), not the first: a stream of
 * questions that never repeat costs the owner nothing more than before, nor does a question whose answer
 * was found not to be kept on that state (`unkept`).
 *
 * Inputs: StoreQuestions, the Pod's state, finished replies with their `varying` texts. Outputs: a
 * finished reply to send as it is, `seen`, `unkept`, or undefined. Bounds: MAX_ENTRIES entries and MAX_SIZE
 * characters of keys and answers, least recently used dropped first (tools/servers/lru.ts); no key for a
 * body over MAX_BODY_BYTES or a verdict of more than MAX_DIAGNOSTICS diagnostics, no reply kept whose
 * Status has more than MAX_CAUSES causes.
 */
import { Lru } from "./lru.js";
import type { FinishedReply, StoreQuestion } from "./store-answers.js";

const MAX_ENTRIES = 512;
const MAX_SIZE = 16 * 1024 * 1024;
/** The largest body the front passes on for the key (StoreQuestion.bodyBytes). */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_DIAGNOSTICS = 32;
const MAX_CAUSES = 32;

interface Entry {
  /** PodStore.state when it was computed. */
  state: number;
  /** The checked reply; absent while the question has been asked only once on that state. */
  reply?: FinishedReply;
  /** The reply on that state is not to be kept (it holds what came from the clock, or is too large). */
  unkept?: boolean;
}

export class AnswerMemo {
  private readonly entries = new Lru<Entry>(MAX_ENTRIES, MAX_SIZE);

  /** The key of a question, or undefined when it is not to be kept (a body not passed on, too many diagnostics). */
  keyOf(question: StoreQuestion): string | undefined {
    if (question.method === "patch" && question.bodyBytes === undefined) return undefined;
    if (question.diagnostics.length > MAX_DIAGNOSTICS) return undefined;
    const { method, operationId, parameters, essence, query, userAgent, warnings, diagnostics } = question;
    const known = JSON.stringify([
      method,
      operationId,
      parameters,
      essence ?? null,
      query,
      userAgent ?? null,
      warnings,
      diagnostics,
    ]);
    return `${known}\n${question.bodyBytes ?? ""}`;
  }

  /**
   * The reply kept for `key` on this `state`; `seen` when it was asked once on it; `unkept` when its reply
   * on it was found not to be kept (the asker may go on checking it); else undefined.
   */
  lookup(key: string, state: number): FinishedReply | "seen" | "unkept" | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.state !== state) return undefined;
    return entry.unkept === true ? "unkept" : (entry.reply ?? "seen");
  }

  /** Notes that `key` was asked on `state` (its answer is checked elsewhere, and not kept). */
  see(key: string, state: number): void {
    this.entries.set(key, { state }, key.length);
  }

  /**
   * Keeps `reply` for `key` on `state`, unless it is too large or holds a text of `varying`. Then it is
   * noted `unkept` on this state — except when the stored Pod holds that text too (`stored`: its JSON): a
   * Pod written in the same second as this request holds the same time, and the same question asked a
   * second later may well be kept.
   */
  keep(key: string, state: number, reply: FinishedReply, varying: readonly string[], stored: () => string): void {
    if (reply.kind === "status" && (reply.status.details?.causes?.length ?? 0) > MAX_CAUSES) {
      this.entries.set(key, { state, unkept: true }, key.length);
      return;
    }
    const text =
      reply.kind === "answer"
        ? `${reply.payload}\n${JSON.stringify(reply.headers)}`
        : JSON.stringify([reply.status, reply.violations ?? null]);
    const held = varying.filter((part) => part !== "" && text.includes(part));
    if (held.length > 0) {
      const storedText = stored();
      if (held.some((part) => storedText.includes(part))) this.entries.delete(key);
      else this.entries.set(key, { state, unkept: true }, key.length);
      return;
    }
    this.entries.set(key, { state, reply }, key.length + text.length);
  }
}
