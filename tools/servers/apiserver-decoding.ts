/**
 * How the apiserver decodes a PATCH body and what it answers when that fails, for the mock and the
 * proxy's front: the 400 for a body that is not JSON/YAML or not the right kind of value, the 500 for a
 * strategic merge directive it does not know, and the fields the Pod does not have — a `Warning` each under
 * `fieldValidation=Warn` (the default), a 422 under `Strict`, a 500 for an apply body whatever the mode.
 * The wording follows kubernetes v1.35.4 `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`
 * (applyJSPatch, strategicPatchObject, applyPatcher), sigs.k8s.io/structured-merge-diff v6 (typed
 * patch errors) and evanphx/json-patch; test/differential/errors.test.ts compares it with the server.
 *
 * The mock has no stored Pod (docs/ground-truth.md, "Error answers"): what only the stored object can
 * decide — a `test` that fails, a path that does not exist, an update rule — is not answered here.
 *
 * Inputs: the patch type, `fieldValidation`, the body (bytes or decoded value), the Pod's name.
 * Outputs: a Status to refuse with, or the warnings to send with a success. Pure functions.
 */
import { isEmptyContainer } from "../../src/engine/json.js";
import { fieldShape, objectNode, type ObjectNode, podNode } from "../../src/engine/metadata.js";
import { failureStatus, type Status } from "../../src/status/status.js";
import { checkJsonPatchSize } from "./apiserver-rules.js";
import { isApply } from "../../src/engine/patch-options.js";
import { goJsonSyntaxError } from "./go-json-syntax.js";
import { goJsonKind, goValue } from "../../src/engine/go-text.js";
import { patchInvalidStatus } from "../../src/engine/errors.js";

const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";

export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** The mode `fieldValidation` asks for; empty (or absent) is the apiserver's default, Warn. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get("fieldValidation");
  return value === "Ignore" || value === "Strict" ? value : "Warn";
}

/** The outcome of the apiserver's decoding: refused with a Status, or accepted with these warnings. */
export type DecodingVerdict = { status: Status } | { warnings: string[] };

const badRequest = (message: string): DecodingVerdict => ({ status: failureStatus(400, message) });

/**
 * A 500 for an error that is not an API error (apimachinery's ErrorToAPIStatus): the error's text as
 * the message and no reason at all — what the apiserver answers for strategicpatch's and server-side
 * apply's errors.
 */
export function plainErrorStatus(message: string): Status {
  const { reason: _unknown, ...status } = failureStatus(500, message);
  return status;
}

/**
 * The 400 for a body that does not parse. JSON bodies get Go's own syntax error; an apply body gets the
 * YAML decoder's whole complaint (`decoderDetail`: src/yaml/apiserver-yaml.ts words it as sigs.k8s.io/yaml
 * does, "error converting YAML to JSON: …"; a syntax error in js-yaml's words, not go-yaml's).
 */
export function undecodableStatus(patchType: string, mode: FieldValidation, bytes: Uint8Array, decoderDetail: string): Status {
  if (isApply(patchType)) return failureStatus(400, `error decoding YAML: ${decoderDetail}`);
  const detail = goJsonSyntaxError(bytes) ?? decoderDetail;
  if (patchType === STRATEGIC) return failureStatus(400, detail);
  if (patchType === MERGE_PATCH && mode === "Ignore") return failureStatus(400, "Invalid JSON Patch");
  return failureStatus(400, mode === "Ignore" ? detail : `error decoding patch: ${detail}`);
}

/**
 * The decoded body's verdict for the patch type (see the header); `value` is undefined for an empty
 * body. `name` is the name in the URL: a body whose `metadata.name` differs is refused with 400.
 */
export function checkDecodedBody(patchType: string, mode: FieldValidation, value: unknown, name?: string): DecodingVerdict {
  if (value === undefined && !isApply(patchType)) return { status: undecodableStatus(patchType, mode, new Uint8Array(), "") };
  const verdict = checkBodyOfType(patchType, mode, value);
  if ("status" in verdict || name === undefined || patchType === JSON_PATCH) return verdict;
  const bodyName = isObject(value) && isObject(value.metadata) ? value.metadata.name : undefined;
  if (typeof bodyName === "string" && bodyName !== "" && bodyName !== name) {
    return badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
  }
  return verdict;
}

