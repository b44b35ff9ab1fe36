/**
 * The engine's decoding of a patched Pod into the Go types (src/engine/typed-decode.ts), below the
 * differential suite that compares whole refusals with the apiserver's (test/differential/hostile.test.ts,
 * "json patch: …"):
 * - applyPatch and writePod refuse a JSON Patch that leaves a value of the wrong type in the
 *   Pod with the apiserver's 422 on `patch` and Go's words, and accept what Go decodes (null, unknown
 *   fields, either form of an int-or-string or a quantity, RFC 3339 times);
 * - which value Go names when there are several (the first in the patched text's order; a self-decoding
 *   type stops decoding) and how that text is written (decoded objects with sorted keys, HTML escaped);
 * - rfc3339Error against what Go's time.Parse says of 45 strings, recorded by tools/record/go-pod-types.go
 *   into test/fixtures/engine/go-times.json, and quantityError against ParseQuantity's errors
 *   (test/fixtures/engine/go-quantities.json, recorded by tools/record/go-pod-spec-layout.go);
 * - the contract's leaf types (generated/merge-metadata.ts) against the Go types recorded in
 *   src/engine/go-pod-types.ts: every field of the Pod closure is in both, with types that agree;
 * - with Go and the Kubernetes modules at hand, the recorder built and run again: the committed record and
 *   time recording must be what it writes today.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { podMergeMetadata } from "../../generated/merge-metadata.js";
import { applyPatch, PatchError, writePod } from "../../src/engine/index.js";
import { goPodTypes } from "../../src/engine/go-pod-types.js";
import { rfc3339Error } from "../../src/engine/go-time.js";
import { quantityError } from "../../src/engine/quantity.js";
import type { PropertyShape, ScalarType } from "../../src/engine/metadata.js";
import type { PatchMediaType, Pod } from "../../src/operation/patch-pod.js";
import { ensureGoRecorder } from "../../tools/apiserver/binaries.js";
import { goRecorderMissing } from "../support/go-recorder.js";
import { describeNeeding } from "../support/skips.js";

const JSON_PATCH: PatchMediaType = "application/json-patch+json";

/** A Pod as the apiserver writes one (the Go types' order), with a port, a probe and a time. */
const pod = (): Pod =>
  ({
    kind: "Pod",
    apiVersion: "v1",
    metadata: {
      name: "web",
      namespace: "default",
      uid: "00000000-0000-4000-8000-000000000001",
      resourceVersion: "7",
      creationTimestamp: "2026-12-05T10:00:00Z",
      labels: { app: "web" },
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          resources: { limits: { cpu: "500m" } },
          terminationMessagePath: "/dev/termination-log",
          imagePullPolicy: "IfNotPresent",
        },
      ],
      restartPolicy: "Always",
    },
    status: { phase: "Running", startTime: "2026-12-05T10:00:01Z" },
  }) as Pod;

/** The refusal of `patch`, or undefined when applyPatch accepts it. */
function refusal(patch: unknown, mediaType: PatchMediaType = JSON_PATCH, on: Pod = pod()): PatchError | undefined {
  try {
    applyPatch(on, patch, mediaType);
    return undefined;
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw error;
  }
}

/** Go's error at the end of the refusal's message (after the quoted object). */
const goError = (error: PatchError | undefined): string | undefined =>
  error === undefined
    ? undefined
    : /^ "" is invalid: patch: Invalid value: "(?:[^"\\]|\\.)*": (.*)$/s.exec(error.status.message ?? "")?.[1];

