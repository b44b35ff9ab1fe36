import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unescapeSegment } from "../../src/json-pointer/pointer.js";
import { generatedDir } from "../../tools/pipeline/common.js";
import { contractCases, supportingCases } from "./cases.js";
import type { OpenApiNode } from "../../tools/pipeline/common.js";

/** Every operation × request media type × status code the bundle declares, as `id mediaType status`. */
function declaredTriples(document: OpenApiNode): string[] {
  const resolve = (node: OpenApiNode): OpenApiNode =>
    typeof node?.$ref === "string"
      ? resolve(
          node.$ref
            .slice(2)
            .split("/")
            .reduce((at: OpenApiNode, key: string) => at[unescapeSegment(key)], document),
        )
      : node;
  const triples: string[] = [];
  for (const pathItem of Object.values<OpenApiNode>(document.paths)) {
    for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) {
      const operation = pathItem[method];
      if (!operation) continue;
      const mediaTypes = Object.keys(resolve(operation.requestBody)?.content ?? { none: {} });
      for (const mediaType of mediaTypes) {
        for (const status of Object.keys(operation.responses)) triples.push(`${operation.operationId} ${mediaType} ${status}`);
      }
    }
  }
  return triples.sort();
}

describe("contract-test coverage", () => {
  it("has a contract test for every operation × media type × status code in the bundle, and none extra", () => {
    const bundle = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8")) as OpenApiNode;
    const tested = [...contractCases, ...supportingCases].map((c) => `${c.operationId} ${c.mediaType} ${c.status}`).sort();
    const declared = declaredTriples(bundle);
    expect({ untested: declared.filter((t) => !tested.includes(t)), stale: tested.filter((t) => !declared.includes(t)) }).toEqual(
      {
        untested: [],
        stale: [],
      },
    );
  });
});
