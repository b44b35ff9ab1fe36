/**
 * Unit tests for the mock's memo of Prism's request verdicts (tools/servers/verdict-memo.ts): a request
 * repeated byte for byte is validated once and gets Prism's own verdict; a request that differs anywhere
 * Prism looks (a body byte, a header, the query, the media type, the operation) is validated again; the
 * memo keeps at most 256 verdicts (least recently used dropped first) and never keeps a large body's, nor
 * a verdict too large to keep.
 */
import type { IHttpRequest } from "@stoplight/prism-http";
import { beforeAll, describe, expect, it } from "vitest";
import { installSuffixAwareMediaTypeMatch, loadValidators } from "../../tools/servers/prism-internals.js";
import type { PrismOperation } from "../../tools/servers/spec.js";
import { loadPatchOperation } from "../support/patch-operation.js";
import { VerdictMemo } from "../../tools/servers/verdict-memo.js";

const JSON_PATCH = "application/json-patch+json";

function request(body: string, headers: Record<string, string> = {}, query: Record<string, string> = {}): IHttpRequest {
  return {
    method: "patch",
    url: { path: "/api/v1/namespaces/default/pods/hello-world", query },
    headers: { "content-type": JSON_PATCH, authorization: "Bearer t", ...headers },
    body: JSON.parse(body) as unknown,
  };
}

/** A memo whose validations are counted. */
function counted<V>(validate: () => V): {
  memo: VerdictMemo<V>;
  ask: (key: string, r: IHttpRequest, b?: Buffer) => V;
  calls: () => number;
} {
  const memo = new VerdictMemo<V>(() => true);
  let calls = 0;
  return {
    memo,
    ask: (operationId, r, bytes) =>
      memo.verdict(operationId, r, JSON_PATCH, bytes, () => {
        calls += 1;
        return validate();
      }),
    calls: () => calls,
  };
}

describe("VerdictMemo", () => {
  let patch: PrismOperation;
  let validateInput: ReturnType<typeof loadValidators>["input"];

  beforeAll(async () => {
    installSuffixAwareMediaTypeMatch();
    validateInput = loadValidators().input;
    patch = await loadPatchOperation();
  });

  it("gives a repeated request Prism's own verdict, valid or not, validating it once", () => {
    const memo = new VerdictMemo<ReturnType<typeof validateInput>>(() => true);
    let calls = 0;
    for (const body of [
      '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27"}]',
      '[{"op":"jump","path":"/spec"}]',
    ]) {
      const asked = request(body);
      const direct = validateInput({ resource: patch, element: asked });
      const verdicts = [1, 2, 3].map(() =>
        memo.verdict(patch.id, request(body), JSON_PATCH, Buffer.from(body), () => {
          calls += 1;
          return validateInput({ resource: patch, element: request(body) });
        }),
      );
      for (const verdict of verdicts) expect(verdict).toEqual(direct);
    }
    expect(calls).toBe(2);
    // The invalid one really is refused: the memo is not hiding a verdict.
    expect(validateInput({ resource: patch, element: request('[{"op":"jump","path":"/spec"}]') })._tag).toBe("Left");
  });

  it("validates again when anything Prism is shown differs", () => {
    const { memo, ask, calls } = counted(() => "verdict");
    const body = '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27"}]';
    ask("patch", request(body), Buffer.from(body));
    ask("patch", request(body), Buffer.from(body.replace("1.27", "1.28")));
    ask("patch", request(body, { authorization: "Bearer u" }), Buffer.from(body));
    ask("patch", request(body, {}, { dryRun: "All" }), Buffer.from(body));
    ask("get", request(body), Buffer.from(body));
    memo.verdict("patch", request(body), "application/merge-patch+json", Buffer.from(body), () => "other");
    expect(calls()).toBe(5);
    ask("patch", request(body), Buffer.from(body));
    expect(calls()).toBe(5);
  });

  it("keeps 256 verdicts, dropping the least recently used, and none for a body over 16 KiB", () => {
    const { ask, calls } = counted(() => "verdict");
    const bodyOf = (index: number): Buffer => Buffer.from(`[{"op":"test","path":"/n","value":${index}}]`);
    for (let index = 0; index < 257; index++) ask("patch", request("[]"), bodyOf(index));
    expect(calls()).toBe(257);
    ask("patch", request("[]"), bodyOf(256));
    ask("patch", request("[]"), bodyOf(1));
    expect(calls()).toBe(257);
    ask("patch", request("[]"), bodyOf(0));
    expect(calls()).toBe(258);
    const large = Buffer.from(`[{"op":"test","path":"/n","value":"${"x".repeat(17 * 1024)}"}]`);
    ask("patch", request("[]"), large);
    ask("patch", request("[]"), large);
    expect(calls()).toBe(260);
  });

  it("does not keep a verdict it is told is too large", () => {
    const memo = new VerdictMemo<string[]>((verdict) => verdict.length <= 2);
    let calls = 0;
    const ask = (body: string, verdict: string[]) =>
      memo.verdict("patch", request("[]"), JSON_PATCH, Buffer.from(body), () => {
        calls += 1;
        return verdict;
      });
    ask("[1]", ["a", "b", "c"]);
    ask("[1]", ["a", "b", "c"]);
    ask("[2]", ["a"]);
    ask("[2]", ["a"]);
    expect(calls).toBe(3);
  });
});