describe("a value of the wrong type refuses the patch as the apiserver's decoder does", () => {
  it("is the apiserver's 422 on `patch`, quoting the patched object", () => {
    const error = refusal([{ op: "add", path: "/spec/containers/0/args", value: ["run", 1] }]);
    expect(error?.status).toMatchObject({ code: 422, reason: "Invalid", status: "Failure" });
    expect(error?.status.details?.causes).toHaveLength(1);
    expect(error?.status.details?.causes?.[0]).toMatchObject({ reason: "FieldValueInvalid", field: "patch" });
    expect(goError(error)).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string",
    );
    expect(error?.field).toBe("spec.containers.args");
  });

  it.each([
    [
      "a string as a port",
      [{ op: "replace", path: "/spec/containers/0/ports/0/containerPort", value: "80" }],
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "1.5 as an int32",
      [{ op: "replace", path: "/spec/containers/0/ports/0/containerPort", value: 1.5 }],
      "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "2^31 as an int32",
      [{ op: "replace", path: "/spec/containers/0/ports/0/containerPort", value: 2 ** 31 }],
      "json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "1e40 as an int64",
      [{ op: "add", path: "/spec/activeDeadlineSeconds", value: 1e40 }],
      "json: cannot unmarshal number 1e+40 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64",
    ],
    [
      "a string as a bool",
      [{ op: "add", path: "/spec/hostNetwork", value: "true" }],
      "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool",
    ],
    [
      "a number as a named string type",
      [{ op: "replace", path: "/spec/containers/0/ports/0/protocol", value: 6 }],
      "json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol",
    ],
    [
      "a list where a map is",
      [{ op: "add", path: "/spec/nodeSelector", value: ["ssd"] }],
      "json: cannot unmarshal array into Go struct field PodSpec.spec.nodeSelector of type map[string]string",
    ],
    [
      "a map where a list is",
      [{ op: "add", path: "/spec/containers/0/args", value: { a: "b" } }],
      "json: cannot unmarshal object into Go struct field Container.spec.containers.args of type []string",
    ],
    [
      "a number among the ports",
      [{ op: "add", path: "/spec/containers/0/ports/-", value: 8080 }],
      "json: cannot unmarshal number into Go struct field Container.spec.containers.ports of type v1.ContainerPort",
    ],
    [
      "a number as a label",
      [{ op: "add", path: "/metadata/labels/tier", value: 1 }],
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
    ],
    [
      "a string where a struct is",
      [{ op: "add", path: "/spec/affinity", value: "none" }],
      "json: cannot unmarshal string into Go struct field PodSpec.spec.affinity of type v1.Affinity",
    ],
    [
      "a field of an embedded struct (Probe's ProbeHandler)",
      [{ op: "add", path: "/spec/containers/0/livenessProbe", value: { exec: 5 } }],
      "json: cannot unmarshal number into Go struct field Probe.spec.containers.livenessProbe.ProbeHandler.exec of type v1.ExecAction",
    ],
    [
      "an int-or-string of 1.5",
      [{ op: "add", path: "/spec/containers/0/livenessProbe", value: { tcpSocket: { port: 1.5 } } }],
      "json: cannot unmarshal number 1.5 into Go struct field TCPSocketAction.spec.containers.livenessProbe.ProbeHandler.tcpSocket.port of type int32",
    ],
    [
      "an int-or-string that is a bool",
      [{ op: "add", path: "/spec/containers/0/livenessProbe", value: { tcpSocket: { port: true } } }],
      "json: cannot unmarshal bool into Go struct field TCPSocketAction.spec.containers.livenessProbe.ProbeHandler.tcpSocket.port of type int32",
    ],
    [
      "a quantity that does not parse",
      [{ op: "add", path: "/spec/containers/0/resources/limits/memory", value: "1x" }],
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
    [
      "a quantity with an unknown suffix",
      [{ op: "add", path: "/spec/containers/0/resources/limits/memory", value: "1ki" }],
      "unable to parse quantity's suffix",
    ],
    [
      "a time that is not RFC 3339",
      [{ op: "replace", path: "/metadata/creationTimestamp", value: "2026-12-05" }],
      'parsing time "2026-12-05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    ],
    [
      "a kind that is not a string (the codec's first pass, before the Pod is decoded)",
      [
        { op: "add", path: "/spec/containers/0/args", value: [1] },
        { op: "replace", path: "/kind", value: [] },
      ],
      "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .kind of type string",
    ],
    [
      "a time that is a number",
      [{ op: "replace", path: "/status/startTime", value: 5 }],
      "json: cannot unmarshal number into Go struct field PodStatus.status.startTime of type string",
    ],
  ])("%s", (_name, patch, expected) => {
    expect(goError(refusal(patch))).toBe(expected);
  });

  it("accepts what Go decodes: null anywhere, unknown fields, both forms of an int-or-string and a quantity, RFC 3339 times", () => {
    expect(
      refusal([
        { op: "add", path: "/spec/containers/0/args", value: null },
        { op: "add", path: "/spec/nodeSelector", value: { disk: null } },
        { op: "add", path: "/spec/containers/0/bogus", value: 5 },
        { op: "add", path: "/spec/containers/0/livenessProbe", value: { tcpSocket: { port: "http" } } },
        { op: "add", path: "/spec/containers/0/readinessProbe", value: { tcpSocket: { port: 8080 } } },
        { op: "add", path: "/spec/containers/0/resources/limits/memory", value: 1.5 },
        { op: "replace", path: "/spec/containers/0/ports/0/containerPort", value: 2 ** 31 - 1 },
        { op: "add", path: "/spec/activeDeadlineSeconds", value: 2 ** 53 },
        { op: "replace", path: "/metadata/creationTimestamp", value: "2026-12-05T10:00:00.5+01:00" },
        { op: "add", path: "/spec/__proto__", value: { x: 1 } },
      ]),
    ).toBeUndefined();
  });

  it("names the first value of the wrong type in the patched text, whose decoded objects have sorted keys", () => {
    // The patch walks through spec (decoded, sorted): activeDeadlineSeconds comes before containers.
    const error = refusal([
      { op: "add", path: "/spec/containers/0/args", value: [1] },
      { op: "add", path: "/spec/activeDeadlineSeconds", value: "600" },
    ]);
    expect(goError(error)).toBe(
      "json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64",
    );
    // Not decoded by the patch: the containers' members in the Pod's own order (name before image).
    const inOrder = refusal([{ op: "replace", path: "/spec/containers", value: [{ name: 1, image: 2 }] }]);
    expect(goError(inOrder)).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string",
    );
  });

  it("lets a time, quantity or int-or-string that does not decode stop decoding and win over an earlier wrong type", () => {
    const error = refusal([
      { op: "add", path: "/metadata/annotations", value: { note: 1 } },
      { op: "replace", path: "/metadata/creationTimestamp", value: "soon" },
    ]);
    expect(goError(error)).toBe('parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006"');
  });

  it("quotes the patched text as the JSON Patch library writes it: decoded objects sorted, the rest as given, HTML escaped", () => {
    const error = refusal([
      { op: "add", path: "/metadata/annotations", value: { b: "<x>", a: "&" } },
      { op: "add", path: "/spec/containers/0/args", value: [1] },
    ]);
    const quoted = /Invalid value: "((?:[^"\\]|\\.)*)": /.exec(error?.status.message ?? "")?.[1] ?? "";
    const text = JSON.parse(`"${quoted}"`) as string;
    // metadata, spec and the first container were walked through: sorted; the annotations value is the
    // patch's own text; the status and the ports were not touched: as given.
    expect(text).toContain('"metadata":{"annotations":{"b":"\\u003cx\\u003e","a":"\\u0026"},"creationTimestamp":');
    expect(text).toContain(
      '"spec":{"containers":[{"args":[1],"image":"nginx:1.27","imagePullPolicy":"IfNotPresent","name":"web",',
    );
    expect(text).toContain('"ports":[{"containerPort":80,"protocol":"TCP"}]');
    expect(text).toContain('"status":{"phase":"Running","startTime":"2026-12-05T10:00:01Z"}}');
    expect(text.startsWith('{"apiVersion":"v1","kind":"Pod","metadata":')).toBe(true);
  });

  it("decodes a copy as the text of its source (decoded objects sorted) and a tested value as decoded", () => {
    const copied = refusal([
      { op: "test", path: "/spec/containers/0/ports", value: [{ containerPort: 80, protocol: "TCP" }] },
      { op: "copy", from: "/spec/containers/0", path: "/spec/initContainers" },
      { op: "add", path: "/spec/initContainers", value: [{ name: 1, image: 2 }] },
    ]);
    expect(goError(copied)).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.initContainers.name of type string",
    );
  });

  it("keeps its 422 through writePod (the mock's path), where a JSON Patch that does not apply is generic", () => {
    try {
      writePod(pod(), [{ op: "add", path: "/spec/containers/0/args", value: [1] }], JSON_PATCH, {
        namespace: "default",
        name: "web",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PatchError);
      expect((error as PatchError).status.details?.causes?.[0]?.field).toBe("patch");
    }
  });

  it("reads no more of 1.5 million args of the wrong type than the first", () => {
    const args = Array<number>(1_500_000).fill(1);
    expect(goError(refusal([{ op: "add", path: "/spec/containers/0/args", value: args }]))).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string",
    );
  });
});