function checkBodyOfType(patchType: string, mode: FieldValidation, value: unknown): DecodingVerdict {
  if (patchType === JSON_PATCH) return checkJsonPatch(mode, value);
  if (patchType === MERGE_PATCH) return checkMergePatch(mode, value);
  if (patchType === STRATEGIC) return checkStrategicPatch(mode, value);
  if (isApply(patchType)) return checkApplyPatch(value);
  return { warnings: [] };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A field the Pod does not have, as the strict decoder names it and as server-side apply does. */
interface UnknownField {
  /** `spec.containers[0].bogus` */
  path: string;
  /** `.spec.containers[name="web"].bogus` */
  typedPath: string;
}

/** The path of member `key` below `at`. */
const child = (at: UnknownField, key: string): UnknownField => ({
  path: at.path === "" ? key : `${at.path}.${key}`,
  typedPath: `${at.typedPath}.${key}`,
});

/** Strategic merge directives the decoder leaves alone; anything else starting with `$` is an unknown field. */
function isDirective(key: string): boolean {
  return (
    key === "$patch" ||
    key === "$retainKeys" ||
    key.startsWith("$setElementOrder/") ||
    key.startsWith("$deleteFromPrimitiveList/")
  );
}

/** The structured-merge-diff path element of list entry `item` at `index`: `[name="web"]`, `[=value]` or `[0]`. */
function typedListElement(shape: { listType?: string; listMapKeys?: readonly string[] }, item: unknown, index: number): string {
  if (shape.listType === "map" && isObject(item)) {
    const keys = [...(shape.listMapKeys ?? [])].sort().filter((key) => item[key] !== undefined);
    return `[${keys.map((key) => `${key}=${JSON.stringify(item[key])}`).join(",")}]`;
  }
  if (shape.listType === "set") return `[=${JSON.stringify(item)}]`;
  return `[${index}]`;
}

/**
 * Where a walk is, as a chain up to its start: paths are written out only for a member that is reported
 * (a body of 30,000 list items would otherwise write 60,000 paths to report none).
 */
type Place =
  | { start: UnknownField }
  | { up: Place; key: string }
  | { up: Place; index: number; item: unknown; shape: { listType?: string; listMapKeys?: readonly string[] } };

function written(place: Place): UnknownField {
  const chain: Place[] = [];
  let at = place;
  while (!("start" in at)) {
    chain.push(at);
    at = at.up;
  }
  let out = at.start;
  for (let index = chain.length - 1; index >= 0; index--) {
    const step = chain[index] as Exclude<Place, { start: UnknownField }>;
    out =
      "key" in step
        ? child(out, step.key)
        : {
            path: `${out.path}[${step.index}]`,
            typedPath: `${out.typedPath}${typedListElement(step.shape, step.item, step.index)}`,
          };
  }
  return out;
}

/**
 * The members of `value` that the Pod model does not have, depth first in the order Go encodes a
 * decoded map (keys sorted), which is the order the apiserver reports them in. Walked with an explicit
 * stack: a member's own subtree is walked before the next member.
 */
function unknownFields(value: unknown, node: ObjectNode, prefix: UnknownField, directives: boolean): UnknownField[] {
  type Step = { report: Place } | { value: unknown; node: ObjectNode; at: Place };
  const found: UnknownField[] = [];
  const stack: Step[] = [{ value, node, at: { start: prefix } }];
  const next: Step[] = [];
  const keys: string[] = [];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ("report" in step) {
      found.push(written(step.report));
      continue;
    }
    if (!isObject(step.value) || step.node.kind === "opaque") continue;
    // A map of scalars (labels, annotations) has every key and nothing below: 100,000 keys need no sorting.
    if (step.node.kind === "map" && step.node.values === "scalar") continue;
    // Go's order (keys sorted) matters only among the members that are reported or walked: only those are
    // sorted, in one array for the whole walk (sorting each of 30,000 env vars' keys was a third of it).
    keys.length = 0;
    for (const key in step.value) {
      if (directives && isDirective(key)) continue;
      const shape = fieldShape(step.node, key);
      if (shape === undefined || shape.kind === "object" || shape.kind === "map" || shape.kind === "list") keys.push(key);
    }
    for (const key of keys.sort()) {
      const member = step.value[key];
      const shape = fieldShape(step.node, key);
      if (shape === undefined) next.push({ report: { up: step.at, key } });
      else if (shape.kind === "object" || shape.kind === "map")
        next.push({ value: member, node: objectNode(shape), at: { up: step.at, key } });
      else if (shape.kind === "list" && shape.items !== "scalar" && Array.isArray(member)) {
        const list: Place = { up: step.at, key };
        const itemNode = objectNode(shape);
        member.forEach((item, index) => {
          // Only objects with members can hold unknown ones; the rest is neither walked nor kept.
          if (isObject(item) && !isEmptyContainer(item))
            next.push({ value: item, node: itemNode, at: { up: list, index, item, shape } });
        });
      }
    }
    // Onto the stack in reverse, one by one (a list of 700,000 items is more than push(...) takes).
    for (let index = next.length - 1; index >= 0; index--) stack.push(next[index] as Step);
    next.length = 0;
  }
  return found;
}

