/**
 * The bad requests of differential suite 3 (errors.test.ts): each is sent as it is to the real apiserver
 * (recorded in test/fixtures/apiserver/errors.json) and to the mock, and the answers are compared; suite
 * 4 (contract.test.ts) sends them through the validating proxy as well. Every request targets the Pod
 * `web` of namespace `gt-errors`, which the live suite creates afresh before each case.
 *
 * A case the mock deliberately answers differently names its `divergence`: one of `divergences` below,
 * each with the reason docs/ground-truth.md gives. A case without one must agree.
 */
import type { ApiRequest } from "./support/server.js";

export const NAMESPACE = "gt-errors";
export const POD_NAME = "web";
export const POD_PATH = `/api/v1/namespaces/${NAMESPACE}/pods/${POD_NAME}`;

/** The Pod every case patches, as created in the real apiserver. */
export const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: POD_NAME, labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
};

export const categories = [
  "bad JSON or YAML",
  "unsupported media type",
  "query options",
  "JSON Patch operations",
  "oversized bodies",
  "missing or unknown Pod",
  "credentials",
  "unknown fields",
  "strategic merge directives",
  "routing and Accept",
  "order of refusals",
] as const;
export type Category = (typeof categories)[number];

/** Why the mock's answer differs from the server's, where it does on purpose. */
export const divergences = {
  "any token":
    "The mock cannot know which tokens a cluster accepts: any non-empty bearer token or X-Auth-Token passes its credential check.",
  "gateway credential":
    "X-Auth-Token is the credential of CCE's API gateway route; the mock accepts it as the gateway would, a bare apiserver does not know it (401).",
  "outside the contract":
    "The contract has no PUT on the Pod; the mock answers 405, the apiserver (which has PUT) 415 for a PATCH body.",
  "contract restriction":
    "The contract refuses the request on purpose (docs/ground-truth.md, Contract: deliberate restrictions); the mock answers with the contract, the apiserver accepts.",
  "duplicate keys":
    "The mock's JSON parser keeps the last of duplicated keys without a word; the apiserver warns (duplicate field). Duplicate keys in YAML are refused under Strict as the apiserver refuses them.",
  "mock nesting limit":
    "The mock refuses bodies nested deeper than 256 levels (node's stack); the apiserver allows 10000 (docs/decisions/0004-proxy-forwarder-and-nesting-limit.md).",
} as const;
export type Divergence = keyof typeof divergences;

export interface ErrorCase {
  id: string;
  category: Category;
  request: ApiRequest;
  divergence?: Divergence;
}

const JSON_PATCH = "application/json-patch+json";
const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";
const MIB = 1024 * 1024;

/** A PATCH of the Pod with this Content-Type (none when undefined), query and raw body. */
function patch(
  contentType: string | undefined,
  body: string,
  query = "",
  headers: Record<string, string> = {},
  path = POD_PATH,
): ApiRequest {
  return {
    method: "PATCH",
    path: `${path}${query}`,
    headers: { ...(contentType === undefined ? {} : { "content-type": contentType }), ...headers },
    body,
  };
}

