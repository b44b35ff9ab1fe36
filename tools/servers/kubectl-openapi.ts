/**
 * The OpenAPI v3 documents kubectl downloads, served by the stateful mock and built from the contract.
 *
 * kubectl (v1.35) reads `GET /openapi/v3` (an index: group-version → `serverRelativeURL` with a hash)
 * and then `GET /openapi/v3/api/v1?hash=…` before `apply --server-side` and any command that validates:
 * it looks for the PATCH operation of the kind (`x-kubernetes-group-version-kind`) and checks that it
 * declares the `fieldValidation` query parameter, to hand validation to the server
 * (k8s.io/cli-runtime pkg/resource/query_param_verifier_v3.go). That check does not follow
 * `#/components/parameters/…` references, so the served document has every parameter inlined.
 *
 * Input: the bundled contract. Output: `{ index, groupVersion }` — the two JSON bodies, the index
 * pointing at `/openapi/v3/api/v1?hash=<sha512 of the document, upper-case hex>` as the apiserver
 * writes it. The `api/v1` document is the contract itself (its paths under `/api/v1`, components kept)
 * with the parameters dereferenced.
 */
import { createHash } from "node:crypto";

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

function resolveParameter(document: JsonObject, parameter: unknown): unknown {
  if (!isObject(parameter) || typeof parameter.$ref !== "string" || !parameter.$ref.startsWith("#/components/parameters/"))
    return parameter;
  const name = parameter.$ref.slice("#/components/parameters/".length);
  const components = isObject(document.components) ? document.components : {};
  const parameters = isObject(components.parameters) ? components.parameters : {};
  return parameters[name] ?? parameter;
}

export interface KubectlOpenApi {
  index: JsonObject;
  groupVersion: JsonObject;
  /** The `hash` query value of the group-version document. */
  hash: string;
}

export function kubectlOpenApi(bundle: JsonObject): KubectlOpenApi {
  const document = structuredClone(bundle);
  const paths: JsonObject = {};
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!path.startsWith("/api/v1") || !isObject(item)) continue;
    const inlined: JsonObject = { ...item };
    if (Array.isArray(item.parameters))
      inlined.parameters = item.parameters.map((parameter) => resolveParameter(document, parameter));
    for (const method of ["get", "put", "post", "patch", "delete"]) {
      const operation = item[method];
      if (isObject(operation) && Array.isArray(operation.parameters)) {
        inlined[method] = {
          ...operation,
          parameters: operation.parameters.map((parameter) => resolveParameter(document, parameter)),
        };
      }
    }
    paths[path] = inlined;
  }
  const groupVersion = { ...document, paths };
  const hash = createHash("sha512").update(JSON.stringify(groupVersion)).digest("hex").toUpperCase();
  return { index: { paths: { "api/v1": { serverRelativeURL: `/openapi/v3/api/v1?hash=${hash}` } } }, groupVersion, hash };
}
