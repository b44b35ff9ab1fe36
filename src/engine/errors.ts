// The engine's one error type: a patch the apiserver would refuse, carrying the Kubernetes Status it
// would answer with (built by src/status/status.ts), exactly as the apiserver words it — which often says
// nothing of where the patch went wrong. That is kept apart: `field` (the offending field path, e.g.
// `spec.containers[0]`, when the engine knows it) and the Error's message, which explains the refusal.
// Inputs: HTTP code, message, field path. Output: PatchError.
import { failureStatus, type Status, type StatusCause } from "../status/status.js";
import { goQuote } from "./go-text.js";

export class PatchError extends Error {
  readonly status: Status;
  /** The field path the refusal is about, when known (the Status may not name it). */
  readonly field: string | undefined;

  constructor(status: Status, explanation?: { field?: string; message?: string }) {
    super(explanation?.message ?? status.message);
    this.name = "PatchError";
    this.status = status;
    this.field = explanation?.field;
  }
}

/** A Failure Status for a Pod (named when known) with one cause per field. */
export function podFailure(code: number, message: string, causes: StatusCause[], name?: string): Status {
  return failureStatus(code, message, { kind: "Pod", ...(name === undefined ? {} : { name }), causes });
}

/** 400 BadRequest: the body is not a patch of the declared media type at all. */
export function badPatch(field: string, message: string): PatchError {
  return new PatchError(podFailure(400, message, [{ reason: "FieldValueTypeInvalid", field, message }]), { field });
}

/** 400 BadRequest with no details, as the apiserver's errors.NewBadRequest answers. */
export function badRequest(message: string, field?: string): PatchError {
  return new PatchError(failureStatus(400, message), { field, message });
}

/**
 * 422 Invalid without details: what the apiserver answers (errors.NewGenericServerResponse) for a JSON
 * Patch that cannot apply and for the strategic merge errors it maps to 422; its message is generic, so
 * the explanation stays on the PatchError.
 */
export function unprocessable(field: string, explanation: string): PatchError {
  const status: Status = { ...failureStatus(422, "the server rejected our request due to an error in our request"), details: {} };
  return new PatchError(status, { field, message: explanation });
}

/**
 * 500 with the library's error text and no reason: what the apiserver answers for a strategic merge
 * error it does not map (handlers/patch.go interpretStrategicMergePatchError passes it through, and
 * responsewriters turns an error that is not a Status into this).
 */
export function internalError(message: string, field: string): PatchError {
  const { reason: _none, ...status } = failureStatus(500, message);
  return new PatchError(status, { field, message });
}

/**
 * The 422 the apiserver answers for a patched object that does not decode into the Go types, and under
 * fieldValidation=Strict for its unknown fields (handlers/patch.go: errors.NewInvalid with one
 * field.Invalid on `patch`): the patched object's JSON text quoted in the message (`dump`; the mock's
 * front, which has no patched object, quotes the body), no kind, no name, one cause on the field `patch`.
 */
export function patchInvalidStatus(dump: string, detail: string): Status {
  const message = `Invalid value: ${goQuote(dump)}: ${detail}`;
  return failureStatus(422, ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: "FieldValueInvalid", message, field: "patch" }],
  });
}