const ROOT: UnknownField = { path: "", typedPath: "" };

/** Warn: one warning per unknown field (and per other strict error); Strict: the 422; Ignore: nothing. */
function strictOutcome(mode: FieldValidation, strictErrors: string[], dump: () => string): DecodingVerdict {
  if (mode === "Ignore" || strictErrors.length === 0) return { warnings: [] };
  if (mode === "Warn") return { warnings: strictErrors };
  return { status: patchInvalidStatus(dump(), `strict decoding error: ${strictErrors.join(", ")}`) };
}

const unknownFieldErrors = (fields: UnknownField[]): string[] =>
  fields.map((field) => `unknown field ${JSON.stringify(field.path)}`);

const JSON_PATCH_MEMBERS = new Set(["op", "path", "from", "value"]);
const POINTER = /^(\/([^/~]|~[01])*)*$/;

/** RFC 6901 segments of a pointer, unescaped. */
const segments = (pointer: string): string[] =>
  pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));

/** The unknown fields an `add` or `replace` brings into the Pod: along its path, then inside its value. */
function unknownFieldsOfOperation(pointer: string, value: unknown): UnknownField[] {
  let node: ObjectNode = podNode;
  let at = ROOT;
  const parts = segments(pointer);
  let index = 0;
  while (index < parts.length) {
    const segment = parts[index] as string;
    const shape = fieldShape(node, segment);
    const path = child(at, segment);
    if (shape === undefined) return [path];
    if (shape.kind === "list") {
      const element = parts[index + 1];
      node = objectNode(shape);
      if (element === undefined) {
        if (!Array.isArray(value)) return [];
        return value.flatMap((item, position) =>
          unknownFields(item, node, { path: `${path.path}[${position}]`, typedPath: `${path.typedPath}[${position}]` }, false),
        );
      }
      at = { path: `${path.path}[${element}]`, typedPath: `${path.typedPath}[${element}]` };
      index += 2;
    } else if (shape.kind === "object" || shape.kind === "map") {
      node = objectNode(shape);
      at = path;
      index += 1;
    } else {
      return [];
    }
  }
  return unknownFields(value, node, at, false);
}

/**
 * applyJSPatch under Warn/Strict: the body must decode into `[]jsonPatchOp` (400 otherwise) and hold at
 * most 10000 operations (413). Members other than op/path/from/value are strict errors
 * (`json patch unknown field "[0].extra"`), like the fields the Pod does not have that an operation
 * adds. Under Ignore the body decodes as jsonpatch.Patch.
 */
