// An approximation of server-side apply (`application/apply-patch+yaml`) for one apply to a Pod, read
// from the same merge metadata. Inputs: the Pod and the apply configuration (copies the caller owns).
// Output: the Pod with the configuration merged in. Throws PatchError 400 for a configuration that is
// not a v1 Pod, names another Pod, or carries strategic-merge directives (`$patch`, `$retainKeys`...).
//
// What is modelled: objects merge field by field; maps merge key by key unless
// `x-kubernetes-map-type: atomic` (nodeSelector is replaced whole); lists with
// `x-kubernetes-list-type: map` merge elements matched on all `x-kubernetes-list-map-keys` (new ones
// appended in configuration order); `set` lists gain the missing values; every other list is atomic
// and replaced; `null` in the configuration is treated as an omitted field.
// What is not: field ownership. The apiserver also removes fields this field manager applied before
// and omits now, and answers 409 Conflict when another manager owns a field being changed; both need
// `metadata.managedFields` history, which a local patch does not have. Defaulted list-map keys (a port
// without `protocol`) are matched literally, not as their default.
import { badPatch } from "./errors.js";
import { childPath, indexPath, isJsonObject, member, setMember, type JsonObject, type JsonValue } from "./json.js";
import { fieldShape, objectNode, podNode, type PropertyShape, type ObjectNode } from "./metadata.js";

export function serverSideApply(pod: JsonObject, config: JsonObject): JsonObject {
  if (config.apiVersion !== "v1" || config.kind !== "Pod") {
    throw badPatch("kind", 'an apply configuration must set apiVersion "v1" and kind "Pod"');
  }
  const name = isJsonObject(config.metadata) ? member(config.metadata, "name") : undefined;
  const podName = isJsonObject(pod.metadata) ? member(pod.metadata, "name") : undefined;
  if (name !== undefined && podName !== undefined && name !== podName) {
    throw badPatch(
      "metadata.name",
      `the name of the object (${String(name)}) does not match the name of the Pod (${String(podName)})`,
    );
  }
  return applyObject(pod, config, podNode, "");
}

function applyObject(live: JsonObject, config: JsonObject, node: ObjectNode, path: string): JsonObject {
  for (const [key, value] of Object.entries(config)) {
    const fieldPath = childPath(path, key);
    if (key.startsWith("$"))
      throw badPatch(fieldPath, `"${key}" is a strategic merge patch directive, not part of an apply configuration`);
    if (value === null) continue;
    setMember(live, key, applyValue(member(live, key), value, fieldShape(node, key), fieldPath));
  }
  return live;
}

function applyValue(current: JsonValue | undefined, value: JsonValue, shape: PropertyShape | undefined, path: string): JsonValue {
  if (shape === undefined || current === undefined) return value;
  if ((shape.kind === "object" || shape.kind === "map") && isJsonObject(current) && isJsonObject(value)) {
    if (shape.kind === "map" && shape.mapType === "atomic") return value;
    return applyObject(current, value, objectNode(shape), path);
  }
  if (shape.kind === "list" && Array.isArray(current) && Array.isArray(value)) {
    if (shape.listType === "set") return [...current, ...value.filter((element) => !current.includes(element))];
    if (shape.listType === "map" && shape.listMapKeys !== undefined) {
      return applyListMap(current, value, shape.listMapKeys, objectNode(shape), path);
    }
  }
  return value;
}

function applyListMap(
  live: JsonValue[],
  config: JsonValue[],
  keys: readonly string[],
  node: ObjectNode,
  path: string,
): JsonValue[] {
  const merged = [...live];
  config.forEach((element, index) => {
    const elementPath = indexPath(path, index);
    if (!isJsonObject(element)) throw badPatch(elementPath, "elements of this list must be objects");
    const sameKeys = (candidate: JsonValue): boolean =>
      isJsonObject(candidate) && keys.every((key) => member(candidate, key) === member(element, key));
    const position = merged.findIndex(sameKeys);
    const target = merged[position];
    if (isJsonObject(target)) merged[position] = applyObject(target, element, node, elementPath);
    else merged.push(element);
  });
  return merged;
}
