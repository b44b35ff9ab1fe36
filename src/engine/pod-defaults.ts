// What the apiserver does to a Pod document between the patch and validation: decoding it into the Go
// types (members the model does not know are dropped, each reported as the `unknown field` warning the
// apiserver sends under fieldValidation=Warn; nulls, empty maps and empty lists disappear as zero values;
// quantities of the spec come back as resource.Quantity writes them: "1000m" is "1")
// and the defaulting of kubernetes v1.35.4 pkg/apis/core/v1/defaults.go plus the generated defaults
// (`+default` markers, zz_generated.defaults.go). Inputs: a Pod document. Outputs: a new Pod; the input
// is never mutated.
//
// Defaulted: PodSpec (dnsPolicy, restartPolicy, securityContext, terminationGracePeriodSeconds,
// schedulerName), Pod (enableServiceLinks, container requests from limits), containers of every kind
// (imagePullPolicy from the image's tag, terminationMessagePath/Policy, `resources: {}`, port protocol,
// probes and their HTTP actions, lifecycle HTTP actions, env fieldRef apiVersion), volumes (emptyDir when
// no source, defaultMode 420 of secret, configMap, downwardAPI and projected sources, hostPath type,
// service-account token expiry), host ports of a Pod on the host's network. Not defaulted: pod-level resources, image
// volumes' pull policy (a feature gate off by default), anything outside the Pod.
import type { Pod } from "../operation/patch-pod.js";
import { withCanonicalQuantities } from "./go-spec-diff.js";
import { cloneJson, isJsonObject, isPlainJson, type JsonObject, type JsonValue, setMember } from "./json.js";
import { fieldShape, type ObjectNode, objectNode, podNode } from "./metadata.js";

export interface DecodedPod {
  pod: Pod;
  /** Dotted paths of the members the Pod model does not have, as the apiserver names them in warnings. */
  unknownFields: string[];
}

/** Lists the Go types declare without omitempty: kept even when empty. */
const keptWhenEmpty = new Set(["containers"]);

/**
 * The Pod as the Go types hold it: unknown members, nulls and empty maps or lists dropped. The walk builds
 * the new objects itself; only what it keeps as it is (opaque values, lists of scalars) is copied.
 */
export function decodePod(document: Pod): DecodedPod {
  return decodeWith(document, false);
}

/** decodePod; `owned`: the document is the caller's to give away, its opaque values are taken, not copied. */
function decodeWith(document: Pod, owned: boolean): DecodedPod {
  const unknownFields: string[] = [];
  const kept = (value: JsonValue): JsonValue => (owned && isPlainJson(value) ? value : cloneJson(value));
  const walk = (object: JsonObject, node: ObjectNode, path: string): JsonObject => {
    // Owned labels and annotations that decoding leaves as they are (no nulls, no numbers JSON cannot hold)
    // are taken whole: copying them key by key is most of decoding 100,000 annotations. Nothing after
    // decoding changes them (defaulting changes other maps, such as a container's requests, in place).
    if (owned && TAKEN_WHOLE.has(path) && keptWhole(object)) return object;
    const out: JsonObject = {};
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue;
      const shape = fieldShape(node, key);
      if (shape === undefined) {
        unknownFields.push(path === "" ? key : `${path}.${key}`);
        continue;
      }
      // A number JSON cannot hold is null to the decoder, as cloneJson makes it.
      if (value === null || (typeof value === "number" && !Number.isFinite(value))) continue;
      let decoded: JsonValue;
      if ((shape.kind === "object" || shape.kind === "map") && isJsonObject(value)) {
        decoded = walk(value, objectNode(shape), path === "" ? key : `${path}.${key}`);
        if (shape.kind === "map" && Object.keys(decoded).length === 0) continue;
      } else if (shape.kind === "list" && Array.isArray(value)) {
        if (value.length === 0 && !keptWhenEmpty.has(key)) continue;
        const elementNode = objectNode(shape);
        const field = path === "" ? key : `${path}.${key}`;
        decoded = value.map((item, index) =>
          isJsonObject(item) && elementNode.kind === "schema"
            ? walk(item, elementNode, `${field}[${index}]`)
            : item === undefined || item === null || typeof item !== "object"
              ? (cloneJson(item) ?? null)
              : kept(item),
        );
      } else {
        decoded = typeof value === "object" ? kept(value) : value;
      }
      setMember(out, key, decoded);
    }
    return out;
  };
  const pod = walk(isJsonObject(document) ? (document as JsonObject) : {}, podNode, "");
  // Quantities are parsed, and written back the way resource.Quantity writes them.
  if (isJsonObject(pod.spec)) pod.spec = withCanonicalQuantities(pod.spec);
  return { pod: pod as Pod, unknownFields };
}

/** The maps of scalars an owned document gives away whole when decoding would not change them. */
const TAKEN_WHOLE = new Set(["metadata.labels", "metadata.annotations"]);

/** Whether decoding a map of scalars would give it back unchanged: every value a string, a finite number or a boolean. */
function keptWhole(map: JsonObject): boolean {
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number" && Number.isFinite(value)) continue;
    return false;
  }
  return true;
}

/**
 * decodePod, then defaultPod, without copying the decoded Pod again (it is already a new one). `owned`:
 * the document is the caller's to give away (writePod's own intermediate Pod): the opaque values in it,
 * such as the managedFields' fieldsV1 of a 100,000-field apply, are taken rather than copied.
 */
