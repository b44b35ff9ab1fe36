/**
 * The server-side apply sequences of differential suite 2 (test/differential/apply.test.ts), also sent to
 * the stateful mock by test/differential/mock-vs-apiserver.test.ts. Each sequence works on one Pod of its
 * own (named after the sequence, in namespace `ssa`) through steps: applies by one or more field managers
 * (with `force`, dry runs, stale resourceVersions), other patches that leave Update entries, creation by
 * POST, resetting managedFields, and GETs that show what was stored.
 *
 * `stepRequest` turns a step into the HTTP request both servers get; `runSequence` sends a sequence with
 * any `send` function and returns the answers in order.
 */
import type { ApiAnswer, ApiRequest, Json } from "./server.js";

type JsonObject = { [key: string]: Json };

export const APPLY_NAMESPACE = "ssa";
export const USER_AGENT = "suite-two/1.0 (differential)";

export type Step =
  | { kind: "apply"; manager?: string; body: JsonObject | string; force?: boolean; dryRun?: boolean; fieldValidation?: string }
  | { kind: "patch"; type: "json" | "merge" | "strategic"; manager?: string; body: Json; dryRun?: boolean }
  | { kind: "post"; manager: string; body: JsonObject }
  | { kind: "get" };

export interface ApplySequence {
  id: string;
  title: string;
  steps: Step[];
}

const mediaTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
} as const;

/** The apply configuration of Pod `name`: `spec` and `metadata` merged over a minimal Pod with one container. */
export function podConfig(
  name: string,
  parts: { metadata?: JsonObject; spec?: JsonObject; extra?: JsonObject } = {},
): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...parts.metadata },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }], ...parts.spec },
    ...parts.extra,
  };
}

/** Only the named fields, no containers: what a manager applies when it owns only these. */
export function partialConfig(name: string, parts: { metadata?: JsonObject; spec?: JsonObject }): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...parts.metadata },
    ...(parts.spec === undefined ? {} : { spec: parts.spec }),
  };
}

const apply = (
  manager: string | undefined,
  body: JsonObject | string,
  extra: Partial<Extract<Step, { kind: "apply" }>> = {},
): Step => ({
  kind: "apply",
  ...(manager === undefined ? {} : { manager }),
  body,
  ...extra,
});
const patch = (type: "json" | "merge" | "strategic", manager: string | undefined, body: Json, dryRun = false): Step => ({
  kind: "patch",
  type,
  ...(manager === undefined ? {} : { manager }),
  body,
  ...(dryRun ? { dryRun } : {}),
});
const get: Step = { kind: "get" };

const image = (value: string): JsonObject => ({ containers: [{ name: "web", image: value }] });