describe("rfc3339Error", () => {
  const recorded = JSON.parse(readFileSync(new URL("../fixtures/engine/go-times.json", import.meta.url), "utf8")) as {
    input: string;
    error?: string;
  }[];
  it.each(recorded.map((entry) => [JSON.stringify(entry.input), entry] as const))(
    "%s as Go's time.Parse says",
    (_name, entry) => {
      expect(rfc3339Error(entry.input)).toBe(entry.error);
    },
  );
});

describe("quantityError", () => {
  const recorded = JSON.parse(readFileSync(new URL("../fixtures/engine/go-quantities.json", import.meta.url), "utf8")) as {
    input: string;
    error?: string;
  }[];
  it("says what resource.ParseQuantity says of the recorded quantities (test/fixtures/engine/go-quantities.json)", () => {
    expect(recorded.filter((entry) => entry.error !== undefined).length).toBeGreaterThan(0);
    for (const entry of recorded) expect(quantityError(entry.input), JSON.stringify(entry.input)).toBe(entry.error);
  });
});

describe("the contract's leaf types agree with the Go types", () => {
  const goKinds: Record<ScalarType, (goType: string) => boolean> = {
    // Named string types: v1.Protocol, types.UID …
    string: (type) => type === "string" || /^(v1|types)\.[A-Z]\w*$/.test(type),
    boolean: (type) => type === "bool",
    int32: (type) => type === "int32",
    int64: (type) => type === "int64",
    number: (type) => type === "float64",
    quantity: (type) => type === "resource.Quantity",
    "int-or-string": (type) => type === "intstr.IntOrString",
    time: (type) => type === "v1.Time",
  };
  const schemas = podMergeMetadata as unknown as Record<string, Record<string, PropertyShape>>;
  it.each(Object.keys(schemas))("%s", (schema) => {
    const fields = goPodTypes[schema];
    expect(fields, `no Go struct ${schema}`).toBeDefined();
    for (const [key, shape] of Object.entries(schemas[schema] ?? {})) {
      const go = fields?.[key];
      expect(go, `${schema}.${key}: no Go field`).toBeDefined();
      if (go === undefined) continue;
      const where = `${schema}.${key} (${go.type})`;
      if (shape.kind === "scalar" && shape.type !== undefined) expect(goKinds[shape.type](go.type), where).toBe(true);
      if (shape.kind === "list" && shape.itemType !== undefined)
        expect(goKinds[shape.itemType](go.element ?? ""), where).toBe(true);
      if (shape.kind === "map" && shape.valueType !== undefined)
        expect(goKinds[shape.valueType](go.element ?? ""), where).toBe(true);
      if (shape.kind === "object") expect(go.type, where).toBe(`v1.${shape.schema}`);
      if (shape.kind === "scalar") expect(shape.type, `${where}: the contract gives it no type`).toBeDefined();
    }
  });
});

describeNeeding("the committed recordings are what tools/record/go-pod-types.go writes today", goRecorderMissing(), () => {
  const recorder = new URL("../../tools/record/go-pod-types.go", import.meta.url).pathname;
  const rerecord = "re-record with the commands in tools/record/go-pod-types.go's header";
  it("the Go names of the Pod's fields", { timeout: 600_000 }, async () => {
    const binary = await ensureGoRecorder(recorder);
    expect(execFileSync(binary, { encoding: "utf8" }), rerecord).toBe(
      readFileSync(new URL("../../src/engine/go-pod-types.ts", import.meta.url), "utf8"),
    );
  });
  it("what time.Parse says of RFC 3339 times", { timeout: 600_000 }, async () => {
    const binary = await ensureGoRecorder(recorder);
    const inputs = readFileSync(new URL("../fixtures/engine/time-inputs.json", import.meta.url), "utf8");
    expect(execFileSync(binary, ["times"], { input: inputs, encoding: "utf8" }), rerecord).toBe(
      readFileSync(new URL("../fixtures/engine/go-times.json", import.meta.url), "utf8"),
    );
  });
});
