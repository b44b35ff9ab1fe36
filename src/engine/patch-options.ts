// The apiserver's PatchOptions validation (kubernetes v1.35.4
// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidatePatchOptions): an
// apply patch needs `fieldManager`, and `force` is only for apply. Used by the mock's front
// (tools/servers/apiserver-rules.ts) and by verify's predictions. Input: the media-type essence and the
// query. Output: the 422 PatchOptions Status, or undefined when the options pass. Pure function.
import { invalidStatus, type Status, type StatusCause } from "../status/status.js";

function isApply(essence: string): boolean {
  return essence.startsWith("application/apply-patch+");
}

/** ValidatePatchOptions: apply needs `fieldManager`, and `force` is only for apply. 422 PatchOptions otherwise. */
export function checkPatchOptions(essence: string, query: URLSearchParams): Status | undefined {
  const causes: StatusCause[] = [];
  if (isApply(essence) && !query.get("fieldManager")) {
    causes.push({ reason: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" });
  }
  if (!isApply(essence) && query.has("force")) {
    causes.push({
      reason: "FieldValueForbidden",
      field: "force",
      message: "Forbidden: may not be specified for non-apply patch",
    });
  }
  return causes.length === 0 ? undefined : invalidStatus({ kind: "PatchOptions", group: "meta.k8s.io", name: "" }, causes);
}
