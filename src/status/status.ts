// The Kubernetes `Status` of the contract, derived once from the generated model, and the Status bodies
// built locally: the reason the apiserver gives for each HTTP code, a `status: Failure` Status for a
// code and message, and the 422 Invalid Status with its `<Kind> "<name>" is invalid: …` message. Used by
// the client (error bodies that are not a Status), the patch engine (PatchError, update rules) and the
// mock and proxy in tools/servers.
import type { components } from "../../generated/openapi.js";

export type Status = components["schemas"]["Status"];
export type StatusCause = components["schemas"]["StatusCause"];
export type StatusReason = NonNullable<Status["reason"]>;
export type StatusDetails = NonNullable<Status["details"]>;

/** The apiserver's StatusReason for each HTTP code it answers with; other codes have none (""). */
const reasonsByCode: Readonly<Record<number, StatusReason>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** A `status: Failure` Status whose reason follows from the code. */
export function failureStatus(code: number, message: string, details?: StatusDetails): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    code,
    reason: reasonsByCode[code] ?? "",
    message,
    ...(details === undefined ? {} : { details }),
  };
}

/** The object a 422 Invalid is about; `group` is given only where the details carry it. */
export interface InvalidTarget {
  kind: string;
  group?: string;
  name: string;
}

/**
 * 422 Invalid about `target`, one cause per problem, its message as the apiserver words it
 * (apimachinery's errors.NewInvalid): `Pod "web" is invalid: spec: Forbidden: …`, or the causes as
 * `[a, b]` when there are several different ones; the kind is qualified by its group when it has one.
 */
export function invalidStatus(target: InvalidTarget, causes: StatusCause[]): Status {
  // field.ErrorList.ToAggregate leaves out repeated errors (the causes keep every one).
  const listed = [
    ...new Set(causes.map((cause) => (cause.field === undefined ? cause.message : `${cause.field}: ${cause.message}`))),
  ];
  const qualifiedKind = target.group === undefined || target.group === "" ? target.kind : `${target.kind}.${target.group}`;
  const summary = listed.length === 1 ? listed[0] : `[${listed.join(", ")}]`;
  // Like the apiserver's JSON, the details leave out an empty name or group (PatchOptions has no name).
  const details: StatusDetails = {
    ...(target.name === "" ? {} : { name: target.name }),
    ...(target.group ? { group: target.group } : {}),
    kind: target.kind,
    causes,
  };
  return failureStatus(422, `${qualifiedKind} "${target.name}" is invalid: ${summary}`, details);
}
