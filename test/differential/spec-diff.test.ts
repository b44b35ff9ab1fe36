/**
 * The diff the apiserver appends to `spec: Forbidden: pod updates may not change fields other than …`,
 * byte for byte: one rich base Pod (init and app containers with command, args, env, ports, resources,
 * probes and mounts; emptyDir, configMap, projected and ephemeral volumes; nodeSelector, affinity,
 * tolerations, securityContext, hostAliases, dnsConfig) is created on the real apiserver, then every case
 * sends one forbidden change to it with `dryRun=All` — a JSON Patch, merge patch or strategic merge patch
 * — and the refusal (code, reason, message and causes, the diff inside both) is compared with what writePod
 * (src/engine/pod-write.ts, the mock's write path; the diff from src/engine/go-spec-diff.ts) answers on the
 * server's own base Pod.
 *
 * The cases aim at what the diff depends on: where a change sits (the first and last members of the spec,
 * several hunks), Go's JSON of the internal types (field names, zero values, host namespace fields moved
 * into the security context, the deprecated serviceAccount alias, canonical quantities, IntOrString, map
 * keys sorted, HTML-escaped strings, lists left empty by a patch, an embedded ObjectMeta flattened) and
 * go-difflib's grouping. Four more cases respell quantities without changing their values: the apiserver
 * accepts them (its equality compares quantities by value) and stores them as resource.Quantity writes
 * them; the engine's Pod must be the server's.
 *
 * Answers are recorded in test/fixtures/apiserver/spec-diff.json (`npm run record:apiserver`) and
 * replayed without Go; with the binaries built every fifth case is re-asked live (APISERVER_LIVE=all: all).
 */
import { describe, expect, it } from "vitest";
import { PatchError, writePod } from "../../src/engine/index.js";
import type { Pod, PatchMediaType } from "../../src/operation/patch-pod.js";
import type { ApiserverConnection } from "./support/live-apiserver.js";
import { denormalize, normalizeJson, withoutServerSetFields } from "./support/normalize.js";
import { recordedAnswers } from "./support/recording.js";
import { ask, createPod, ensureNamespace, type Json } from "./support/server.js";

const namespace = "spec-diff";
const podName = "spec-diff-base";

const basePod: { [key: string]: Json } = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: podName, labels: { app: "web" } },
  spec: {
    volumes: [
      { name: "data", emptyDir: { sizeLimit: "1Gi" } },
      { name: "config", configMap: { name: "web-config", items: [{ key: "a", path: "a.txt" }] } },
      { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "api" } }] } },
      {
        name: "scratch",
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: { type: "scratch" } },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          },
        },
      },
    ],
    initContainers: [{ name: "init", image: "busybox:1.36", command: ["sh", "-c", "true"] }],
    containers: [
      {
        name: "web",
        image: "nginx:1.27",
        command: ["nginx"],
        args: ["-g", "daemon off;"],
        env: [
          { name: "MODE", value: "prod" },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ],
        ports: [{ name: "http", containerPort: 80 }],
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
        volumeMounts: [
          { name: "data", mountPath: "/data" },
          { name: "config", mountPath: "/etc/web", readOnly: true },
        ],
        livenessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 20 },
      },
      { name: "sidecar", image: "busybox:1.36", args: ["sleep", "3600"] },
    ],
    nodeSelector: { disk: "ssd", zone: "a" },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 10,
            podAffinityTerm: { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" },
          },
        ],
      },
    },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
    // A projected service-account token needs a service account named.
    serviceAccountName: "default",
    securityContext: { runAsUser: 1000, fsGroup: 2000 },
    hostAliases: [{ ip: "10.0.0.1", hostnames: ["db"] }],
    dnsConfig: { nameservers: ["10.0.0.10"], options: [{ name: "ndots", value: "2" }] },
  },
};

type PatchType = "json" | "merge" | "strategic";
const mediaTypes: Record<PatchType, PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

interface SpecDiffCase {
  id: string;
  type: PatchType;
  patch: Json;
}

const replace = (path: string, value: Json): Json => ({ op: "replace", path, value });
const add = (path: string, value: Json): Json => ({ op: "add", path, value });
const remove = (path: string): Json => ({ op: "remove", path });
const spec = (value: Json): Json => ({ spec: value });
const web = (value: { [key: string]: Json }): Json => spec({ containers: [{ name: "web", ...value }] });