const json = (value: unknown): string => JSON.stringify(value);
const applyYaml = (rest = ""): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD_NAME}\n${rest}`;

const badBodies: ErrorCase[] = [
  { id: "json-patch-truncated", category: "bad JSON or YAML", request: patch(JSON_PATCH, '[{"op": "add", "path": ') },
  { id: "json-patch-empty-body", category: "bad JSON or YAML", request: patch(JSON_PATCH, "") },
  { id: "json-patch-bad-character", category: "bad JSON or YAML", request: patch(JSON_PATCH, '[{"op": "add",}]') },
  {
    id: "json-patch-ignore-truncated",
    category: "bad JSON or YAML",
    request: patch(JSON_PATCH, "[{", "?fieldValidation=Ignore"),
  },
  {
    id: "json-patch-object",
    category: "bad JSON or YAML",
    request: patch(JSON_PATCH, json({ op: "add", path: "/metadata/labels/a", value: "b" })),
  },
  { id: "json-patch-string", category: "bad JSON or YAML", request: patch(JSON_PATCH, '"x"') },
  { id: "json-patch-ignore-object", category: "bad JSON or YAML", request: patch(JSON_PATCH, "{}", "?fieldValidation=Ignore") },
  { id: "json-patch-number-element", category: "bad JSON or YAML", request: patch(JSON_PATCH, "[1]") },
  { id: "json-patch-op-number", category: "bad JSON or YAML", request: patch(JSON_PATCH, json([{ op: 1, path: "/a" }])) },
  {
    id: "json-patch-path-number",
    category: "bad JSON or YAML",
    request: patch(JSON_PATCH, json([{ op: "add", path: 5, value: "x" }])),
  },
  { id: "merge-truncated", category: "bad JSON or YAML", request: patch(MERGE, '{"metadata": {') },
  { id: "merge-empty-body", category: "bad JSON or YAML", request: patch(MERGE, "") },
  { id: "merge-trailing-garbage", category: "bad JSON or YAML", request: patch(MERGE, "{} x") },
  { id: "merge-ignore-truncated", category: "bad JSON or YAML", request: patch(MERGE, '{"a":', "?fieldValidation=Ignore") },
  { id: "merge-null", category: "bad JSON or YAML", request: patch(MERGE, "null") },
  { id: "merge-array", category: "bad JSON or YAML", request: patch(MERGE, "[]") },
  { id: "merge-string", category: "bad JSON or YAML", request: patch(MERGE, '"x"') },
  { id: "strategic-unquoted-key", category: "bad JSON or YAML", request: patch(STRATEGIC, "{spec: }") },
  { id: "strategic-empty-body", category: "bad JSON or YAML", request: patch(STRATEGIC, "") },
  { id: "strategic-bad-literal", category: "bad JSON or YAML", request: patch(STRATEGIC, '{"spec": tru}') },
  { id: "strategic-array", category: "bad JSON or YAML", request: patch(STRATEGIC, "[]") },
  { id: "strategic-string", category: "bad JSON or YAML", request: patch(STRATEGIC, '"x"') },
  {
    id: "apply-unclosed-flow-map",
    category: "bad JSON or YAML",
    request: patch(APPLY, "apiVersion: v1\nkind: Pod\nmetadata: {name: web\n", "?fieldManager=tests"),
  },
  { id: "apply-empty-body", category: "bad JSON or YAML", request: patch(APPLY, "", "?fieldManager=tests") },
  { id: "apply-list", category: "bad JSON or YAML", request: patch(APPLY, "[]", "?fieldManager=tests") },
  { id: "apply-string", category: "bad JSON or YAML", request: patch(APPLY, "x", "?fieldManager=tests") },
  {
    id: "apply-kind-deployment",
    category: "bad JSON or YAML",
    request: patch(APPLY, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n", "?fieldManager=tests"),
  },
  {
    id: "apply-without-api-version",
    category: "bad JSON or YAML",
    request: patch(APPLY, "kind: Pod\nmetadata:\n  name: web\n", "?fieldManager=tests"),
  },
  {
    id: "merge-label-not-a-string",
    category: "bad JSON or YAML",
    request: patch(MERGE, json({ metadata: { labels: { a: 1 } } })),
  },
  {
    id: "strategic-image-not-a-string",
    category: "bad JSON or YAML",
    request: patch(STRATEGIC, json({ spec: { containers: [{ name: "web", image: 5 }] } })),
  },
  { id: "merge-spec-list", category: "bad JSON or YAML", request: patch(MERGE, json({ spec: [] })) },
  {
    id: "merge-time-lower-case",
    category: "bad JSON or YAML",
    request: patch(MERGE, json({ status: { startTime: "2024-05-01t12:00:00z" } })),
  },
  {
    id: "merge-time-without-colon",
    category: "bad JSON or YAML",
    request: patch(MERGE, json({ status: { startTime: "2024-05-01T12:00:00+0100" } })),
  },
  {
    id: "apply-image-not-a-string",
    category: "bad JSON or YAML",
    request: patch(APPLY, applyYaml("spec:\n  containers:\n  - name: web\n    image: 5\n"), "?fieldManager=tests"),
  },
  {
    id: "merge-deeply-nested",
    category: "bad JSON or YAML",
    request: patch(MERGE, `${'{"metadata":{"annotations":{"a":'.repeat(1)}${"[".repeat(300)}${"]".repeat(300)}}}}`),
    divergence: "mock nesting limit",
  },
];

const mediaTypes: ErrorCase[] = [
  "application/json",
  "text/plain",
  undefined,
  "application/*",
  "application/apply-patch+cbor",
  "application/json-patch",
  "application/yaml",
  "application/x-www-form-urlencoded",
  "application/vnd.kubernetes.protobuf",
  "application/cbor",
  "APPLICATION/MERGE-PATCH+JSON",
  "application/merge-patch+json ;charset=utf-8",
].map((contentType) => ({
  id: `content-type-${contentType === undefined ? "none" : contentType.replace(/[^a-zA-Z0-9+.*-]+/g, "_")}`,
  category: "unsupported media type" as const,
  request: patch(contentType, "{}"),
}));

const queryOptions: ErrorCase[] = [
  { id: "dry-run-bogus", category: "query options", request: patch(MERGE, "{}", "?dryRun=Bogus") },
  { id: "dry-run-lower-case", category: "query options", request: patch(MERGE, "{}", "?dryRun=all") },
  { id: "dry-run-empty", category: "query options", request: patch(MERGE, "{}", "?dryRun=") },
  { id: "dry-run-list-with-bogus", category: "query options", request: patch(MERGE, "{}", "?dryRun=All&dryRun=X") },
  { id: "dry-run-list", category: "query options", request: patch(MERGE, "{}", "?dryRun=All&dryRun=All") },
  { id: "field-validation-bogus", category: "query options", request: patch(MERGE, "{}", "?fieldValidation=Bogus") },
  { id: "field-validation-lower-case", category: "query options", request: patch(MERGE, "{}", "?fieldValidation=strict") },
  { id: "field-validation-empty", category: "query options", request: patch(MERGE, "{}", "?fieldValidation=") },
  { id: "field-manager-129-bytes", category: "query options", request: patch(MERGE, "{}", `?fieldManager=${"a".repeat(129)}`) },
  { id: "field-manager-128-bytes", category: "query options", request: patch(MERGE, "{}", `?fieldManager=${"a".repeat(128)}`) },
  {
    id: "field-manager-43-euro-signs",
    category: "query options",
    request: patch(MERGE, "{}", `?fieldManager=${encodeURIComponent("€".repeat(43))}`),
  },
  { id: "field-manager-tab", category: "query options", request: patch(MERGE, "{}", "?fieldManager=a%09b") },
  { id: "field-manager-delete-character", category: "query options", request: patch(MERGE, "{}", "?fieldManager=a%7Fb") },
  { id: "field-manager-no-break-space", category: "query options", request: patch(MERGE, "{}", "?fieldManager=a%C2%A0b") },
  { id: "field-manager-next-line", category: "query options", request: patch(MERGE, "{}", "?fieldManager=a%C2%85b") },
  { id: "field-manager-space", category: "query options", request: patch(MERGE, "{}", "?fieldManager=deploy%20bot") },
  { id: "field-manager-empty-merge", category: "query options", request: patch(MERGE, "{}", "?fieldManager=") },
  { id: "force-true-merge", category: "query options", request: patch(MERGE, "{}", "?force=true") },
  { id: "force-false-json-patch", category: "query options", request: patch(JSON_PATCH, "[]", "?force=false") },
  { id: "apply-without-field-manager", category: "query options", request: patch(APPLY, applyYaml()) },
  { id: "apply-empty-field-manager", category: "query options", request: patch(APPLY, applyYaml(), "?fieldManager=") },
  {
    id: "several-bad-options",
    category: "query options",
    request: patch(MERGE, "{}", "?force=true&dryRun=X&fieldValidation=Bogus&fieldManager=a%09b%0A"),
  },
  { id: "pretty-true-capitalised", category: "query options", request: patch(MERGE, "{}", "?pretty=True") },
  { id: "pretty-yes", category: "query options", request: patch(MERGE, "{}", "?pretty=yes"), divergence: "contract restriction" },
  {
    id: "force-bogus-apply",
    category: "query options",
    request: patch(APPLY, applyYaml(), "?fieldManager=tests&force=bogus"),
    divergence: "contract restriction",
  },
  { id: "force-one-apply", category: "query options", request: patch(APPLY, applyYaml(), "?fieldManager=tests&force=1") },
];

const jsonPatchOps: ErrorCase[] = [
  {
    id: "op-unknown",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "frob", path: "/metadata/labels/a" }])),
  },
  {
    id: "op-missing",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ path: "/metadata/labels/a", value: "b" }])),
  },
  {
    id: "path-without-slash",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "add", path: "metadata/labels/a", value: "b" }])),
  },
  {
    id: "move-without-from",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "move", path: "/metadata/labels/a" }])),
  },
  {
    id: "test-fails",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "test", path: "/metadata/labels/app", value: "nope" }])),
  },
  {
    id: "remove-missing-path",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "remove", path: "/metadata/labels/missing" }])),
  },
  {
    id: "all-six-ops",
    category: "JSON Patch operations",
    request: patch(
      JSON_PATCH,
      json([
        { op: "add", path: "/metadata/labels/tier", value: "web" },
        { op: "test", path: "/metadata/labels/app", value: "web" },
        { op: "copy", from: "/metadata/labels/app", path: "/metadata/labels/copied" },
        { op: "move", from: "/metadata/labels/copied", path: "/metadata/labels/moved" },
        { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28" },
        { op: "remove", path: "/metadata/labels/tier" },
      ]),
    ),
  },
  {
    id: "op-with-unknown-member",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "add", path: "/metadata/labels/a", value: "b", extra: 1 }])),
  },
  { id: "empty-json-patch", category: "JSON Patch operations", request: patch(JSON_PATCH, "[]") },
  {
    id: "null-json-patch",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, "null"),
    divergence: "contract restriction",
  },
  {
    id: "add-without-value",
    category: "JSON Patch operations",
    request: patch(JSON_PATCH, json([{ op: "add", path: "/metadata/labels/a" }])),
    divergence: "contract restriction",
  },
];

const oversized: ErrorCase[] = [
  {
    id: "body-over-3-mib",
    category: "oversized bodies",
    request: patch(MERGE, json({ metadata: { annotations: { blob: "x".repeat(3 * MIB) } } })),
  },
  {
    id: "json-patch-10001-ops",
    category: "oversized bodies",
    request: patch(
      JSON_PATCH,
      json(Array.from({ length: 10_001 }, () => ({ op: "test", path: "/metadata/name", value: POD_NAME }))),
    ),
  },
  {
    id: "json-patch-10000-ops",
    category: "oversized bodies",
    request: patch(
      JSON_PATCH,
      json(Array.from({ length: 10_000 }, () => ({ op: "test", path: "/metadata/name", value: POD_NAME }))),
    ),
  },
];

const missing: ErrorCase[] = [
  {
    id: "absent-pod",
    category: "missing or unknown Pod",
    request: patch(MERGE, "{}", "", {}, `/api/v1/namespaces/${NAMESPACE}/pods/absent`),
  },
  {
    id: "absent-namespace",
    category: "missing or unknown Pod",
    request: patch(MERGE, "{}", "", {}, "/api/v1/namespaces/no-such-namespace/pods/web"),
  },
  {
    id: "pod-name-not-dns",
    category: "missing or unknown Pod",
    request: patch(MERGE, "{}", "", {}, `/api/v1/namespaces/${NAMESPACE}/pods/Bad_Name`),
  },
  {
    id: "namespace-not-dns",
    category: "missing or unknown Pod",
    request: patch(MERGE, "{}", "", {}, "/api/v1/namespaces/Not_A_Label/pods/web"),
  },
  {
    id: "pod-name-not-dns-bad-body",
    category: "missing or unknown Pod",
    request: patch(JSON_PATCH, "[", "", {}, `/api/v1/namespaces/${NAMESPACE}/pods/Bad_Name`),
  },
  {
    id: "get-pod-name-not-dns",
    category: "missing or unknown Pod",
    request: { method: "GET", path: `/api/v1/namespaces/${NAMESPACE}/pods/Bad_Name` },
  },
  {
    id: "name-differs-from-url",
    category: "missing or unknown Pod",
    request: patch(MERGE, json({ metadata: { name: "other" } })),
  },
  {
    id: "apply-name-differs-from-url",
    category: "missing or unknown Pod",
    request: patch(APPLY, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\n", "?fieldManager=tests"),
  },
];

const credentials: ErrorCase[] = [
  { id: "no-credentials", category: "credentials", request: patch(MERGE, "{}", "", { authorization: "" }) },
  {
    id: "wrong-bearer-token",
    category: "credentials",
    request: patch(MERGE, "{}", "", { authorization: "Bearer not-a-token" }),
    divergence: "any token",
  },
  { id: "basic-credentials", category: "credentials", request: patch(MERGE, "{}", "", { authorization: "Basic dXNlcjpwdw==" }) },
  { id: "bearer-without-token", category: "credentials", request: patch(MERGE, "{}", "", { authorization: "Bearer" }) },
  {
    id: "x-auth-token-only",
    category: "credentials",
    request: patch(MERGE, "{}", "", { authorization: "", "x-auth-token": "iam-token" }),
    divergence: "gateway credential",
  },
  { id: "no-credentials-bad-body", category: "credentials", request: patch("text/plain", "{", "", { authorization: "" }) },
];

const unknownFields: ErrorCase[] = [
  { id: "merge-unknown-spec-field", category: "unknown fields", request: patch(MERGE, json({ spec: { bogus: 1 } })) },
  {
    id: "merge-unknown-top-level-field",
    category: "unknown fields",
    request: patch(MERGE, json({ metdata: { labels: { a: "b" } } })),
  },
  {
    id: "merge-three-unknown-fields",
    category: "unknown fields",
    request: patch(MERGE, json({ spec: { bogus: 1, other: 2 }, zz: 1 })),
  },
  {
    id: "merge-unknown-container-field",
    category: "unknown fields",
    request: patch(MERGE, json({ spec: { containers: [{ name: "web", image: "nginx:1.27", bogus: 1 }] } })),
  },
  { id: "merge-status-ignored", category: "unknown fields", request: patch(MERGE, json({ status: { phase: "Running" } })) },
  { id: "merge-patch-directive-is-a-field", category: "unknown fields", request: patch(MERGE, json({ $patch: "replace" })) },
  { id: "strategic-unknown-field", category: "unknown fields", request: patch(STRATEGIC, json({ spec: { bogus: 1 } })) },
  { id: "strategic-unknown-directive-key", category: "unknown fields", request: patch(STRATEGIC, json({ spec: { $frob: 1 } })) },
  {
    id: "json-patch-adds-unknown-field",
    category: "unknown fields",
    request: patch(JSON_PATCH, json([{ op: "add", path: "/spec/bogus", value: { x: 1 } }])),
  },
  {
    id: "json-patch-adds-unknown-container-field",
    category: "unknown fields",
    request: patch(JSON_PATCH, json([{ op: "add", path: "/spec/containers/0/bogus", value: 1 }])),
  },
  {
    id: "merge-unknown-field-strict",
    category: "unknown fields",
    request: patch(MERGE, json({ spec: { bogus: 1 } }), "?fieldValidation=Strict"),
  },
  {
    id: "merge-three-unknown-fields-strict",
    category: "unknown fields",
    request: patch(MERGE, json({ spec: { bogus: 1, other: 2 }, zz: 1 }), "?fieldValidation=Strict"),
  },
  {
    id: "strategic-unknown-fields-strict",
    category: "unknown fields",
    request: patch(STRATEGIC, json({ spec: { bogus: 1, other: 2 }, zz: 1 }), "?fieldValidation=Strict"),
  },
  {
    id: "json-patch-unknown-field-strict",
    category: "unknown fields",
    request: patch(JSON_PATCH, json([{ op: "add", path: "/spec/bogus", value: 1 }]), "?fieldValidation=Strict"),
  },
  {
    id: "merge-unknown-field-ignore",
    category: "unknown fields",
    request: patch(MERGE, json({ spec: { bogus: 1 } }), "?fieldValidation=Ignore"),
  },
  {
    id: "apply-unknown-field",
    category: "unknown fields",
    request: patch(APPLY, applyYaml("spec:\n  bogus: 1\n"), "?fieldManager=tests"),
  },
  {
    id: "apply-unknown-field-strict",
    category: "unknown fields",
    request: patch(APPLY, applyYaml("spec:\n  bogus: 1\n"), "?fieldManager=tests&fieldValidation=Strict"),
  },
  {
    id: "apply-unknown-top-level-field",
    category: "unknown fields",
    request: patch(APPLY, applyYaml("bogus: 1\n"), "?fieldManager=tests"),
  },
  {
    id: "apply-unknown-container-field",
    category: "unknown fields",
    request: patch(APPLY, applyYaml("spec:\n  containers:\n  - name: web\n    bad: 1\n"), "?fieldManager=tests"),
  },
  {
    id: "apply-status-ignored",
    category: "unknown fields",
    request: patch(APPLY, applyYaml("status:\n  phase: Running\n"), "?fieldManager=tests"),
  },
  {
    id: "merge-duplicate-key",
    category: "unknown fields",
    request: patch(MERGE, '{"metadata":{"labels":{"a":"1","a":"2"}}}'),
    divergence: "duplicate keys",
  },
  {
    id: "apply-duplicate-key-strict",
    category: "unknown fields",
    request: patch(
      APPLY,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  name: web\n",
      "?fieldManager=tests&fieldValidation=Strict",
    ),
  },
];

const directives: ErrorCase[] = [
  { id: "patch-merge-at-top", category: "strategic merge directives", request: patch(STRATEGIC, json({ $patch: "merge" })) },
  {
    id: "patch-bogus-in-metadata",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ metadata: { $patch: "bogus" } })),
  },
  {
    id: "patch-merge-in-labels",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ metadata: { labels: { $patch: "merge" } } })),
  },
  {
    id: "patch-merge-in-list-entry",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ spec: { containers: [{ name: "web", $patch: "merge" }] } })),
  },
  {
    id: "patch-bogus-in-list-entry",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ spec: { containers: [{ name: "web", $patch: "bogus" }] } })),
  },
  {
    id: "set-element-order-unknown-list",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ spec: { "$setElementOrder/bogus": [{ name: "x" }] } })),
  },
  {
    id: "delete-from-unknown-primitive-list",
    category: "strategic merge directives",
    request: patch(STRATEGIC, json({ metadata: { "$deleteFromPrimitiveList/bogus": ["a"] } })),
  },
  {
    id: "null-strategic-patch",
    category: "strategic merge directives",
    request: patch(STRATEGIC, "null"),
    divergence: "contract restriction",
  },
];

const routing: ErrorCase[] = [
  {
    id: "post-on-pod",
    category: "routing and Accept",
    request: { method: "POST", path: POD_PATH, headers: { "content-type": MERGE }, body: "{}" },
  },
  {
    id: "put-on-pod",
    category: "routing and Accept",
    request: { method: "PUT", path: POD_PATH, headers: { "content-type": MERGE }, body: "{}" },
    divergence: "outside the contract",
  },
  {
    id: "unknown-resource",
    category: "routing and Accept",
    request: patch(MERGE, "{}", "", {}, `/api/v1/namespaces/${NAMESPACE}/frobs/web`),
  },
  { id: "accept-html", category: "routing and Accept", request: patch(MERGE, "{}", "", { accept: "text/html" }) },
  { id: "accept-cbor", category: "routing and Accept", request: patch(MERGE, "{}", "", { accept: "application/cbor" }) },
  { id: "accept-html-bad-body", category: "routing and Accept", request: patch(MERGE, "{", "", { accept: "text/html" }) },
  {
    id: "accept-html-on-get",
    category: "routing and Accept",
    request: { method: "GET", path: POD_PATH, headers: { accept: "text/html" } },
  },
  {
    id: "accept-yaml",
    category: "routing and Accept",
    request: patch(MERGE, "{}", "", { accept: "application/yaml" }),
  },
  {
    id: "accept-json-or-html",
    category: "routing and Accept",
    request: patch(MERGE, "{}", "", { accept: "text/html, application/json;q=0.5" }),
  },
];

/**
 * Requests with two mistakes, each refused at another step of the apiserver's patch: the patch applied
 * (a strategic list element without its merge key), the patched object decoded (a value of the wrong type),
 * the update's checks (the name, a stale resourceVersion), validation (a value the contract does not
 * allow). The first step's refusal is the answer.
 */
const invalidPort = { spec: { containers: [{ name: "web", ports: [{ containerPort: 80, protocol: "BOGUS" }] }] } };
const order: ErrorCase[] = [
  {
    id: "order-merge-key-before-validation",
    category: "order of refusals",
    request: patch(STRATEGIC, json({ spec: { containers: [{}] } })),
  },
  {
    id: "order-decoding-before-name",
    category: "order of refusals",
    request: patch(MERGE, json({ metadata: { name: "other", labels: { a: 5 } } })),
  },
  {
    id: "order-decoding-before-conflict",
    category: "order of refusals",
    request: patch(STRATEGIC, json({ metadata: { resourceVersion: "1", labels: { a: 5 } } })),
  },
  {
    id: "order-apply-typed-patch-before-name",
    category: "order of refusals",
    request: patch(
      APPLY,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n  containers:\n  - name: web\n    args: [1]\n",
      "?fieldManager=order",
    ),
  },
  {
    id: "order-name-before-validation",
    category: "order of refusals",
    request: patch(STRATEGIC, json({ metadata: { name: "other" }, ...invalidPort })),
  },
  {
    id: "order-conflict-before-validation",
    category: "order of refusals",
    request: patch(STRATEGIC, json({ metadata: { resourceVersion: "1" }, ...invalidPort })),
  },
];

export const errorCases: ErrorCase[] = [
  ...badBodies,
  ...mediaTypes,
  ...queryOptions,
  ...jsonPatchOps,
  ...oversized,
  ...missing,
  ...credentials,
  ...unknownFields,
  ...directives,
  ...routing,
  ...order,
];
