/**
 * The requests of differential suite 4 (contract.test.ts) beyond suite 3's bad ones: requests the real
 * apiserver accepts — each of the corrections the server made to the contract (six JSON Patch
 * operations, unknown fields and `status`, query spellings, list-valued `dryRun`, field-manager bytes,
 * times) — and the few the contract refuses on purpose though the server accepts them, each naming its
 * `restriction` (one of `restrictions`, whose reasons docs/ground-truth.md gives). All target the Pod of
 * error-cases.ts in a namespace of their own (NAMESPACE), which the live suite creates afresh before each case.
 *
 * Two cases need more than one request: `throttled` (API Priority and Fairness rejecting a second
 * request while a first holds the only seat, the apiserver's own 429) and `restart-all-containers`
 * (an alpha value that a server with its feature gate accepts); contract.test.ts asks them specially.
 */
import { POD_NAME } from "./error-cases.js";
import type { ApiRequest } from "./support/server.js";

/**
 * The namespace of this suite's Pod (error-cases.ts's Pod, created afresh before each case): its own, for
 * suite 3 patches its Pod while this suite runs, and in one namespace the two saw each other's labels.
 */
export const NAMESPACE = "gt-contract";
export const POD_PATH = `/api/v1/namespaces/${NAMESPACE}/pods/${POD_NAME}`;

/** Why the contract refuses a request the apiserver accepts. */
export const restrictions = {
  "pretty spellings":
    "The apiserver reads `pretty` with Go's `strconv.ParseBool` and takes any other value (`yes`) silently as false; the contract lists only the twelve spellings that mean what they say.",
  "force spellings":
    "The apiserver takes every `force` value except `0` and `false` (any case) as true — `bogus`, an empty value and even `f` force an apply; the contract accepts only the spellings on which that reading and `strconv.ParseBool` agree.",
  "null bodies":
    "A JSON Patch or strategic merge patch of `null` patches nothing (200); RFC 6902 and the strategic merge format want a list and an object.",
  "JSON Patch value":
    "RFC 6902 requires `value` for `add`, `replace` and `test`; the apiserver's library reads a missing one as `null`.",
  "RFC 3339 times":
    "Go's RFC 3339 parser falls back to a lenient reading that also takes a one-digit hour or `,` before fractional seconds; the contract's `Time` pattern keeps to RFC 3339.",
} as const;
export type Restriction = keyof typeof restrictions;

export interface ContractCase {
  id: string;
  request: ApiRequest;
  restriction?: Restriction;
  /** How contract.test.ts asks it live: one request (default), the throttling dance, or a server with a feature gate. */
  special?: "throttled" | "restart-all-containers";
}

const JSON_PATCH = "application/json-patch+json";
const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";

