/**
 * The request sessions test/differential/mock-vs-apiserver.test.ts sends to the stateful mock and to the
 * real apiserver: raw HTTP (every server-side apply sequence of suite 2, and a matrix of JSON, merge and
 * strategic patches with refusals, dry runs, conflicts and missing Pods), kubectl commands, and calls of
 * the official JavaScript and Python clients. Each session works on Pods of its own in namespace
 * `mock-diff` and declares them, so both servers can start it from nothing.
 *
 * Inputs: none. Outputs: the sessions (`mockSessions`), each a list of steps; the runner lives in the
 * test file.
 */
import {
  applySequences,
  type ApplySequence,
  podConfig,
  sequencePod,
  type Step,
  stepRequest,
  USER_AGENT,
} from "./apply-sequences.js";
import type { ApiRequest, Json } from "./server.js";

export const MOCK_NAMESPACE = "mock-diff";

type JsonObject = { [key: string]: Json };

/** One HTTP exchange, or (for a Pod the apiserver creates by POST, which the contract lacks) a Pod loaded into the mock from the apiserver's answer. */
export type HttpStep = { request: ApiRequest; loadsPod?: boolean };

export type MockSession =
  | { id: string; kind: "http"; title: string; pods: string[]; steps: HttpStep[] }
  | { id: string; kind: "kubectl"; title: string; pods: string[]; commands: KubectlCommand[] }
  | { id: string; kind: "client-node" | "python"; title: string; pods: string[]; calls: ClientCall[] };

/** kubectl arguments (the kubeconfig and namespace are added), and a manifest for `-f -` when given. */
export interface KubectlCommand {
  args: string[];
  stdin?: string;
}

