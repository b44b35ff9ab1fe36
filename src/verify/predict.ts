/**
 * The project's prediction of the apiserver's answer to one PATCH of a Pod it knows: the checks the
 * apiserver makes in its order (credentials 401, Pod 404, Content-Type 415, body size 413, query options
 * 422, decoding 400), then the patch engine (src/engine applyPatch), the handler's own checks (the name
 * on the URL, the resourceVersion precondition), what field validation does with fields the Pod model
 * does not have (dropped with a warning under Warn, the default; dropped silently under Ignore; refused
 * under Strict), and the update rules (checkPodUpdate).
 *
 * Query values are predicted from the contract's parameter schemas (the project's statement of what the
 * apiserver accepts) plus ValidatePatchOptions (src/engine/patch-options.ts).
 *
 * Input: the Pod as the server returned it, the request, the bundled contract. Output: status code,
 * reason, the fields the causes name, the Pod on success and whether unknown-field warnings are expected.
 * Pure function.
 */
import { parse as parseYaml } from "yaml";
import { dereference, type OpenApiNode } from "../contract/bundle.js";
import { compileComponent } from "../contract/schema-validator.js";
import { applyPatch, checkPodUpdate, decodePod, PatchError } from "../engine/index.js";
import { checkPatchOptions } from "../engine/patch-options.js";
import { MAX_BODY_BYTES, patchMediaTypes, type PatchMediaType, type Pod } from "../operation/patch-pod.js";

export interface PatchProbeRequest {
  /** Name of the Pod in the path. */
  name: string;
  /** Query pairs in order; the runner puts `dryRun=All` first. */
  query: [string, string][];
  contentType: string;
  body: string;
  /** Sent without credentials. */
  anonymous?: boolean;
}

export interface Prediction {
  status: number;
  reason?: string;
  /** The fields of the causes, when the prediction names them. */
  causeFields?: string[];
  pod?: Pod;
  /** Unknown fields the server is expected to drop with a warning. */
  warnedFields?: string[];
}

const reasons: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  404: "NotFound",
  409: "Conflict",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  500: "InternalError",
};

const refused = (status: number, causeFields?: string[]): Prediction => ({
  status,
  ...(reasons[status] === undefined ? {} : { reason: reasons[status] }),
  ...(causeFields === undefined ? {} : { causeFields }),
});

/** Query values the contract's parameter schemas refuse, as `name` per problem. */
export function queryViolations(contract: OpenApiNode, query: [string, string][]): string[] {
  const parameters: OpenApiNode[] = [
    ...(contract.paths["/api/v1/namespaces/{namespace}/pods/{name}"].parameters ?? []),
    ...(contract.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch.parameters ?? []),
  ].map((node: OpenApiNode) => dereference(contract, node));
  const problems: string[] = [];
  for (const parameter of parameters.filter((candidate) => candidate.in === "query")) {
    const values = query.filter(([name]) => name === parameter.name).map(([, value]) => value);
    if (values.length === 0) continue;
    const schema: OpenApiNode = parameter.schema ?? {};
    // A parameter given more than once is a list; a schema that is not an array takes one value.
    const value: unknown =
      schema.type === "array"
        ? values
        : values.length > 1
          ? values
          : schema.type === "boolean"
            ? values[0] === "true"
              ? true
              : values[0] === "false"
                ? false
                : values[0]
            : values[0];
    if (!validateInline(contract, schema, value)) problems.push(parameter.name);
  }
  return problems;
}

const inlineValidators = new WeakMap<OpenApiNode, (value: unknown) => boolean>();

function validateInline(contract: OpenApiNode, schema: OpenApiNode, value: unknown): boolean {
  let validate = inlineValidators.get(schema);
  if (validate === undefined) {
    // Parameter schemas are small and self-contained; they go through the same Ajv setup as components.
    const holder = {
      ...contract,
      components: { ...contract.components, schemas: { ...contract.components.schemas, __parameter: schema } },
    };
    const compiled = compileComponent(holder, "__parameter");
    validate = (candidate: unknown) => compiled(candidate) === true;
    inlineValidators.set(schema, validate);
  }
  return validate(value);
}

/** The body parsed as its media type says (YAML for apply), or not at all. */
export function decode(mediaType: PatchMediaType, body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value: unknown = mediaType === "application/apply-patch+yaml" ? parseYaml(body) : JSON.parse(body);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

export function predictPatch(pod: Pod, request: PatchProbeRequest, contract: OpenApiNode): Prediction {
  if (request.anonymous === true) return refused(401);
  if (request.name !== pod.metadata?.name) return refused(404);
  const essence = request.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const mediaType = patchMediaTypes.find((candidate) => candidate === essence);
  if (mediaType === undefined) return refused(415);
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) return refused(413);
  const query = new URLSearchParams(request.query);
  const options = checkPatchOptions(essence, query);
  if (options !== undefined)
    return refused(
      422,
      (options.details?.causes ?? []).flatMap((cause) => (cause.field === undefined ? [] : [cause.field])),
    );
  const badQuery = queryViolations(contract, request.query);
  if (badQuery.length > 0) return refused(422, badQuery);
  const decoded = decode(mediaType, request.body);
  if (!decoded.ok) return refused(400);
  let after: Pod;
  try {
    const fieldManager = query.get("fieldManager") ?? undefined;
    after = applyPatch(pod, decoded.value, mediaType, {
      ...(fieldManager === undefined ? {} : { fieldManager }),
      force: query.get("force") === "true",
    });
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    const causes = (error.status.details?.causes ?? []).flatMap((cause) =>
      cause.field === undefined || cause.field === "" ? [] : [cause.field],
    );
    return refused(error.status.code ?? 500, causes);
  }
  if (after.metadata?.name !== pod.metadata?.name || after.metadata?.namespace !== pod.metadata?.namespace) return refused(400);
  const resourceVersion = after.metadata?.resourceVersion;
  if (resourceVersion !== undefined && resourceVersion !== pod.metadata?.resourceVersion) return refused(409);
  // Decoding into the Go types drops the members the Pod model does not have (the engine's one home for it,
  // as writePod decodes every patched Pod).
  const known = decodePod(after);
  const dropped = known.unknownFields;
  after = known.pod;
  const validation = query.getAll("fieldValidation").at(-1) ?? "Warn";
  if (dropped.length > 0 && validation === "Strict") return refused(mediaType === "application/apply-patch+yaml" ? 500 : 422);
  if (dropped.length > 0 && mediaType === "application/apply-patch+yaml") return refused(500);
  const violations = checkPodUpdate(pod, after);
  if (violations.length > 0)
    return refused(
      422,
      violations.map((violation) => violation.field),
    );
  return { status: 200, pod: after, ...(dropped.length > 0 && validation !== "Ignore" ? { warnedFields: dropped } : {}) };
}