const cases: SpecDiffCase[] = [
  { id: "container command replaced", type: "json", patch: [replace("/spec/containers/0/command", ["nginx", "-T"])] },
  { id: "container command removed", type: "json", patch: [remove("/spec/containers/0/command")] },
  { id: "container args appended", type: "json", patch: [add("/spec/containers/0/args/-", "-q")] },
  {
    id: "sidecar args set by merge key",
    type: "strategic",
    patch: spec({ containers: [{ name: "sidecar", args: ["sleep", "60"] }] }),
  },
  { id: "env value changed", type: "json", patch: [replace("/spec/containers/0/env/0/value", "debug")] },
  { id: "env entry added", type: "strategic", patch: web({ env: [{ name: "EXTRA", value: "1" }] }) },
  { id: "env emptied", type: "json", patch: [replace("/spec/containers/0/env", [])] },
  { id: "env value with HTML characters", type: "json", patch: [replace("/spec/containers/0/env/0/value", "<a & b>")] },
  { id: "container port changed", type: "json", patch: [replace("/spec/containers/0/ports/0/containerPort", 8080)] },
  { id: "container port added", type: "strategic", patch: web({ ports: [{ name: "https", containerPort: 443 }] }) },
  {
    id: "resources in other spellings",
    type: "strategic",
    patch: web({
      resources: {
        requests: { cpu: "0.2", memory: "65536Ki", "ephemeral-storage": "1e3" },
        limits: { cpu: "1.5", memory: "0.25Gi", "ephemeral-storage": "2048Ki" },
      },
    }),
  },
  {
    // The limit keeps its value in another spelling: no change to Go, but the diff writes it as parsed.
    id: "resource request raised, limit respelled",
    type: "json",
    patch: [
      replace("/spec/containers/0/resources/requests/cpu", "0.25"),
      replace("/spec/containers/0/resources/limits/memory", "134217728"),
    ],
  },
  { id: "volume mount path changed", type: "json", patch: [replace("/spec/containers/0/volumeMounts/1/mountPath", "/etc/conf")] },
  { id: "probe port by name", type: "json", patch: [replace("/spec/containers/0/livenessProbe/httpGet/port", "http")] },
  { id: "emptyDir size limit", type: "json", patch: [replace("/spec/volumes/0/emptyDir/sizeLimit", "1536Mi")] },
  { id: "volume added", type: "strategic", patch: spec({ volumes: [{ name: "cache", emptyDir: {} }] }) },
  {
    id: "ephemeral claim template labels",
    type: "json",
    patch: [add("/spec/volumes/3/ephemeral/volumeClaimTemplate/metadata/labels/tier", "fast")],
  },
  {
    id: "projected token expiry",
    type: "json",
    patch: [add("/spec/volumes/2/projected/sources/0/serviceAccountToken/expirationSeconds", 7200)],
  },
  { id: "first volume first", type: "json", patch: [replace("/spec/volumes/0/emptyDir/medium", "Memory")] },
  { id: "init container command", type: "json", patch: [replace("/spec/initContainers/0/command/2", "exit 0")] },
  { id: "nodeSelector value changed", type: "merge", patch: spec({ nodeSelector: { zone: "b" } }) },
  { id: "nodeSelector entry added", type: "merge", patch: spec({ nodeSelector: { rack: "r1" } }) },
  { id: "nodeSelector emptied", type: "json", patch: [replace("/spec/nodeSelector", {})] },
  { id: "hostNetwork set", type: "merge", patch: spec({ hostNetwork: true }) },
  { id: "hostPID and hostIPC set", type: "merge", patch: spec({ hostPID: true, hostIPC: true }) },
  { id: "shareProcessNamespace set", type: "merge", patch: spec({ shareProcessNamespace: true }) },
  {
    id: "node affinity values changed",
    type: "json",
    patch: [
      replace(
        "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/values",
        ["c"],
      ),
    ],
  },
  { id: "affinity removed", type: "merge", patch: spec({ affinity: null }) },
  {
    id: "pod anti-affinity weight",
    type: "json",
    patch: [replace("/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/weight", 50)],
  },
  { id: "securityContext runAsUser", type: "merge", patch: spec({ securityContext: { runAsUser: 0 } }) },
  {
    id: "securityContext sysctls added",
    type: "merge",
    patch: spec({ securityContext: { sysctls: [{ name: "net.ipv4.ip_forward", value: "1" }] } }),
  },
  {
    id: "toleration modified and command changed",
    type: "json",
    patch: [replace("/spec/tolerations/0/value", "api"), replace("/spec/containers/0/command", ["httpd"])],
  },
  {
    id: "toleration added and args changed",
    type: "json",
    patch: [add("/spec/tolerations/-", { key: "gpu", operator: "Exists" }), add("/spec/containers/1/args/-", "x")],
  },
  {
    id: "image changed with command",
    type: "json",
    patch: [replace("/spec/containers/0/image", "nginx:1.28"), replace("/spec/containers/0/command/0", "nginx-debug")],
  },
  {
    id: "activeDeadlineSeconds set with restartPolicy",
    type: "merge",
    patch: spec({ activeDeadlineSeconds: 600, restartPolicy: "Never" }),
  },
  { id: "terminationGracePeriodSeconds raised", type: "merge", patch: spec({ terminationGracePeriodSeconds: 60 }) },
  { id: "serviceAccountName set", type: "merge", patch: spec({ serviceAccountName: "robot" }) },
  { id: "deprecated serviceAccount set", type: "merge", patch: spec({ serviceAccountName: null, serviceAccount: "legacy" }) },
  { id: "hostAliases added", type: "strategic", patch: spec({ hostAliases: [{ ip: "10.0.0.2", hostnames: ["cache"] }] }) },
  { id: "dnsConfig option changed", type: "json", patch: [replace("/spec/dnsConfig/options/0/value", "5")] },
  { id: "near the end: enableServiceLinks", type: "merge", patch: spec({ enableServiceLinks: false }) },
  { id: "near the end: os", type: "merge", patch: spec({ os: { name: "linux" } }) },
  {
    id: "near the end: topology spread",
    type: "merge",
    patch: spec({
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "web" } } },
      ],
    }),
  },
  {
    id: "several hunks",
    type: "merge",
    patch: spec({ dnsPolicy: "Default", hostname: "web-0", subdomain: "web", schedulerName: "custom" }),
  },
  {
    id: "first and last hunks",
    type: "json",
    patch: [
      replace("/spec/volumes/0/emptyDir/sizeLimit", "2Gi"),
      add("/spec/enableServiceLinks", false),
      replace("/spec/containers/1/args/1", "1"),
    ],
  },
];