function checkJsonPatch(mode: FieldValidation, value: unknown): DecodingVerdict {
  if (value === null) return { warnings: [] };
  const lenient = mode === "Ignore";
  const decodeError = (detail: string) => badRequest(lenient ? detail : `error decoding patch: ${detail}`);
  if (!Array.isArray(value)) {
    return decodeError(
      `json: cannot unmarshal ${goJsonKind(value)} into Go value of type ${lenient ? "jsonpatch.Patch" : "[]handlers.jsonPatchOp"}`,
    );
  }
  for (const operation of value) {
    if (operation !== null && !isObject(operation)) {
      return decodeError(
        `json: cannot unmarshal ${goJsonKind(operation)} into Go value of type ${lenient ? "jsonpatch.Operation" : "handlers.jsonPatchOp"}`,
      );
    }
    if (lenient || operation === null) continue;
    for (const member of ["op", "path", "from"]) {
      const field = operation[member];
      if (field !== undefined && field !== null && typeof field !== "string") {
        return decodeError(
          `json: cannot unmarshal ${goJsonKind(field)} into Go struct field jsonPatchOp.${member} of type string`,
        );
      }
    }
  }
  const tooMany = checkJsonPatchSize(JSON_PATCH, value);
  if (tooMany !== undefined) return { status: tooMany };
  // An operation that cannot be applied (unknown op, a path that is no pointer, move without from)
  // breaks the contract too: Prism reports it, and the front answers with the apiserver's generic 422
  // (front.ts violationStatus). Here only what the apiserver warns about in applicable operations.
  const strictErrors: string[] = [];
  const unknown: UnknownField[] = [];
  for (const [index, operation] of value.entries()) {
    if (!isObject(operation) || typeof operation.path !== "string" || !POINTER.test(operation.path)) continue;
    for (const member of Object.keys(operation)) {
      if (!JSON_PATCH_MEMBERS.has(member))
        strictErrors.push(`json patch unknown field ${JSON.stringify(`[${index}].${member}`)}`);
    }
    if (operation.op === "add" || operation.op === "replace")
      unknown.push(...unknownFieldsOfOperation(operation.path, operation.value));
  }
  return strictOutcome(mode, [...strictErrors, ...unknownFieldErrors(unknown)], () => JSON.stringify(value));
}

/** The merge patch must be a JSON object (`null` is "Invalid JSON Patch"); its unknown fields are strict errors. */
function checkMergePatch(mode: FieldValidation, value: unknown): DecodingVerdict {
  if (value === null) return badRequest("Invalid JSON Patch");
  if (!isObject(value)) {
    if (mode === "Ignore") {
      const target = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
      return {
        status: patchInvalidStatus(
          JSON.stringify(value),
          `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(value)} into Go value of type ${target}`,
        ),
      };
    }
    return badRequest(
      `error decoding patch: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`,
    );
  }
  return strictOutcome(mode, unknownFieldErrors(unknownFields(value, podNode, ROOT, false)), () => JSON.stringify(value));
}

/**
 * `$patch` values the apiserver does not know answer 500 without a reason (strategicpatch's errors
 * are not Status errors): "merging lists cannot yet be specified in the patch" in a list entry,
 * "unknown patch type: <v> in map: <map>" elsewhere; so does a `$setElementOrder/<field>` naming a
 * field the object does not have.
 */
function directiveProblem(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; node: ObjectNode; inList: boolean }> = [{ value, node: podNode, inList: false }];
  while (pending.length > 0) {
    const { value: current, node, inList } = pending.pop() as (typeof pending)[number];
    if (!isObject(current)) continue;
    const directive = current.$patch;
    if (directive !== undefined && directive !== "replace" && directive !== "delete") {
      if (inList && directive === "merge") return "merging lists cannot yet be specified in the patch";
      return `unknown patch type: ${goValue(directive)} in map: ${goValue(current)}`;
    }
    for (const key of Object.keys(current)) {
      const member = current[key];
      if (key.startsWith("$setElementOrder/") && node.kind === "schema") {
        const field = key.slice("$setElementOrder/".length);
        if (fieldShape(node, field) === undefined)
          return `unable to find api field in struct ${node.schema} for the json field ${JSON.stringify(field)}`;
        continue;
      }
      const shape = node.kind === "opaque" ? undefined : fieldShape(node, key);
      if (shape === undefined) continue;
      if (shape.kind === "list" && Array.isArray(member)) {
        // One node for all the items, and only the items that are objects: 30,000 env vars made 30,000 nodes.
        const itemNode = objectNode(shape);
        for (const item of member) if (isObject(item)) pending.push({ value: item, node: itemNode, inList: true });
      } else if (shape.kind === "object" || shape.kind === "map") {
        pending.push({ value: member, node: objectNode(shape), inList: false });
      }
    }
  }
  return undefined;
}