function sequences(): ApplySequence[] {
  const list: ApplySequence[] = [];
  const add = (id: string, title: string, steps: (name: string) => Step[]): void => {
    list.push({ id, title, steps: steps(`ssa-${id}`) });
  };

  // Create.
  add("create-minimal", "apply creates a missing Pod with 201, defaults and admission filled in", (n) => [
    apply("ci", podConfig(n)),
    get,
  ]);
  add("create-labels", "create with labels and annotations: each key owned", (n) => [
    apply(
      "ci",
      podConfig(n, { metadata: { labels: { app: "web", tier: "front" }, annotations: { "example.com/note": "hello" } } }),
    ),
  ]);
  add("create-ports", "create with ports: the key of a port without protocol is its default TCP", (n) => [
    apply(
      "ci",
      podConfig(n, {
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP", name: "dns" }],
            },
          ],
        },
      }),
    ),
  ]);
  add("create-rich", "create with env, volumes, mounts, probes, resources, tolerations, nodeSelector", (n) => [
    apply(
      "ci",
      podConfig(n, {
        spec: {
          containers: [
            {
              name: "web",
              image: "registry.example.com/team/web",
              env: [
                { name: "MODE", value: "prod" },
                { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              volumeMounts: [
                { name: "data", mountPath: "/data" },
                { name: "config", mountPath: "/etc/web" },
              ],
              readinessProbe: { httpGet: { port: 8080 } },
              resources: { limits: { cpu: "500m", memory: "128Mi" } },
            },
          ],
          volumes: [{ name: "data" }, { name: "config", configMap: { name: "web-config" } }],
          tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
          nodeSelector: { "kubernetes.io/os": "linux" },
          securityContext: { runAsNonRoot: true },
        },
      }),
    ),
  ]);
  add("create-init", "create with an init container and a sidecar", (n) => [
    apply(
      "ci",
      podConfig(n, {
        spec: {
          initContainers: [{ name: "setup", image: "busybox:1.36", command: ["true"] }],
          containers: [
            { name: "web", image: "nginx:1.27" },
            { name: "log", image: "busybox:1.36" },
          ],
        },
      }),
    ),
  ]);
  add("create-gates", "create with scheduling gates, then a gate dropped from the configuration is removed", (n) => [
    apply("ci", podConfig(n, { spec: { schedulingGates: [{ name: "example.com/a" }, { name: "example.com/b" }] } })),
    apply("ci", podConfig(n, { spec: { schedulingGates: [{ name: "example.com/a" }] } })),
    get,
  ]);
  add("create-dry-run", "a dry-run create answers 201 and stores nothing", (n) => [
    apply("ci", podConfig(n), { dryRun: true }),
    get,
  ]);
  add("create-no-name", "apply without metadata.name cannot create: the name is undeterminable (400)", () => [
    apply("ci", { apiVersion: "v1", kind: "Pod", spec: { containers: [{ name: "web", image: "nginx:1.27" }] } }),
  ]);
  add("create-missing-image", "create without an image is refused with 422", (n) => [
    apply("ci", podConfig(n, { spec: { containers: [{ name: "web" }] } })),
    get,
  ]);
  add("create-no-containers", "create without containers is refused with 422", (n) => [
    apply("ci", partialConfig(n, { metadata: { labels: { a: "b" } } })),
  ]);
  add("create-yaml", "the configuration as YAML text, as kubectl sends it", (n) => [
    apply(
      "ci",
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${n}\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n`,
    ),
  ]);
  add("create-status-ignored", "status in the configuration is ignored and not owned", (n) => [
    apply("ci", podConfig(n, { extra: { status: { phase: "Running" } } })),
  ]);

  // Re-apply by the same manager.
  add("reapply-same", "re-applying the same configuration changes nothing", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n)),
    get,
  ]);
  add("reapply-image", "re-apply with a new image", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n, { spec: image("nginx:1.28") })),
  ]);
  add("reapply-add-label", "re-apply adding a label", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
  ]);
  add("reapply-drop-label", "a label the manager stops applying is removed", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web", tier: "front" } } })),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    get,
  ]);
  add("reapply-drop-all-labels", "dropping every label removes the labels map", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("ci", podConfig(n)),
  ]);
  add("reapply-drop-annotation", "an annotation the manager stops applying is removed", (n) => [
    apply("ci", podConfig(n, { metadata: { annotations: { a: "1", b: "2" } } })),
    apply("ci", podConfig(n, { metadata: { annotations: { b: "2" } } })),
  ]);
  add("reapply-drop-deadline", "dropping activeDeadlineSeconds would remove it, which a Pod update forbids", (n) => [
    apply("ci", podConfig(n, { spec: { activeDeadlineSeconds: 600 } })),
    apply("ci", podConfig(n)),
  ]);
  add("reapply-lower-deadline", "lowering activeDeadlineSeconds by apply", (n) => [
    apply("ci", podConfig(n, { spec: { activeDeadlineSeconds: 600 } })),
    apply("ci", podConfig(n, { spec: { activeDeadlineSeconds: 300 } })),
  ]);
  add("reapply-raise-deadline", "raising activeDeadlineSeconds is refused with 422", (n) => [
    apply("ci", podConfig(n, { spec: { activeDeadlineSeconds: 300 } })),
    apply("ci", podConfig(n, { spec: { activeDeadlineSeconds: 600 } })),
  ]);
  add("reapply-add-container", "adding a container to an existing Pod is refused with 422", (n) => [
    apply("ci", podConfig(n)),
    apply(
      "ci",
      podConfig(n, {
        spec: {
          containers: [
            { name: "web", image: "nginx:1.27" },
            { name: "extra", image: "busybox:1.36" },
          ],
        },
      }),
    ),
  ]);
  add("reapply-drop-container", "dropping the only container removes it, which a Pod update forbids", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", partialConfig(n, { metadata: { labels: { a: "b" } } })),
  ]);
  add("reapply-add-toleration", "adding a toleration replaces the atomic list and is allowed", (n) => [
    apply("ci", podConfig(n, { spec: { tolerations: [{ key: "a", operator: "Exists" }] } })),
    apply(
      "ci",
      podConfig(n, {
        spec: {
          tolerations: [
            { key: "a", operator: "Exists" },
            { key: "b", operator: "Exists", effect: "NoSchedule" },
          ],
        },
      }),
    ),
  ]);
  add("reapply-finalizers", "finalizers are a set: a dropped finalizer is removed", (n) => [
    apply("ci", podConfig(n, { metadata: { finalizers: ["example.com/a", "example.com/b"] } })),
    apply("ci", podConfig(n, { metadata: { finalizers: ["example.com/b"] } })),
    apply("ci", podConfig(n)),
  ]);
  add("reapply-empty-labels", "an empty labels map is owned as a whole", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: {} } })),
    apply("ci", podConfig(n, { metadata: { labels: { a: "b" } } })),
  ]);
  add("reapply-init-image", "changing an init container's image by apply", (n) => [
    apply(
      "ci",
      podConfig(n, {
        spec: { initContainers: [{ name: "setup", image: "busybox:1.36" }], containers: [{ name: "web", image: "nginx:1.27" }] },
      }),
    ),
    apply(
      "ci",
      podConfig(n, {
        spec: { initContainers: [{ name: "setup", image: "busybox:1.37" }], containers: [{ name: "web", image: "nginx:1.27" }] },
      }),
    ),
  ]);
  add("reapply-owner-references", "owner references: atomic elements keyed by uid", (n) => [
    apply(
      "ci",
      podConfig(n, {
        metadata: {
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "3c8d5e0a-0000-4000-8000-000000000001" }],
        },
      }),
    ),
    apply("ci", podConfig(n)),
  ]);

  // A second manager.
  add("second-disjoint", "a second manager applies other fields: both own their own", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { owner: "team" } } })),
    get,
  ]);
  add("second-shared", "a second manager applies the same value: shared ownership, no conflict", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "web" } } })),
  ]);
  add("second-shared-drop", "a shared field dropped by one manager stays, owned by the other", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web", tier: "front" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("ci", podConfig(n, { metadata: { labels: { tier: "front" } } })),
    get,
  ]);
  add("second-shared-drop-both", "a shared field dropped by both managers is removed", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, {})),
    get,
  ]);
  add("second-drop-own", "the first manager drops its label, the second's stays", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { owner: "team" } } })),
    apply("ci", podConfig(n)),
  ]);
  add("second-image-shared", "a second manager applying the same image shares the container's image", (n) => [
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, { spec: image("nginx:1.27") })),
  ]);
  add("second-empty", "a manager applying nothing but the name owns nothing", (n) => [
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, {})),
  ]);

  // Conflicts.
  add("conflict-label", "changing a label another applier owns is a 409 conflict", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "api" } } })),
    get,
  ]);
  add("conflict-image", "changing an image another applier owns is a 409 conflict", (n) => [
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, { spec: image("nginx:1.28") })),
  ]);
  add("conflict-two-fields", "two conflicting fields with one manager", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "api" } }, spec: image("nginx:1.28") })),
  ]);
  add("conflict-two-managers", "conflicts with two managers at once", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { tier: "front" } } })),
    apply("ops", partialConfig(n, { metadata: { labels: { app: "api", tier: "back" } } })),
  ]);
  add("conflict-dry-run", "a dry run reports the conflict too", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "api" } } }), { dryRun: true }),
  ]);
  add("conflict-node-selector", "nodeSelector is an atomic map: any change conflicts on the whole map", (n) => [
    apply("ci", podConfig(n, { spec: { schedulingGates: [{ name: "example.com/wait" }], nodeSelector: { zone: "a" } } })),
    apply("team", partialConfig(n, { spec: { nodeSelector: { zone: "a", disk: "ssd" } } })),
  ]);
  add("conflict-tolerations", "tolerations are an atomic list: a change by another manager conflicts", (n) => [
    apply("ci", podConfig(n, { spec: { tolerations: [{ key: "a", operator: "Exists" }] } })),
    apply(
      "team",
      partialConfig(n, {
        spec: {
          tolerations: [
            { key: "a", operator: "Exists" },
            { key: "b", operator: "Exists" },
          ],
        },
      }),
    ),
  ]);
  add("conflict-finalizer-set", "set elements are owned one by one: adding another finalizer does not conflict", (n) => [
    apply("ci", podConfig(n, { metadata: { finalizers: ["example.com/a"] } })),
    apply("team", partialConfig(n, { metadata: { finalizers: ["example.com/b"] } })),
    get,
  ]);

  // force.
  add("force-label", "force takes the label over; the old owner's re-apply then conflicts", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "api" } } }), { force: true }),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
  ]);
  add("force-image", "force takes an image over", (n) => [
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, { spec: image("nginx:1.28") }), { force: true }),
    get,
  ]);
  add("force-then-drop", "after a force, the old owner's dropped field stays with the new owner", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web", tier: "front" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { tier: "back" } } }), { force: true }),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    get,
  ]);
  add("force-no-conflict", "force without conflicts is an ordinary apply", (n) => [
    apply("ci", podConfig(n)),
    apply("team", partialConfig(n, { metadata: { labels: { x: "y" } } }), { force: true }),
  ]);
  add("force-atomic", "force over an atomic list moves the whole list", (n) => [
    apply("ci", podConfig(n, { spec: { tolerations: [{ key: "a", operator: "Exists" }] } })),
    apply(
      "team",
      partialConfig(n, {
        spec: {
          tolerations: [
            { key: "a", operator: "Exists" },
            { key: "b", operator: "Exists" },
          ],
        },
      }),
      { force: true },
    ),
    apply("ci", podConfig(n, { spec: { tolerations: [{ key: "a", operator: "Exists" }] } })),
  ]);
  add("force-dry-run", "a forced dry run changes nothing stored", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    apply("team", partialConfig(n, { metadata: { labels: { app: "api" } } }), { force: true, dryRun: true }),
    get,
  ]);

  // Update managers (other patch types) next to appliers.
  add(
    "update-then-apply-conflict",
    "a merge patch takes a label over; the applier's re-apply conflicts with the Update manager",
    (n) => [
      apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
      patch("merge", "editor", { metadata: { labels: { app: "api" } } }),
      apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    ],
  );
  add("update-image-then-apply", "a strategic patch changes the image; the applier's re-apply conflicts", (n) => [
    apply("ci", podConfig(n)),
    patch("strategic", "kubectl-set", { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } }),
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n), { force: true }),
  ]);
  add("update-same-value", "an apply of the value an Update manager set does not conflict", (n) => [
    apply("ci", podConfig(n)),
    patch("json", "editor", [{ op: "add", path: "/metadata/labels", value: { app: "web" } }]),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
  ]);
  add("update-keeps-dropped", "a label an Update manager also set survives the applier dropping it", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    patch("merge", "editor", { metadata: { labels: { app: "web", extra: "x" } } }),
    apply("ci", podConfig(n)),
  ]);
  add("update-default-manager", "without fieldManager the Update entry is named after the User-Agent", (n) => [
    apply("ci", podConfig(n)),
    patch("merge", undefined, { metadata: { annotations: { note: "by user agent" } } }),
  ]);
  add("update-merges-entries", "two patches by one Update manager merge into one entry", (n) => [
    apply("ci", podConfig(n)),
    patch("merge", "editor", { metadata: { labels: { a: "1" } } }),
    patch("strategic", "editor", { metadata: { annotations: { b: "2" } } }),
  ]);
  add("update-removes-ownership", "a field removed by a patch leaves its applier", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web", tier: "front" } } })),
    patch("merge", "editor", { metadata: { labels: { tier: null } } }),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
  ]);
  add("update-noop", "a patch that changes nothing adds no entry", (n) => [
    apply("ci", podConfig(n, { metadata: { labels: { app: "web" } } })),
    patch("merge", "editor", { metadata: { labels: { app: "web" } } }),
  ]);
  add("update-dry-run", "a dry-run patch leaves managedFields stored as they were", (n) => [
    apply("ci", podConfig(n)),
    patch("merge", "editor", { metadata: { labels: { a: "b" } } }, true),
    get,
  ]);
  add("update-cap", "more than ten Update managers: the oldest merge into ancient-changes", (n) => [
    apply("ci", podConfig(n)),
    ...Array.from({ length: 11 }, (_, index) =>
      patch("merge", `editor-${index}`, { metadata: { labels: { [`l${index}`]: "x" } } }),
    ),
  ]);
  add("same-name-both-operations", "one manager name as Update and as Apply: two entries", (n) => [
    apply("kubectl", podConfig(n)),
    patch("merge", "kubectl", { metadata: { labels: { a: "b" } } }),
    apply("kubectl", podConfig(n, { metadata: { labels: { c: "d" } } })),
  ]);

  // Pods created otherwise.
  add("post-then-apply", "a Pod created by POST: its creator owns everything it set", (n) => [
    { kind: "post", manager: "creator", body: podConfig(n, { metadata: { labels: { app: "web" } } }) },
    apply("ci", podConfig(n, { metadata: { labels: { app: "api" } } })),
    apply("ci", podConfig(n, { metadata: { labels: { app: "web", tier: "front" } } })),
  ]);
  add("before-first-apply", "managedFields reset, then apply: existing fields go to before-first-apply", (n) => [
    { kind: "post", manager: "creator", body: podConfig(n, { metadata: { labels: { app: "web" } } }) },
    patch("merge", "resetter", { metadata: { managedFields: [{}] } }),
    apply("ci", podConfig(n, { metadata: { labels: { app: "api" } } })),
    apply("ci", podConfig(n, { metadata: { labels: { app: "api" } } }), { force: true }),
  ]);
  add("untracked-update", "a Pod without managedFields stays without them after a patch", (n) => [
    { kind: "post", manager: "creator", body: podConfig(n) },
    patch("merge", "resetter", { metadata: { managedFields: [{}] } }),
    patch("merge", "editor", { metadata: { labels: { a: "b" } } }),
  ]);

  // Preconditions and refusals.
  add("stale-resource-version", "a stale metadata.resourceVersion is a 409", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n, { metadata: { resourceVersion: "1" } })),
  ]);
  add("refuse-kind", "another kind is a 400", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", { apiVersion: "v1", kind: "Service", metadata: { name: n } }),
  ]);
  add("refuse-version", "another apiVersion is a 400", (n) => [
    apply("ci", { apiVersion: "v2", kind: "Pod", metadata: { name: n } }),
  ]);
  add("refuse-name", "a name other than the URL's is a 400", (n) => [apply("ci", podConfig(`${n}-other`))]);
  add("refuse-managed-fields", "managedFields in the configuration is a 400", (n) => [
    apply("ci", podConfig(n, { metadata: { managedFields: [] } })),
  ]);
  add("refuse-unknown-field", "a field the Pod does not have is a 500 from the apiserver", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n, { spec: { bogus: 1 } })),
  ]);
  add("refuse-duplicate-key", "duplicate list-map keys are a 500", (n) => [
    apply(
      "ci",
      podConfig(n, {
        spec: {
          containers: [
            { name: "web", image: "a" },
            { name: "web", image: "b" },
          ],
        },
      }),
    ),
  ]);
  add("refuse-no-manager", "apply without fieldManager is a 422 about PatchOptions", (n) => [apply(undefined, podConfig(n))]);
  add("refuse-forbidden-change", "changing an immutable container field is a 422", (n) => [
    apply("ci", podConfig(n)),
    apply("ci", podConfig(n, { spec: { containers: [{ name: "web", image: "nginx:1.27", command: ["sleep", "1"] }] } })),
  ]);
  return list;
}

export const applySequences: readonly ApplySequence[] = sequences();

/** The HTTP request of a step on Pod `name` (in `namespace`, by default suite 2's). */
export function stepRequest(step: Step, name: string, namespace = APPLY_NAMESPACE): ApiRequest {
  const base = `/api/v1/namespaces/${namespace}/pods`;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { "user-agent": USER_AGENT };
  switch (step.kind) {
    case "get":
      return { method: "GET", path: `${base}/${name}`, headers };
    case "post":
      query.set("fieldManager", step.manager);
      return {
        method: "POST",
        path: `${base}?${query}`,
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(step.body),
      };
    case "apply":
      if (step.manager !== undefined) query.set("fieldManager", step.manager);
      if (step.force === true) query.set("force", "true");
      if (step.dryRun === true) query.set("dryRun", "All");
      if (step.fieldValidation !== undefined) query.set("fieldValidation", step.fieldValidation);
      return {
        method: "PATCH",
        path: `${base}/${name}${query.size > 0 ? `?${query}` : ""}`,
        headers: { ...headers, "content-type": "application/apply-patch+yaml" },
        body: typeof step.body === "string" ? step.body : JSON.stringify(step.body),
      };
    case "patch":
      if (step.manager !== undefined) query.set("fieldManager", step.manager);
      if (step.dryRun === true) query.set("dryRun", "All");
      return {
        method: "PATCH",
        path: `${base}/${name}${query.size > 0 ? `?${query}` : ""}`,
        headers: { ...headers, "content-type": mediaTypes[step.type] },
        body: JSON.stringify(step.body),
      };
  }
}

/** The Pod a sequence works on. */
export function sequencePod(sequence: ApplySequence): string {
  return `ssa-${sequence.id}`;
}

/** Sends every step of `sequence` in order through `send` and returns the answers. */
export async function runSequence(
  sequence: ApplySequence,
  send: (request: ApiRequest, step: Step) => Promise<ApiAnswer>,
  namespace = APPLY_NAMESPACE,
): Promise<ApiAnswer[]> {
  const answers: ApiAnswer[] = [];
  for (const step of sequence.steps) answers.push(await send(stepRequest(step, sequencePod(sequence), namespace), step));
  return answers;
}