/** One call of an official client's patchNamespacedPod / readNamespacedPod. */
export interface ClientCall {
  operation: "patch" | "read";
  name: string;
  contentType?: "json" | "merge" | "strategic" | "apply";
  body?: Json;
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

const mediaTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

const podPath = (name: string): string => `/api/v1/namespaces/${MOCK_NAMESPACE}/pods/${name}`;

function patch(name: string, type: keyof typeof mediaTypes, body: Json | string, query: Record<string, string> = {}): HttpStep {
  const search = new URLSearchParams(query).toString();
  return {
    request: {
      method: "PATCH",
      path: `${podPath(name)}${search === "" ? "" : `?${search}`}`,
      headers: { "user-agent": USER_AGENT, "content-type": mediaTypes[type] },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
  };
}

const get = (name: string): HttpStep => ({
  request: { method: "GET", path: podPath(name), headers: { "user-agent": USER_AGENT } },
});

/** Creates Pod `name` by server-side apply (manager `setup`). */
const create = (name: string, parts: Parameters<typeof podConfig>[1] = {}): HttpStep =>
  patch(name, "apply", podConfig(name, parts), { fieldManager: "setup" });

function fromApplySequence(sequence: ApplySequence): MockSession {
  const name = sequencePod(sequence);
  return {
    id: `apply/${sequence.id}`,
    kind: "http",
    title: sequence.title,
    pods: [name, `${name}-other`],
    steps: sequence.steps.map((step: Step) => ({
      request: stepRequest(step, name, MOCK_NAMESPACE),
      ...(step.kind === "post" ? { loadsPod: true } : {}),
    })),
  };
}

/** A patch matrix case: create the Pod, send `steps`, read it back. */
function matrixCase(
  id: string,
  title: string,
  steps: (name: string) => HttpStep[],
  parts: Parameters<typeof podConfig>[1] = {},
): MockSession {
  const name = `mx-${id}`;
  return { id: `matrix/${id}`, kind: "http", title, pods: [name], steps: [create(name, parts), ...steps(name), get(name)] };
}

const labels: JsonObject = { metadata: { labels: { app: "web", tier: "front" } } };

function matrix(): MockSession[] {
  const cases: MockSession[] = [];
  const add = (...args: Parameters<typeof matrixCase>): void => {
    cases.push(matrixCase(...args));
  };
  const setImage = (image: string): JsonObject => ({ spec: { containers: [{ name: "web", image }] } });

  // JSON Patch.
  add("json-image", "JSON Patch replaces the image", (n) => [
    patch(n, "json", [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28" }]),
  ]);
  add(
    "json-add-label",
    "JSON Patch adds a label",
    (n) => [patch(n, "json", [{ op: "add", path: "/metadata/labels/extra", value: "1" }], { fieldManager: "editor" })],
    labels,
  );
  add(
    "json-replace-missing",
    "JSON Patch replace of a missing member adds it",
    (n) => [patch(n, "json", [{ op: "replace", path: "/metadata/labels/new", value: "x" }])],
    labels,
  );
  add("json-bad-path", "JSON Patch on a missing parent is a 422", (n) => [
    patch(n, "json", [{ op: "add", path: "/metadata/annotations/a/b", value: "x" }]),
  ]);
  add("json-add-container", "JSON Patch adding a container is refused (422)", (n) => [
    patch(n, "json", [{ op: "add", path: "/spec/containers/-", value: { name: "extra", image: "busybox:1.36" } }]),
  ]);
  add("json-dry-run", "a JSON Patch dry run changes nothing", (n) => [
    patch(n, "json", [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28" }], { dryRun: "All" }),
  ]);
  add("json-uid", "JSON Patch of the uid is refused (immutable)", (n) => [
    patch(n, "json", [{ op: "replace", path: "/metadata/uid", value: "00000000-0000-4000-8000-000000000000" }]),
  ]);
  add("json-stale-version", "a stale resourceVersion in a JSON Patch is a 409", (n) => [
    patch(n, "json", [{ op: "replace", path: "/metadata/resourceVersion", value: "1" }]),
  ]);
  add("json-deadline", "JSON Patch sets activeDeadlineSeconds", (n) => [
    patch(n, "json", [{ op: "add", path: "/spec/activeDeadlineSeconds", value: 120 }]),
  ]);
  add("json-toleration", "JSON Patch appends a toleration", (n) => [
    patch(n, "json", [{ op: "add", path: "/spec/tolerations/-", value: { key: "k", operator: "Exists", effect: "NoSchedule" } }]),
  ]);

  // Merge patch.
  add(
    "merge-label",
    "merge patch adds and removes labels",
    (n) => [patch(n, "merge", { metadata: { labels: { tier: null, extra: "1" } } }, { fieldManager: "editor" })],
    labels,
  );
  add("merge-annotations", "merge patch adds annotations", (n) => [
    patch(n, "merge", { metadata: { annotations: { "example.com/a": "1" } } }),
  ]);
  add("merge-deadline", "merge patch sets then lowers activeDeadlineSeconds", (n) => [
    patch(n, "merge", { spec: { activeDeadlineSeconds: 600 } }),
    patch(n, "merge", { spec: { activeDeadlineSeconds: 300 } }),
  ]);
  add("merge-deadline-raise", "raising activeDeadlineSeconds is a 422", (n) => [
    patch(n, "merge", { spec: { activeDeadlineSeconds: 300 } }),
    patch(n, "merge", { spec: { activeDeadlineSeconds: 600 } }),
  ]);
  add("merge-deadline-remove", "removing activeDeadlineSeconds is a 422", (n) => [
    patch(n, "merge", { spec: { activeDeadlineSeconds: 300 } }),
    patch(n, "merge", { spec: { activeDeadlineSeconds: null } }),
  ]);
  add("merge-containers", "merge patch replacing the containers list is a 422 unless it only changes images", (n) => [
    patch(n, "merge", setImage("nginx:1.28")),
    patch(n, "merge", { spec: { containers: [{ name: "web", image: "nginx:1.29", command: ["sh"] }] } }),
  ]);
  add("merge-spec-change", "merge patch of another spec field is a 422", (n) => [
    patch(n, "merge", { spec: { hostname: "other" } }),
  ]);
  add("merge-status", "status in a merge patch is ignored", (n) => [patch(n, "merge", { status: { phase: "Running" } })]);
  add("merge-dry-run", "a merge patch dry run changes nothing", (n) => [
    patch(n, "merge", { metadata: { labels: { x: "y" } } }, { dryRun: "All", fieldManager: "editor" }),
  ]);
  add("merge-stale-version", "a stale resourceVersion in a merge patch is a 409", (n) => [
    patch(n, "merge", { metadata: { resourceVersion: "1", labels: { x: "y" } } }),
  ]);
  add(
    "merge-noop",
    "a merge patch that changes nothing",
    (n) => [patch(n, "merge", { metadata: { labels: { app: "web" } } }, { fieldManager: "editor" })],
    labels,
  );
  add("merge-finalizers", "merge patch sets finalizers, then clears them", (n) => [
    patch(n, "merge", { metadata: { finalizers: ["example.com/a"] } }),
    patch(n, "merge", { metadata: { finalizers: null } }),
  ]);
  add("merge-tolerations", "merge patch replaces tolerations keeping the existing ones", (n) => [
    patch(n, "merge", {
      spec: {
        tolerations: [
          { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
          { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
          { key: "extra", operator: "Exists" },
        ],
      },
    }),
  ]);

  // Strategic merge patch.
  add("strategic-image", "strategic patch changes one container's image", (n) => [
    patch(n, "strategic", setImage("nginx:1.28"), { fieldManager: "kubectl-set" }),
  ]);
  add(
    "strategic-sidecar-image",
    "strategic patch changes the second container by its name",
    (n) => [patch(n, "strategic", { spec: { containers: [{ name: "log", image: "busybox:1.37" }] } })],
    {
      spec: {
        containers: [
          { name: "web", image: "nginx:1.27" },
          { name: "log", image: "busybox:1.36" },
        ],
      },
    },
  );
  add(
    "strategic-delete-label",
    "strategic patch deletes a label with null",
    (n) => [patch(n, "strategic", { metadata: { labels: { tier: null } } })],
    labels,
  );
  add("strategic-toleration", "strategic patch adds a toleration (atomic list: given whole)", (n) => [
    patch(n, "strategic", { spec: { tolerations: [{ key: "extra", operator: "Exists" }] } }),
  ]);
  add("strategic-unknown-container", "strategic patch of a container the Pod lacks adds it: 422", (n) => [
    patch(n, "strategic", { spec: { containers: [{ name: "other", image: "x" }] } }),
  ]);
  add("strategic-delete-container", "strategic $patch: delete of the only container is a 422", (n) => [
    patch(n, "strategic", { spec: { containers: [{ name: "web", $patch: "delete" }] } }),
  ]);
  add("strategic-finalizers", "strategic $deleteFromPrimitiveList on finalizers", (n) => [
    patch(n, "strategic", { metadata: { finalizers: ["example.com/a", "example.com/b"] } }),
    patch(n, "strategic", { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/a"] } }),
    patch(n, "merge", { metadata: { finalizers: null } }),
  ]);
  add("strategic-dry-run", "a strategic dry run changes nothing", (n) => [
    patch(n, "strategic", setImage("nginx:1.28"), { dryRun: "All" }),
  ]);
  add("strategic-deadline", "strategic patch sets activeDeadlineSeconds", (n) => [
    patch(n, "strategic", { spec: { activeDeadlineSeconds: 30 } }),
  ]);

  // Missing Pods and options.
  for (const type of ["json", "merge", "strategic"] as const) {
    const body: Json =
      type === "json" ? [{ op: "add", path: "/metadata/labels/a", value: "b" }] : { metadata: { labels: { a: "b" } } };
    cases.push({
      id: `matrix/missing-${type}`,
      kind: "http",
      title: `${type} patch of a missing Pod is a 404`,
      pods: ["mx-missing"],
      steps: [patch("mx-missing", type, body), get("mx-missing")],
    });
  }
  add("force-non-apply", "force on a merge patch is a 422 about PatchOptions", (n) => [
    patch(n, "merge", { metadata: { labels: { a: "b" } } }, { force: "true" }),
  ]);
  add(
    "apply-force-word",
    "force=True (as Go's ParseBool reads it) takes a field over",
    (n) => [
      patch(
        n,
        "apply",
        { apiVersion: "v1", kind: "Pod", metadata: { name: n, labels: { app: "api" } } },
        { fieldManager: "other" },
      ),
      patch(
        n,
        "apply",
        { apiVersion: "v1", kind: "Pod", metadata: { name: n, labels: { app: "api" } } },
        { fieldManager: "other", force: "True" },
      ),
    ],
    labels,
  );
  add("default-manager", "without fieldManager the manager is the User-Agent's first word", (n) => [
    patch(n, "merge", { metadata: { labels: { by: "agent" } } }),
  ]);
  return cases;
}

/** kubectl commands against Pods of their own (the runner adds `--kubeconfig` and `-n mock-diff`). */
function kubectlSessions(): MockSession[] {
  const manifest = (name: string, image: string, extra = ""): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: web${extra}\nspec:\n  containers:\n  - name: web\n    image: ${image}\n    ports:\n    - containerPort: 80\n`;
  const json = ["-o", "json"];
  return [
    {
      id: "kubectl/apply-session",
      kind: "kubectl",
      title: "kubectl apply --server-side: create, re-apply, a second manager, conflict, --force-conflicts, get",
      pods: ["kc-apply"],
      commands: [
        { args: ["apply", "--server-side", "-f", "-", ...json], stdin: manifest("kc-apply", "nginx:1.27") },
        { args: ["apply", "--server-side", "-f", "-"], stdin: manifest("kc-apply", "nginx:1.27") },
        { args: ["apply", "--server-side", "-f", "-"], stdin: manifest("kc-apply", "nginx:1.28", "\n    tier: front") },
        { args: ["apply", "--server-side", "--field-manager", "team", "-f", "-"], stdin: manifest("kc-apply", "nginx:1.29") },
        {
          args: ["apply", "--server-side", "--field-manager", "team", "--force-conflicts", "-f", "-", ...json],
          stdin: manifest("kc-apply", "nginx:1.29"),
        },
        { args: ["apply", "--server-side", "--dry-run=server", "-f", "-", ...json], stdin: manifest("kc-apply", "nginx:1.30") },
        { args: ["get", "pod", "kc-apply", "--show-managed-fields", ...json] },
        { args: ["get", "pod", "kc-apply", "-o", "yaml"] },
      ],
    },
    {
      id: "kubectl/edit-session",
      kind: "kubectl",
      title: "kubectl set image, label, annotate, patch of every type, dry runs and refusals",
      pods: ["kc-edit"],
      commands: [
        { args: ["apply", "--server-side", "-f", "-"], stdin: manifest("kc-edit", "nginx:1.27") },
        { args: ["set", "image", "pod/kc-edit", "web=nginx:1.28"] },
        { args: ["set", "image", "pod/kc-edit", "missing=nginx:1.28"] },
        { args: ["label", "pod", "kc-edit", "tier=front"] },
        { args: ["label", "pod", "kc-edit", "tier=back"] },
        { args: ["label", "pod", "kc-edit", "tier=back", "--overwrite"] },
        { args: ["label", "pod", "kc-edit", "tier-"] },
        { args: ["annotate", "pod", "kc-edit", "example.com/note=hello"] },
        { args: ["annotate", "pod", "kc-edit", "example.com/other=x", "--dry-run=server", ...json] },
        {
          args: [
            "patch",
            "pod",
            "kc-edit",
            "--type=json",
            "-p",
            '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.29"}]',
          ],
        },
        { args: ["patch", "pod", "kc-edit", "--type=merge", "-p", '{"metadata":{"labels":{"x":"y"}}}', ...json] },
        { args: ["patch", "pod", "kc-edit", "-p", '{"spec":{"containers":[{"name":"web","image":"nginx:1.30"}]}}'] },
        {
          args: [
            "patch",
            "pod",
            "kc-edit",
            "-p",
            '{"spec":{"containers":[{"name":"web","image":"nginx:1.31"}]}}',
            "--dry-run=server",
            ...json,
          ],
        },
        { args: ["patch", "pod", "kc-edit", "--type=merge", "-p", '{"spec":{"hostname":"x"}}'] },
        { args: ["patch", "pod", "kc-edit", "--type=merge", "-p", '{"spec":{"activeDeadlineSeconds":100}}'] },
        { args: ["patch", "pod", "kc-edit", "--type=merge", "-p", '{"spec":{"activeDeadlineSeconds":200}}'] },
        { args: ["patch", "pod", "kc-edit", "--type=json", "-p", '[{"op":"add","path":"/metadata/labels/a/b","value":"x"}]'] },
        { args: ["patch", "pod", "kc-missing", "--type=merge", "-p", '{"metadata":{"labels":{"x":"y"}}}'] },
        { args: ["get", "pod", "kc-missing"] },
        { args: ["get", "pod", "kc-edit", "--show-managed-fields", ...json] },
      ],
    },
  ];
}

function clientCalls(): ClientCall[] {
  const name = "client-pod";
  return [
    {
      operation: "patch",
      name,
      contentType: "apply",
      fieldManager: "client",
      body: podConfig(name, { metadata: { labels: { app: "web" } } }),
    },
    { operation: "read", name },
    {
      operation: "patch",
      name,
      contentType: "merge",
      fieldManager: "client-edit",
      body: { metadata: { labels: { tier: "front" } } },
    },
    {
      operation: "patch",
      name,
      contentType: "strategic",
      body: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } },
    },
    {
      operation: "patch",
      name,
      contentType: "json",
      body: [{ op: "add", path: "/metadata/annotations", value: { note: "json" } }],
    },
    { operation: "patch", name, contentType: "merge", dryRun: true, body: { metadata: { labels: { dry: "run" } } } },
    {
      operation: "patch",
      name,
      contentType: "apply",
      fieldManager: "other",
      body: podConfig(name, { spec: { containers: [{ name: "web", image: "nginx:1.29" }] } }),
    },
    {
      operation: "patch",
      name,
      contentType: "apply",
      fieldManager: "other",
      force: true,
      body: podConfig(name, { spec: { containers: [{ name: "web", image: "nginx:1.29" }] } }),
    },
    { operation: "patch", name, contentType: "merge", body: { spec: { hostname: "x" } } },
    { operation: "patch", name: "client-missing", contentType: "merge", body: { metadata: { labels: { a: "b" } } } },
    { operation: "read", name: "client-missing" },
    { operation: "read", name },
  ];
}

export const mockSessions: readonly MockSession[] = [
  ...applySequences.map(fromApplySequence),
  ...matrix(),
  ...kubectlSessions(),
  {
    id: "client-node/session",
    kind: "client-node",
    title: "@kubernetes/client-node: read, every patch type, dry run, conflict, force",
    pods: ["client-pod", "client-missing"],
    calls: clientCalls(),
  },
  {
    id: "python/session",
    kind: "python",
    title: "the kubernetes Python client: read, every patch type, dry run, conflict, force=True",
    pods: ["client-pod", "client-missing"],
    calls: clientCalls(),
  },
];