/** strategicPatchObject: a JSON object (`null` patches nothing), known directives, unknown fields as strict errors. */
function checkStrategicPatch(mode: FieldValidation, value: unknown): DecodingVerdict {
  if (value === null) return { warnings: [] };
  if (!isObject(value))
    return badRequest(`json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`);
  const problem = directiveProblem(value);
  if (problem !== undefined) return { status: plainErrorStatus(problem) };
  return strictOutcome(mode, unknownFieldErrors(unknownFields(value, podNode, ROOT, true)), () => goValue(value));
}

/** The GroupVersionKind string of an apply body: `/v1, Kind=Pod`, `apps/v1, Kind=Deployment`. */
function groupVersionKind(body: Record<string, unknown>): string {
  const apiVersion = typeof body.apiVersion === "string" ? body.apiVersion : "";
  const kind = typeof body.kind === "string" ? body.kind : "";
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  return `${group}/${version}, Kind=${kind}`;
}

/** Where a typed apply patch names its object: `(<namespace>/<name>; /v1, Kind=Pod)`. */
function typedPatchObject(body: Record<string, unknown>): string {
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const part = (key: string) => (typeof metadata[key] === "string" ? metadata[key] : "");
  return `(${part("namespace")}/${part("name")}; ${groupVersionKind(body)})`;
}

/** Where a member of an apply body sits for structured-merge-diff (typedPlaceOf). */
export interface TypedPlace {
  /** Its path: `.spec.containers[name="web"].image`. */
  path: string;
  /** The paths of the associative lists (x-kubernetes-list-type: map) it is inside of, outermost first. */
  lists: string[];
  /** When it is itself an element of an associative list and not a map: that list's path and its index. */
  nonMapElementOf?: { list: string; index: number };
}

/** The structured-merge-diff place of the member at `segments` of an apply body. */
export function typedPlaceOf(body: unknown, segments: string[]): TypedPlace {
  let node: ObjectNode = podNode;
  let value = body;
  let path = "";
  const lists: string[] = [];
  let nonMapElementOf: TypedPlace["nonMapElementOf"];
  for (let index = 0; index < segments.length; index += 1) {
    const key = segments[index] as string;
    const shape = fieldShape(node, key);
    path += `.${key}`;
    value = isObject(value) ? value[key] : undefined;
    if (shape?.kind === "list" && index + 1 < segments.length) {
      const position = Number(segments[index + 1]);
      const item = Array.isArray(value) ? value[position] : undefined;
      if (shape.listType === "map") {
        lists.push(path);
        if (index + 2 === segments.length && !isObject(item)) nonMapElementOf = { list: path, index: position };
      }
      path += typedListElement(shape, item, position);
      value = item;
      index += 1;
    }
    if (shape !== undefined) node = objectNode(shape);
  }
  return { path, lists, ...(nonMapElementOf === undefined ? {} : { nonMapElementOf }) };
}

/** The 500 server-side apply answers for a body the Pod's schema does not describe. */
export function typedPatchStatus(body: unknown, problems: string[]): Status {
  const object = isObject(body) ? typedPatchObject(body) : "(/; /, Kind=)";
  const listed = problems.length === 1 ? problems[0] : `errors:\n${problems.map((problem) => `  ${problem}`).join("\n")}`;
  return plainErrorStatus(`failed to create typed patch object ${object}: ${listed}`);
}

/**
 * applyPatcher: the YAML must be a mapping (`null`/empty has no kind), name a v1 Pod, and have only
 * fields the Pod has (500 "field not declared in schema", whatever fieldValidation says).
 */
function checkApplyPatch(value: unknown): DecodingVerdict {
  if (value === null || value === undefined) return badRequest("invalid object type: /, Kind=");
  if (!isObject(value)) {
    return badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`,
    );
  }
  if (value.apiVersion !== "v1" || value.kind !== "Pod") return badRequest(`invalid object type: ${groupVersionKind(value)}`);
  const unknown = unknownFields(value, podNode, ROOT, false);
  if (unknown.length > 0)
    return {
      status: typedPatchStatus(
        value,
        unknown.map((field) => `${field.typedPath}: field not declared in schema`),
      ),
    };
  return { warnings: [] };
}
