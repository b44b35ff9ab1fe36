// The apiserver's PatchOptions validation, a port of kubernetes v1.35.4
// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidatePatchOptions, its
// causes worded as staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go words them (Go's
// %q and %#U through src/engine/go-text.ts). Used by the mock's front (tools/servers/front.ts) and by
// verify's predictions; test/differential/errors.test.ts compares its answers with the real server's.
// Input: the patch type (media-type essence) and the query. Output: the 422 PatchOptions Status, or
// undefined when the options pass. Pure function.
import { invalidStatus, type Status, type StatusCause } from "../status/status.js";
import { goQuote, goRuneNotation, isGoPrintable, runesWithByteOffsets } from "./go-text.js";

/** ValidateFieldManager's limit, in bytes. */
const FIELD_MANAGER_MAX_BYTES = 128;

/** True for the server-side apply media types (`application/apply-patch+yaml`, `+cbor`). */
export function isApply(essence: string): boolean {
  return essence.startsWith("application/apply-patch+");
}

/** field.NotSupported's wording: `Unsupported value: <value>: supported values: "a", "b"`. */
function notSupported(field: string, value: string, supported: string[]): StatusCause {
  const listed = supported.map((item) => goQuote(item)).join(", ");
  return { reason: "FieldValueNotSupported", field, message: `Unsupported value: ${value}: supported values: ${listed}` };
}

/**
 * ValidatePatchOptions, in its order: apply needs a `fieldManager` and only apply may carry `force`;
 * `fieldManager` at most 128 bytes, every rune printable (one cause per rune, at its byte offset);
 * every `dryRun` value `All`; `fieldValidation` empty, `Ignore`, `Warn` or `Strict`. The query is read
 * as the apiserver's parameter codec reads it: names are case-sensitive, the first value counts
 * (every value for `dryRun`), and `force` counts as given whatever its value. 422 PatchOptions otherwise.
 */
export function checkPatchOptions(patchType: string, query: URLSearchParams): Status | undefined {
  const causes: StatusCause[] = [];
  const fieldManager = query.get("fieldManager") ?? "";
  if (isApply(patchType)) {
    if (fieldManager === "") {
      causes.push({
        reason: "FieldValueRequired",
        field: "fieldManager",
        message: "Required value: is required for apply patch",
      });
    }
  } else if (query.has("force")) {
    causes.push({
      reason: "FieldValueForbidden",
      field: "force",
      message: "Forbidden: may not be specified for non-apply patch",
    });
  }
  if (Buffer.byteLength(fieldManager) > FIELD_MANAGER_MAX_BYTES) {
    causes.push({
      reason: "FieldValueTooLong",
      field: "fieldManager",
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_BYTES} bytes`,
    });
  }
  for (const [offset, codePoint] of runesWithByteOffsets(fieldManager)) {
    if (isGoPrintable(codePoint)) continue;
    causes.push({
      reason: "FieldValueInvalid",
      field: "fieldManager",
      message: `Invalid value: ${goQuote(fieldManager)}: invalid character ${goRuneNotation(codePoint)} (at position ${offset})`,
    });
  }
  const dryRun = query.getAll("dryRun");
  if (dryRun.some((value) => value !== "All")) {
    causes.push(notSupported("dryRun", `[${dryRun.map((value) => JSON.stringify(value)).join(",")}]`, ["All"]));
  }
  const fieldValidation = query.get("fieldValidation") ?? "";
  if (!["", "Ignore", "Strict", "Warn"].includes(fieldValidation)) {
    causes.push(notSupported("fieldValidation", goQuote(fieldValidation), ["", "Ignore", "Strict", "Warn"]));
  }
  return causes.length === 0 ? undefined : invalidStatus({ kind: "PatchOptions", group: "meta.k8s.io", name: "" }, causes);
}
