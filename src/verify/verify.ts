/**
 * `verify`: is the cluster in front of us still the one the contract, the typed client and the mock
 * describe? Reads what the server says about itself, compares it with the bundled contract
 * (src/verify/schema-drift.ts), sends the behavioural probes (src/verify/probes.ts) — every PATCH with
 * `dryRun=All`, checked here before it leaves — and compares each answer with the project's prediction
 * (src/verify/predict.ts) and with the contract's schemas.
 *
 * Writes nothing to the cluster unless `createPodIn` names a namespace: then one throwaway Pod is
 * created there, probed, and deleted (also when a probe fails). Without it, the Pod under test is
 * `pod` in `namespace`, or the first Pod listed there.
 *
 * Input: a Transport and options. Output: a VerifyReport (src/verify/report.ts formats it). Throws
 * `VerifyUsageError` when there is nothing to probe, and the transport's errors when the cluster cannot
 * be reached or refuses the credentials.
 */
import { dereference, type OpenApiNode, refName } from "../contract/bundle.js";
import { compileComponent, formatErrors } from "../contract/schema-validator.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../engine/json.js";
import { patchMediaTypes, type Pod } from "../operation/patch-pod.js";
import { explain, type Explanation } from "./deliberate.js";
import { decode, predictPatch, queryViolations, type PatchProbeRequest, type Prediction } from "./predict.js";
import { buildProbes, probeCategories, type Probe } from "./probes.js";
import {
  compareSchemas,
  type Impact,
  type SchemaComparison,
  type SchemaDifference,
  ServerDocumentError,
} from "./schema-drift.js";
import { ClusterAccessError, type ClusterAnswer, type Transport, warningsOf } from "./transport.js";

export class VerifyUsageError extends Error {
  override name = "VerifyUsageError";
}

export interface VerifyOptions {
  namespace: string;
  pod?: string;
  /** Namespace where one throwaway Pod may be created and deleted. */
  createPodIn?: string;
  /** Name of that Pod (default: `pod-patch-verify-` and a random suffix); recordings fix it. */
  throwawayName?: string;
  contract: OpenApiNode;
  log?: (line: string) => void;
}

export interface Difference {
  id: string;
  /** Report category the difference belongs to. */
  category: string;
  impact: Impact | "prediction";
  detail: string;
  /** What the server did in the probes about it (schema differences of fields the server does not know). */
  serverBehaviour?: string[];
  explanation?: Explanation;
}

export interface ProbeResult {
  id: string;
  category: string;
  title: string;
  request: { path: string; contentType: string; bytes: number };
  answer: { status: number; reason?: string; message?: string; causes?: string[]; warnings?: string[] };
  predicted: { status: number; reason?: string; causes?: string[]; warnings?: string[] };
  agrees: boolean;
  disagreement?: string;
  contractAcceptsRequest: boolean;
  answerFitsContract: boolean;
  answerProblems?: string;
}

export interface CategoryLine {
  name: string;
  agree: number;
  total: number;
}

export interface VerifyReport {
  server: { origin: string; version: string };
  contractVersion: string;
  target: { namespace: string; pod: string; created: boolean } | null;
  categories: CategoryLine[];
  unexplained: Difference[];
  deliberate: Difference[];
  documentation: Difference[];
  probes: ProbeResult[];
}

export const userAgent = "pod-patch-contract-verify";

const podPath = (namespace: string, name: string): string =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function refusal(what: string, answer: ClusterAnswer): Error {
  const status = parseJson(answer.body);
  const message = isJsonObject(status) && typeof status.message === "string" ? `: ${status.message}` : "";
  if (answer.status === 401 || answer.status === 403)
    return new ClusterAccessError(`${what}: the server refused the credentials (HTTP ${answer.status}${message})`);
  return new ClusterAccessError(`${what}: HTTP ${answer.status}${message}`);
}

async function getJson(transport: Transport, path: string, what: string): Promise<unknown> {
  const answer = await transport.send({ method: "GET", path, headers: { accept: "application/json" } });
  if (answer.status !== 200) throw refusal(what, answer);
  const parsed = parseJson(answer.body);
  if (parsed === undefined) throw new ClusterAccessError(`${what}: the answer is not JSON`);
  return parsed;
}