/** Quantities respelled, values kept: accepted (apiequality.Semantic compares values), stored as Go writes them. */
const sameValueCases: SpecDiffCase[] = [
  {
    id: "same value: limit in bytes",
    type: "json",
    patch: [replace("/spec/containers/0/resources/limits/memory", "134217728")],
  },
  {
    id: "same value: request as a fraction",
    type: "json",
    patch: [replace("/spec/containers/0/resources/requests/cpu", "0.1")],
  },
  {
    id: "same value: sizeLimit in Mi",
    type: "json",
    patch: [replace("/spec/volumes/0/emptyDir/sizeLimit", "1024Mi")],
  },
  {
    id: "same value: several spellings",
    type: "strategic",
    patch: web({ resources: { requests: { cpu: "100000u", memory: "65536Ki" }, limits: { cpu: "0.5", memory: "0.125Gi" } } }),
  },
];

let baseReady: Promise<Json> | undefined;

/** The base Pod, created once per live run (the cases only dry-run against it). */
function serverBase(server: ApiserverConnection): Promise<Json> {
  baseReady ??= (async () => {
    await ensureNamespace(server, namespace);
    return normalizeJson(await createPod(server, namespace, basePod));
  })();
  return baseReady;
}

type SuiteCase = SpecDiffCase | { id: "base" };

async function askLive(server: ApiserverConnection, testCase: SuiteCase): Promise<Json> {
  const base = await serverBase(server);
  if (!("patch" in testCase)) return base;
  const answer = await ask(server, {
    method: "PATCH",
    path: `/api/v1/namespaces/${namespace}/pods/${podName}?dryRun=All`,
    headers: { "content-type": mediaTypes[testCase.type] },
    body: JSON.stringify(testCase.patch),
  });
  return { status: answer.status, body: answer.body };
}

const { answer, serverVersion } = recordedAnswers<SuiteCase>(
  "spec-diff",
  [{ id: "base" }, ...cases, ...sameValueCases],
  askLive,
  {
    liveSubset: (_, index) => index % 5 === 0,
  },
);

describe(`the spec diff of a forbidden Pod update, byte for byte against ${serverVersion}`, () => {
  it("has at least 40 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((testCase) => [testCase.id, testCase] as const))("%s", async (_, testCase) => {
    // Valid values in place of the recording's placeholders: the engine decodes a JSON-patched Pod's times.
    const base = denormalize(await answer({ id: "base" })) as unknown as Pod;
    const recorded = (await answer(testCase)) as { status: number; body: { [key: string]: Json } };
    expect(recorded.status, "every case is a change the apiserver refuses").toBe(422);
    expect(String(recorded.body.message)).toContain("pod updates may not change fields other than");
    let predicted: Json;
    try {
      writePod(base, testCase.patch, mediaTypes[testCase.type], { namespace, name: podName });
      predicted = "accepted";
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      predicted = normalizeJson(error.status as unknown as Json);
    }
    expect(predicted).toEqual(recorded.body);
  });

  it.each(sameValueCases.map((testCase) => [testCase.id, testCase] as const))("%s", async (_, testCase) => {
    const base = denormalize(await answer({ id: "base" })) as unknown as Pod;
    const recorded = (await answer(testCase)) as { status: number; body: { [key: string]: Json } };
    expect(recorded.status, "the apiserver accepts a quantity of the same value").toBe(200);
    const { pod } = writePod(base, testCase.patch, mediaTypes[testCase.type], { namespace, name: podName });
    expect(normalizeJson(withoutServerSetFields(pod as { [key: string]: Json }))).toEqual(withoutServerSetFields(recorded.body));
  });
});
