// Kubernetes Status bodies built locally: the reason the apiserver gives for each HTTP code, and a
// `status: Failure` Status for a code and message. Shared by the client (for error bodies that are not a
// Status) and meant for any other module of the package that has to invent one.
import type { Status } from "../generated/client.js";

type StatusReason = NonNullable<Status["reason"]>;
type StatusDetails = NonNullable<Status["details"]>;

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
