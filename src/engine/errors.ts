// The engine's one error type: a patch the apiserver would refuse, carrying the Kubernetes Status it
// would answer with (built by src/status/status.ts). Inputs: HTTP code, message, the offending field path.
// Output: PatchError, whose `status.details.causes[0].field` names the field.
import { failureStatus, type Status, type StatusCause } from "../status/status.js";

export class PatchError extends Error {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message);
    this.name = "PatchError";
    this.status = status;
  }
}

/** A Failure Status for a Pod (named when known) with one cause per field. */
export function podFailure(code: number, message: string, causes: StatusCause[], name?: string): Status {
  return failureStatus(code, message, { kind: "Pod", ...(name === undefined ? {} : { name }), causes });
}

/** 422 Invalid: the patch is well formed but cannot be applied to this Pod. */
export function invalidPatch(field: string, message: string): PatchError {
  return new PatchError(podFailure(422, message, [{ reason: "FieldValueInvalid", field, message }]));
}

/** 400 BadRequest: the body is not a patch of the declared media type at all. */
export function badPatch(field: string, message: string): PatchError {
  return new PatchError(podFailure(400, message, [{ reason: "FieldValueTypeInvalid", field, message }]));
}
