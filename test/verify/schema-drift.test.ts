// The schema comparison of src/verify/schema-drift.ts on a server document it has not seen: the recorded
// v1.35 document (test/fixtures/verify/1.35.json) changed in one place at a time must give exactly that
// difference, classified by what it does to a user; and the deliberate-divergence entries cite files that
// exist and say what they cover.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { loadRecording } from "../../tools/verify/verify-matrix.js";
import { loadBundledContract, type OpenApiNode } from "../../src/contract/bundle.js";
import { explanationSources } from "../../src/verify/deliberate.js";
import { compareSchemas } from "../../src/verify/schema-drift.js";

function recordedDocument(): OpenApiNode {
  const exchange = loadRecording("1.35")?.exchanges.find((candidate) => candidate.request.path === "/openapi/v3/api/v1");
  if (exchange === undefined) throw new Error("no recorded /openapi/v3/api/v1 of 1.35");
  return JSON.parse(exchange.answer.body) as OpenApiNode;
}

const contract = loadBundledContract();
const baseline = new Set(compareSchemas(recordedDocument(), contract).differences.map((difference) => difference.id));
const added = (document: OpenApiNode) =>
  compareSchemas(document, contract).differences.filter((difference) => !baseline.has(difference.id));

describe("schema drift", () => {
  it("finds a property the server lacks: the contract accepts what the server does not know", () => {
    const document = recordedDocument();
    delete document.components.schemas["io.k8s.api.core.v1.PodSpec"].properties.hostnameOverride;
    expect(added(document)).toMatchObject([
      {
        id: "PodSpec.hostnameOverride:property",
        impact: "contract-accepts",
        podPath: "spec.hostnameOverride",
        aspect: "property",
      },
    ]);
  });

  it("finds a property only the server has, deep in the Pod: the contract refuses it", () => {
    const document = recordedDocument();
    document.components.schemas["io.k8s.api.core.v1.VolumeMount"].properties.newThing = { type: "string" };
    expect(added(document)).toMatchObject([
      { id: "VolumeMount.newThing:property", impact: "contract-refuses", podPath: "spec.containers[].volumeMounts[].newThing" },
    ]);
  });

  it("finds a new enum value, a changed type, a new required name and a new media type", () => {
    const document = recordedDocument();
    const schemas = document.components.schemas;
    schemas["io.k8s.api.core.v1.Container"].properties.imagePullPolicy.enum.push("Sometimes");
    schemas["io.k8s.api.core.v1.PodSpec"].properties.priority.type = "string";
    schemas["io.k8s.api.core.v1.Toleration"].required = ["key"];
    document.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch.requestBody.content["application/apply-patch+cbor"] = {};
    expect(added(document).map(({ id, impact }) => [id, impact])).toEqual(
      expect.arrayContaining([
        ['Container.imagePullPolicy:enum:"Sometimes"', "contract-refuses"],
        ["PodSpec.priority:type", "contract-refuses"],
        ['Toleration:required:"key"', "contract-accepts"],
        ["request application/apply-patch+cbor:request-media-type", "contract-refuses"],
      ]),
    );
    expect(added(document)).toHaveLength(4);
  });

  it("pairs every schema of the contract's Pod closure with one of the server's", () => {
    const pairs = compareSchemas(recordedDocument(), contract).pairs;
    expect(pairs.Pod).toBe("io.k8s.api.core.v1.Pod");
    expect(pairs.ObjectMeta).toBe("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    expect(Object.keys(pairs).length).toBeGreaterThan(120);
  });
});

describe("deliberate divergences", () => {
  it.each(explanationSources())("$source records it ($reason)", ({ source, mentions }) => {
    const path = join(projectRoot, source);
    expect(existsSync(path), source).toBe(true);
    const text = readFileSync(path, "utf8");
    for (const words of mentions) expect(text, `${source} should mention ${words}`).toContain(words);
  });
});