function patch(contentType: string, body: unknown, query = "", path = POD_PATH): ApiRequest {
  return {
    method: "PATCH",
    path: `${path}${query}`,
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

const applyYaml = (rest = "", metadata = `metadata:\n  name: ${POD_NAME}\n`): string =>
  `apiVersion: v1\nkind: Pod\n${metadata}${rest}`;
const labelPatch = { metadata: { labels: { checked: "yes" } } };
const startTime = (value: string) => ({ status: { startTime: value } });

const operations: ContractCase[] = [
  { id: "op-add", request: patch(JSON_PATCH, [{ op: "add", path: "/metadata/labels/tier", value: "web" }]) },
  { id: "op-remove", request: patch(JSON_PATCH, [{ op: "remove", path: "/metadata/labels/app" }]) },
  { id: "op-replace", request: patch(JSON_PATCH, [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28" }]) },
  { id: "op-move", request: patch(JSON_PATCH, [{ op: "move", from: "/metadata/labels/app", path: "/metadata/labels/moved" }]) },
  { id: "op-copy", request: patch(JSON_PATCH, [{ op: "copy", from: "/metadata/labels/app", path: "/metadata/labels/copied" }]) },
  { id: "op-test", request: patch(JSON_PATCH, [{ op: "test", path: "/metadata/labels/app", value: "web" }]) },
  { id: "op-null-body", request: patch(JSON_PATCH, "null"), restriction: "null bodies" },
  {
    id: "op-add-without-value",
    request: patch(JSON_PATCH, [{ op: "add", path: "/metadata/labels/empty" }]),
    restriction: "JSON Patch value",
  },
];

const bodies: ContractCase[] = [
  { id: "merge-status", request: patch(MERGE, { status: { phase: "Running" } }) },
  { id: "merge-unknown-field", request: patch(MERGE, { spec: { bogus: 1 } }) },
  { id: "strategic-unknown-field", request: patch(STRATEGIC, { spec: { containers: [{ name: "web", bogus: 1 }] } }) },
  { id: "strategic-null-body", request: patch(STRATEGIC, "null"), restriction: "null bodies" },
  {
    id: "json-patch-extra-member",
    request: patch(JSON_PATCH, [{ op: "add", path: "/metadata/labels/x", value: "y", note: "why" }]),
  },
  {
    id: "apply-without-name",
    request: patch(APPLY, applyYaml("", 'metadata:\n  labels:\n    applied: "yes"\n'), "?fieldManager=contract"),
  },
  { id: "apply-status", request: patch(APPLY, applyYaml("status:\n  phase: Running\n"), "?fieldManager=contract") },
  {
    id: "apply-creates",
    request: patch(
      APPLY,
      applyYaml("spec:\n  containers:\n  - name: web\n    image: nginx:1.27\n", "metadata:\n  name: made-by-apply\n"),
      "?fieldManager=contract",
      `/api/v1/namespaces/${NAMESPACE}/pods/made-by-apply`,
    ),
  },
  { id: "merge-charset", request: { ...patch(MERGE, labelPatch), headers: { "content-type": `${MERGE}; charset=latin1` } } },
  { id: "time-utc", request: patch(MERGE, startTime("2024-05-01T12:00:00Z")) },
  { id: "time-fraction-offset", request: patch(MERGE, startTime("2024-05-01T12:00:00.123+01:00")) },
  { id: "time-one-digit-hour", request: patch(MERGE, startTime("2024-05-01T1:00:00Z")), restriction: "RFC 3339 times" },
  { id: "time-comma-fraction", request: patch(MERGE, startTime("2024-05-01T12:00:00,5Z")), restriction: "RFC 3339 times" },
  { id: "time-offset-24", request: patch(MERGE, startTime("2024-05-01T12:00:00+24:00")) },
];

const parseBoolSpellings = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"];

const queries: ContractCase[] = [
  ...parseBoolSpellings.map((value) => ({ id: `pretty-${value}`, request: patch(MERGE, labelPatch, `?pretty=${value}`) })),
  { id: "pretty-yes", request: patch(MERGE, labelPatch, "?pretty=yes"), restriction: "pretty spellings" as const },
  { id: "pretty-empty", request: patch(MERGE, labelPatch, "?pretty=") },
  ...["true", "True", "TRUE", "1", "t", "T", "false", "False", "FALSE", "0"].map((value) => ({
    id: `force-${value}`,
    request: patch(APPLY, applyYaml(), `?fieldManager=contract&force=${value}`),
  })),
  { id: "force-empty", request: patch(APPLY, applyYaml(), "?fieldManager=contract&force=") },
  ...["f", "bogus"].map((value) => ({
    id: `force-${value}`,
    request: patch(APPLY, applyYaml(), `?fieldManager=contract&force=${value}`),
    restriction: "force spellings" as const,
  })),
  { id: "dry-run", request: patch(MERGE, labelPatch, "?dryRun=All") },
  { id: "dry-run-twice", request: patch(MERGE, labelPatch, "?dryRun=All&dryRun=All") },
  { id: "field-manager-space", request: patch(MERGE, labelPatch, "?fieldManager=deploy%20bot") },
  { id: "field-manager-128-bytes", request: patch(MERGE, labelPatch, `?fieldManager=${"m".repeat(128)}`) },
  { id: "field-manager-42-euro-signs", request: patch(MERGE, labelPatch, `?fieldManager=${encodeURIComponent("€".repeat(42))}`) },
  { id: "field-manager-empty", request: patch(MERGE, labelPatch, "?fieldManager=") },
  ...["", "Ignore", "Warn", "Strict"].map((value) => ({
    id: `field-validation-${value === "" ? "empty" : value}`,
    request: patch(MERGE, labelPatch, `?fieldValidation=${value}`),
  })),
];

const special: ContractCase[] = [
  { id: "throttled", request: patch(MERGE, labelPatch), special: "throttled" },
  {
    id: "restart-all-containers",
    request: patch(JSON_PATCH, [{ op: "test", path: "/metadata/name", value: POD_NAME }]),
    special: "restart-all-containers",
  },
];

export const contractCases: ContractCase[] = [...operations, ...bodies, ...queries, ...special];