export function decodeAndDefault(document: Pod, owned = false): DecodedPod {
  const decoded = decodeWith(document, owned);
  return { pod: defaultInPlace(decoded.pod as JsonObject), unknownFields: decoded.unknownFields };
}

function objectAt(parent: JsonObject, key: string): JsonObject | undefined {
  const value = parent[key];
  return isJsonObject(value) ? value : undefined;
}

function listAt(parent: JsonObject, key: string): JsonObject[] {
  const value = parent[key];
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function setDefault(object: JsonObject, key: string, value: JsonValue): void {
  if (object[key] === undefined || object[key] === "") object[key] = value;
}

/** The tag of an image reference, as parsers.ParseImageName reads it ("latest" when there is neither tag nor digest). */
function imageTag(image: string): string | undefined {
  const [name = "", digest] = image.split("@");
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  if (colon >= 0) return lastPart.slice(colon + 1);
  return digest === undefined ? "latest" : undefined;
}

function defaultHttpGet(handler: JsonObject | undefined): void {
  const httpGet = handler === undefined ? undefined : objectAt(handler, "httpGet");
  if (httpGet === undefined) return;
  setDefault(httpGet, "path", "/");
  setDefault(httpGet, "scheme", "HTTP");
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (probe === undefined) return;
  for (const [key, value] of [
    ["timeoutSeconds", 1],
    ["periodSeconds", 10],
    ["successThreshold", 1],
    ["failureThreshold", 3],
  ] as const) {
    if (probe[key] === undefined || probe[key] === 0) probe[key] = value;
  }
  defaultHttpGet(probe);
}

function defaultContainer(container: JsonObject, pod: boolean): void {
  if (container.imagePullPolicy === undefined || container.imagePullPolicy === "") {
    container.imagePullPolicy =
      typeof container.image === "string" && imageTag(container.image) === "latest" ? "Always" : "IfNotPresent";
  }
  setDefault(container, "terminationMessagePath", "/dev/termination-log");
  setDefault(container, "terminationMessagePolicy", "File");
  if (!isJsonObject(container.resources)) container.resources = {};
  const resources = container.resources as JsonObject;
  if (pod && isJsonObject(resources.limits)) {
    const requests = isJsonObject(resources.requests) ? resources.requests : {};
    for (const [name, quantity] of Object.entries(resources.limits)) if (requests[name] === undefined) requests[name] = quantity;
    resources.requests = requests;
  }
  for (const port of listAt(container, "ports")) setDefault(port, "protocol", "TCP");
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(objectAt(container, probe));
  const lifecycle = objectAt(container, "lifecycle");
  if (lifecycle !== undefined) for (const hook of ["postStart", "preStop"]) defaultHttpGet(objectAt(lifecycle, hook));
  for (const env of listAt(container, "env")) {
    const fieldRef = objectAt(objectAt(env, "valueFrom") ?? {}, "fieldRef");
    if (fieldRef !== undefined) setDefault(fieldRef, "apiVersion", "v1");
  }
}

const volumeSources = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

function defaultVolume(volume: JsonObject): void {
  if (!volumeSources.some((source) => volume[source] !== undefined)) volume.emptyDir = {};
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    const value = objectAt(volume, source);
    if (value !== undefined && value.defaultMode === undefined) value.defaultMode = 420;
  }
  for (const item of listAt(objectAt(volume, "downwardAPI") ?? {}, "items")) {
    const fieldRef = objectAt(item, "fieldRef");
    if (fieldRef !== undefined) setDefault(fieldRef, "apiVersion", "v1");
  }
  const hostPath = objectAt(volume, "hostPath");
  if (hostPath !== undefined && hostPath.type === undefined) hostPath.type = "";
  for (const projection of listAt(objectAt(volume, "projected") ?? {}, "sources")) {
    const token = objectAt(projection, "serviceAccountToken");
    if (token !== undefined && token.expirationSeconds === undefined) token.expirationSeconds = 3600;
    for (const item of listAt(objectAt(projection, "downwardAPI") ?? {}, "items")) {
      const fieldRef = objectAt(item, "fieldRef");
      if (fieldRef !== undefined) setDefault(fieldRef, "apiVersion", "v1");
    }
  }
}

/** SetObjectDefaults_Pod: the Pod with every default the apiserver fills in. */
export function defaultPod(document: Pod): Pod {
  return defaultInPlace(cloneJson(document) as JsonObject);
}

/** defaultPod on a Pod the caller owns. */
function defaultInPlace(pod: JsonObject): Pod {
  if (!isJsonObject(pod.spec)) pod.spec = {};
  const spec = pod.spec as JsonObject;
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "restartPolicy", "Always");
  if (!isJsonObject(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  setDefault(spec, "schedulerName", "default-scheduler");
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  for (const container of listAt(spec, "containers")) defaultContainer(container, true);
  for (const container of listAt(spec, "initContainers")) defaultContainer(container, true);
  for (const container of listAt(spec, "ephemeralContainers")) defaultContainer(container, false);
  for (const volume of listAt(spec, "volumes")) defaultVolume(volume);
  // SetDefaults_Pod's defaultHostNetworkPorts: on the host's network a port is published as itself.
  if (spec.hostNetwork === true) {
    for (const list of ["containers", "initContainers"]) {
      for (const container of listAt(spec, list)) {
        for (const port of listAt(container, "ports")) {
          if (port.hostPort === undefined || port.hostPort === 0) port.hostPort = port.containerPort ?? 0;
        }
      }
    }
  }
  return pod as Pod;
}