/** The one way a PATCH leaves verify: with `dryRun=All` first in its query, or not at all. */
export function probeQuery(request: PatchProbeRequest): string {
  const pairs: [string, string][] = [["dryRun", "All"], ...request.query];
  const query = new URLSearchParams(pairs).toString();
  if (!query.startsWith("dryRun=All")) throw new Error("refusing to send a PATCH without dryRun=All");
  return query;
}

async function sendProbe(transport: Transport, namespace: string, request: PatchProbeRequest): Promise<ClusterAnswer> {
  return transport.send({
    method: "PATCH",
    path: `${podPath(namespace, request.name)}?${probeQuery(request)}`,
    headers: { "content-type": request.contentType, accept: "application/json" },
    body: request.body,
    ...(request.anonymous === true ? { anonymous: true } : {}),
  });
}

const throwawayPod = (name: string): JsonObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { "app.kubernetes.io/managed-by": userAgent } },
  spec: {
    containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }],
    tolerations: [{ key: "pod-patch-contract.verify/existing", operator: "Equal", value: "x", effect: "NoSchedule" }],
    activeDeadlineSeconds: 3600,
    terminationGracePeriodSeconds: 0,
  },
});

async function findTarget(
  transport: Transport,
  options: VerifyOptions,
): Promise<{ namespace: string; pod: Pod; cleanup?: () => Promise<void> }> {
  if (options.createPodIn !== undefined) {
    const namespace = options.createPodIn;
    const name = options.throwawayName ?? `pod-patch-verify-${Math.random().toString(36).slice(2, 10)}`;
    const answer = await transport.send({
      method: "POST",
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(throwawayPod(name)),
    });
    if (answer.status !== 201) throw refusal(`creating the throwaway Pod ${namespace}/${name}`, answer);
    const cleanup = async (): Promise<void> => {
      const deleted = await transport.send({ method: "DELETE", path: `${podPath(namespace, name)}?gracePeriodSeconds=0` });
      if (deleted.status !== 200 && deleted.status !== 404)
        throw refusal(`deleting the throwaway Pod ${namespace}/${name}`, deleted);
    };
    return { namespace, pod: parseJson(answer.body) as Pod, cleanup };
  }
  const namespace = options.namespace;
  if (options.pod !== undefined) {
    return {
      namespace,
      pod: (await getJson(transport, podPath(namespace, options.pod), `reading Pod ${namespace}/${options.pod}`)) as Pod,
    };
  }
  const list = (await getJson(
    transport,
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?limit=1`,
    `listing the Pods of ${namespace}`,
  )) as {
    items?: Pod[];
  };
  const first = list.items?.[0];
  if (first === undefined) {
    throw new VerifyUsageError(
      `namespace "${namespace}" has no Pod to probe: name one with --pod (and --namespace), or let verify create and delete a throwaway Pod with --create-pod NAMESPACE`,
    );
  }
  return { namespace, pod: first };
}

/** Go's omitempty: null, empty lists and empty objects count as absent. */
function normalized(value: JsonValue | undefined): JsonValue | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((element) => normalized(element) ?? null);
  if (!isJsonObject(value)) return value ?? undefined;
  const entries = Object.entries(value).flatMap(([key, child]) => {
    const kept = normalized(child);
    return kept === undefined ? [] : [[key, kept] as const];
  });
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function differingPaths(a: JsonValue | undefined, b: JsonValue | undefined, path: string): string[] {
  if (isJsonObject(a) && isJsonObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) =>
      differingPaths(a[key], b[key], path === "" ? key : `${path}.${key}`),
    );
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((item, index) => differingPaths(item, b[index], `${path}[${index}]`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** What a client sees of the Pod after the patch: spec and the user-owned metadata (server-set fields aside). */
function comparable(pod: unknown): JsonValue | undefined {
  const object = isJsonObject(pod) ? pod : {};
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  return normalized({
    metadata: {
      name: metadata.name ?? null,
      namespace: metadata.namespace ?? null,
      labels: metadata.labels ?? null,
      annotations: metadata.annotations ?? null,
      finalizers: metadata.finalizers ?? null,
      ownerReferences: metadata.ownerReferences ?? null,
    },
    spec: object.spec ?? null,
  });
}

// The server quotes the field inside the quoted warning text: `299 - "unknown field \"spec.x\""`.
const unknownFieldWarning = /unknown field \\?"([^"\\]+)\\?"/g;

function compareAnswer(prediction: Prediction, answer: ClusterAnswer, body: unknown): string | undefined {
  if (prediction.status !== answer.status) return `predicted ${prediction.status}, the server answered ${answer.status}`;
  const status = isJsonObject(body) ? body : {};
  if (answer.status >= 400) {
    if (prediction.reason !== undefined && status.reason !== undefined && status.reason !== prediction.reason)
      return `predicted reason ${prediction.reason}, the server's is ${String(status.reason)}`;
    const details = isJsonObject(status.details) ? status.details : {};
    const causes = Array.isArray(details.causes)
      ? details.causes.flatMap((cause) =>
          isJsonObject(cause) && typeof cause.field === "string" && cause.field !== "" ? [cause.field] : [],
        )
      : [];
    if (causes.length > 0 && prediction.causeFields !== undefined && prediction.causeFields.length > 0) {
      const ours = [...new Set(prediction.causeFields)].sort();
      const theirs = [...new Set(causes)].sort();
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        return `predicted causes at ${ours.join(", ")}, the server's are at ${theirs.join(", ")}`;
    }
    return undefined;
  }
  if (prediction.pod !== undefined) {
    const paths = differingPaths(comparable(prediction.pod), comparable(body), "");
    if (paths.length > 0)
      return `the patched Pod differs from the prediction at ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ", …" : ""}`;
  }
  const warned = warningsOf(answer).flatMap((warning) =>
    [...warning.matchAll(unknownFieldWarning)].map((match) => match[1] ?? ""),
  );
  const expected = prediction.warnedFields ?? [];
  if (expected.length > 0 && warned.length === 0)
    return `predicted a warning about unknown field ${expected.join(", ")}; the server sent none`;
  if (expected.length === 0 && warned.length > 0)
    return `the server warned about unknown field ${warned.join(", ")}; the project predicted none`;
  return undefined;
}

interface ContractChecks {
  requestAccepted(request: PatchProbeRequest): boolean;
  answerProblems(answer: ClusterAnswer, body: unknown): string | undefined;
}

function contractChecks(contract: OpenApiNode): ContractChecks {
  const operation = contract.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch as OpenApiNode;
  const requestBody = dereference(contract, operation.requestBody as OpenApiNode);
  const schemaNameOf = (node: OpenApiNode | undefined): string | undefined =>
    typeof node?.$ref === "string" ? refName(node.$ref) : undefined;
  const responseSchema = (code: number): string | null | undefined => {
    const response = dereference(contract, operation.responses[String(code)] as OpenApiNode | undefined);
    if (response === undefined) return undefined;
    return schemaNameOf(response.content?.["application/json"]?.schema) ?? null;
  };
  return {
    requestAccepted(request) {
      const essence = request.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
      const mediaType = patchMediaTypes.find((candidate) => candidate === essence);
      const schema = schemaNameOf(requestBody.content?.[essence]?.schema);
      if (mediaType === undefined || schema === undefined) return false;
      if (queryViolations(contract, request.query).length > 0) return false;
      const decoded = decode(mediaType, request.body);
      return decoded.ok && compileComponent(contract, schema)(decoded.value) === true;
    },
    answerProblems(answer, body) {
      const schema = responseSchema(answer.status);
      if (schema === undefined) return `the contract declares no ${answer.status} answer`;
      if (schema === null) return undefined;
      if (body === undefined) return `the ${answer.status} answer is not JSON`;
      const validate = compileComponent(contract, schema);
      return validate(body) === true ? undefined : formatErrors(validate.errors).split("\n").slice(0, 3).join("; ");
    },
  };
}

function summarize(answer: ClusterAnswer, body: unknown): ProbeResult["answer"] {
  const status = isJsonObject(body) && body.kind === "Status" ? body : undefined;
  const details = status !== undefined && isJsonObject(status.details) ? status.details : {};
  const causes = Array.isArray(details.causes)
    ? details.causes.flatMap((cause) =>
        isJsonObject(cause) ? [`${String(cause.field ?? "")}: ${String(cause.reason ?? "")}`] : [],
      )
    : [];
  const warnings = warningsOf(answer);
  return {
    status: answer.status,
    ...(typeof status?.reason === "string" ? { reason: status.reason } : {}),
    ...(typeof status?.message === "string" ? { message: status.message.slice(0, 300) } : {}),
    ...(causes.length > 0 ? { causes } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** What the server did with a field or value it does not know, from the probes about it. */
function behaviour(probe: Probe, answer: ClusterAnswer, body: unknown, field: string): string {
  const text = `${isJsonObject(body) && typeof body.message === "string" ? body.message : ""} ${warningsOf(answer).join(" ")}`;
  const question = probe.about?.question;
  if (question === "warn") {
    if (answer.status < 300 && /unknown field/.test(text)) return "dropped with a warning under the default field validation";
    if (answer.status < 300) return `accepted without a warning under the default field validation (${answer.status})`;
    return `refused under the default field validation (${answer.status})`;
  }
  if (question === "strict") {
    if (answer.status >= 400 && /unknown field/.test(text))
      return `refused under fieldValidation=Strict (${answer.status} unknown field)`;
    return `fieldValidation=Strict: ${answer.status}`;
  }
  const causes =
    isJsonObject(body) && isJsonObject(body.details) && Array.isArray(body.details.causes) ? body.details.causes : [];
  const atField = causes.find((cause) => isJsonObject(cause) && cause.field === field);
  if (answer.status >= 400 && isJsonObject(atField))
    return `value refused (${answer.status} ${String(atField.reason ?? "")} at ${field})`;
  if (answer.status < 300) return `value accepted (${answer.status})`;
  return `refused for another reason (${answer.status})`;
}

export async function runVerify(transport: Transport, options: VerifyOptions): Promise<VerifyReport> {
  const log = options.log ?? (() => {});
  const { contract } = options;
  const version = (await getJson(transport, "/version", "reading /version")) as { gitVersion?: string };
  const serverVersion = version.gitVersion ?? "unknown";
  log(`server ${transport.origin}: Kubernetes ${serverVersion}`);

  const unexplained: Difference[] = [];
  const deliberate: Difference[] = [];
  const documentation: Difference[] = [];
  const categories: CategoryLine[] = [];

  let comparison: SchemaComparison | undefined;
  const openapi = await transport.send({ method: "GET", path: "/openapi/v3/api/v1", headers: { accept: "application/json" } });
  const serverDocument = openapi.status === 200 ? parseJson(openapi.body) : undefined;
  if (openapi.status === 401 || openapi.status === 403) throw refusal("reading /openapi/v3/api/v1", openapi);
  try {
    if (!isJsonObject(serverDocument))
      throw new ServerDocumentError(
        `GET /openapi/v3/api/v1 answered ${openapi.status}${serverDocument === undefined && openapi.status === 200 ? " with a body that is not JSON" : ""}`,
      );
    comparison = compareSchemas(serverDocument as OpenApiNode, contract);
  } catch (error) {
    if (!(error instanceof ServerDocumentError)) throw error;
    unexplained.push({
      id: "schema:unavailable",
      category: "schema",
      impact: "contract-accepts",
      detail: `the server's own schema cannot be compared: ${error.message}`,
    });
  }
  const schemaDifferences: SchemaDifference[] = comparison?.differences ?? [];
  const schemaEntries = new Map<string, Difference>();
  for (const area of ["pod-model", "patch-operation"] as const) {
    const compared = comparison?.compared[area] ?? 0;
    const differing = schemaDifferences.filter((difference) => difference.area === area).length;
    categories.push({
      name: `schema: ${area === "pod-model" ? "Pod model" : "PATCH operation"}`,
      agree: compared - differing,
      total: compared,
    });
  }
  for (const difference of schemaDifferences) {
    const entry: Difference = {
      id: `schema:${difference.id}`,
      category: difference.area === "pod-model" ? "schema: Pod model" : "schema: PATCH operation",
      impact: difference.impact,
      detail: `${difference.location}${difference.podPath === undefined ? "" : ` (${difference.podPath})`}: ${difference.detail}`,
    };
    schemaEntries.set(difference.id, entry);
    const explanation = explain(difference);
    if (explanation !== undefined) deliberate.push({ ...entry, explanation });
    else if (difference.impact === "documentation") documentation.push(entry);
    else unexplained.push(entry);
  }

  const target = await findTarget(transport, options);
  const probeResults: ProbeResult[] = [];
  try {
    const pod = target.pod;
    const probes = buildProbes(pod, schemaDifferences, contract);
    log(`probing Pod ${target.namespace}/${pod.metadata?.name ?? ""} with ${probes.length} dry-run PATCH requests`);
    const checks = contractChecks(contract);
    for (const probe of probes) {
      const answer = await sendProbe(transport, target.namespace, probe.request);
      const body = parseJson(answer.body);
      const prediction = predictPatch(pod, probe.request, contract);
      const disagreement = compareAnswer(prediction, answer, body);
      const contractAcceptsRequest = checks.requestAccepted(probe.request);
      const answerProblems = checks.answerProblems(answer, body);
      const result: ProbeResult = {
        id: probe.id,
        category: probe.category,
        title: probe.title,
        request: {
          path: `${podPath(target.namespace, probe.request.name)}?${probeQuery(probe.request)}`,
          contentType: probe.request.contentType,
          bytes: Buffer.byteLength(probe.request.body),
        },
        answer: summarize(answer, body),
        predicted: {
          status: prediction.status,
          ...(prediction.reason === undefined ? {} : { reason: prediction.reason }),
          ...(prediction.causeFields === undefined || prediction.causeFields.length === 0
            ? {}
            : { causes: prediction.causeFields }),
          ...(prediction.warnedFields === undefined
            ? {}
            : { warnings: prediction.warnedFields.map((field) => `unknown field "${field}"`) }),
        },
        agrees: disagreement === undefined,
        ...(disagreement === undefined ? {} : { disagreement }),
        contractAcceptsRequest,
        answerFitsContract: answerProblems === undefined,
        ...(answerProblems === undefined ? {} : { answerProblems }),
      };
      probeResults.push(result);
      if (probe.about !== undefined) {
        const entry = schemaEntries.get(probe.about.difference);
        if (entry !== undefined)
          entry.serverBehaviour = [...(entry.serverBehaviour ?? []), behaviour(probe, answer, body, probe.about.field)];
        continue;
      }
      const record = (id: string, category: string, impact: Difference["impact"], detail: string): void => {
        const difference: Difference = { id, category, impact, detail };
        const explanation = explain(difference);
        if (explanation !== undefined) deliberate.push({ ...difference, explanation });
        else unexplained.push(difference);
      };
      if (disagreement !== undefined)
        record(`probe:${probe.id}:prediction`, probe.category, "prediction", `${probe.title}: ${disagreement}`);
      if (answer.status < 300 && !contractAcceptsRequest)
        record(
          `probe:${probe.id}:contract-refuses-request`,
          probe.category,
          "contract-refuses",
          `${probe.title}: the server accepted a request the contract refuses`,
        );
      if (answerProblems !== undefined)
        record(
          `probe:${probe.id}:answer`,
          "contract: answers",
          "contract-refuses",
          `${probe.title}: the server's ${answer.status} answer does not fit the contract: ${answerProblems}`,
        );
    }
  } finally {
    await target.cleanup?.();
  }
  for (const category of probeCategories) {
    const inCategory = probeResults.filter((result) => result.category === category);
    categories.push({
      name: `probes: ${category}`,
      agree: inCategory.filter((result) => result.agrees).length,
      total: inCategory.length,
    });
  }
  categories.push({
    name: "contract: answers fit the contract",
    agree: probeResults.filter((result) => result.answerFitsContract).length,
    total: probeResults.length,
  });
  const accepted = probeResults.filter((result) => result.answer.status < 300);
  categories.push({
    name: "contract: accepted requests the contract accepts",
    agree: accepted.filter((result) => result.contractAcceptsRequest).length,
    total: accepted.length,
  });
  return {
    server: { origin: transport.origin, version: serverVersion },
    contractVersion: String(contract.info?.version ?? ""),
    target: { namespace: target.namespace, pod: target.pod.metadata?.name ?? "", created: target.cleanup !== undefined },
    categories,
    unexplained,
    deliberate,
    documentation,
    probes: probeResults,
  };
}
