// Differential suite 3: the mock's error answers against the real apiserver's. Every request of
// error-cases.ts goes to the real apiserver (recorded in test/fixtures/apiserver/errors.json, replayed
// without Go; a live subset re-asked when the binaries are built) and to the mock (started here as npm
// runs it), and the two answers are compared: HTTP code, `Warning` headers, and for a Status its
// reason, its details (kind, name, group, each cause's reason, field and message) and its message, the
// messages by shape (normalize.ts `statusMessageShape`: the decoder's own words and embedded objects
// masked). A case agrees when nothing differs; one that names a divergence must differ (so the list of
// divergences cannot go stale). The last test checks the table of docs/ground-truth.md, "Error answers".
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningMock, startMock } from "../support/mock-process.js";
import { categories, type ErrorCase, errorCases, divergences, NAMESPACE, POD } from "./error-cases.js";
import { normalizeAnswer, statusMessageShape } from "./support/normalize.js";
import { recordedAnswers } from "./support/recording.js";
import { type ApiAnswer, ask, createPod, ensureNamespace, type Json } from "./support/server.js";
import { agreementTable, sectionOf } from "./support/tables.js";

const { serverVersion, answer } = recordedAnswers("errors", errorCases, async (live, testCase) => {
  await ensureNamespace(live, NAMESPACE);
  await createPod(live, NAMESPACE, POD);
  return normalizeAnswer(await ask(live, testCase.request)) as unknown as Json;
});

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  const code = await mock?.stop();
  expect(mock?.stderr(), "the mock logged an internal failure").toBe("");
  expect(code, "the mock's exit code after SIGTERM").toBe(0);
});

type Body = { [key: string]: Json };

/** A Status's details as compared: causes with their messages by shape. */
function detailsShape(details: Json | undefined): Json | undefined {
  if (details === undefined || details === null || typeof details !== "object" || Array.isArray(details)) return details;
  const causes = Array.isArray(details.causes)
    ? details.causes.map((cause) => {
        const { message, ...rest } = cause as Body;
        return { ...rest, ...(typeof message === "string" ? { message: statusMessageShape(message) } : {}) };
      })
    : undefined;
  return { ...details, ...(causes === undefined ? {} : { causes }) };
}

/** True when the two answers carry word-for-word the same Status messages (or are both successes). */
function sameWords(real: ApiAnswer, mocked: ApiAnswer): boolean {
  const messages = (answer: ApiAnswer) => {
    const body = (
      typeof answer.body === "object" && answer.body !== null && !Array.isArray(answer.body) ? answer.body : {}
    ) as Body;
    const details = (body.details ?? {}) as Body;
    const causes = Array.isArray(details.causes) ? details.causes.map((cause) => (cause as Body).message) : [];
    return answer.status < 400 ? [] : [body.message, ...causes];
  };
  return JSON.stringify(messages(real)) === JSON.stringify(messages(mocked));
}

/** What differs between the server's answer and the mock's, one line per aspect; empty when they agree. */
function differences(real: ApiAnswer, mocked: ApiAnswer): string[] {
  const found: string[] = [];
  const compare = (aspect: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${aspect}: server ${JSON.stringify(a)}, mock ${JSON.stringify(b)}`);
  };
  compare("code", real.status, mocked.status);
  compare("warnings", real.warnings ?? [], mocked.warnings ?? []);
  if (real.status >= 400 && typeof real.body === "object" && real.body !== null && !Array.isArray(real.body)) {
    const mockBody = (typeof mocked.body === "object" && mocked.body !== null ? mocked.body : {}) as Body;
    compare("reason", real.body.reason, mockBody.reason);
    compare("message", statusMessageShape(String(real.body.message)), statusMessageShape(String(mockBody.message)));
    compare("details", detailsShape(real.body.details), detailsShape(mockBody.details));
  }
  return found;
}

const outcomes = new Map<string, string[]>();
/** The agreeing cases whose messages are word for word the server's (no embedded object, no decoder of the mock's own). */
const verbatim = new Set<string>();

for (const category of categories) {
  describe(category, () => {
    it.each(errorCases.filter((testCase) => testCase.category === category).map((testCase) => [testCase.id, testCase] as const))(
      "%s",
      async (_id, testCase: ErrorCase) => {
        const real = (await answer(testCase)) as unknown as ApiAnswer;
        // The mock starts each case as the apiserver does: with the Pod, freshly stored (docs/mock.md, /mock/pods).
        const loaded = await fetch(`${mock.url}/mock/pods`, {
          method: "PUT",
          body: JSON.stringify({ ...POD, metadata: { ...POD.metadata, namespace: NAMESPACE } }),
        });
        expect(loaded.status, await loaded.text()).toBe(200);
        const mocked = normalizeAnswer(await ask({ url: mock.url, token: "mock-token", caCert: "" }, testCase.request));
        const found = differences(real, mocked);
        outcomes.set(testCase.id, found);
        if (found.length === 0 && sameWords(real, mocked)) verbatim.add(testCase.id);
        if (testCase.divergence === undefined) {
          expect(found, `the mock's answer differs from ${serverVersion}'s:\n${found.join("\n")}`).toEqual([]);
        } else {
          expect(
            found.length,
            `${testCase.id} is listed as a divergence ("${testCase.divergence}") but the mock now answers as ${serverVersion} does: drop the divergence`,
          ).toBeGreaterThan(0);
        }
      },
    );
  });
}

describe("docs/ground-truth.md", () => {
  it("states the agreement of the mock's error answers per category, as measured here", () => {
    expect(outcomes.size, "every case ran").toBe(errorCases.length);
    const table = agreementTable(
      categories.map((category) => {
        const cases = errorCases.filter((testCase) => testCase.category === category);
        return {
          category,
          agree: cases.filter((testCase) => outcomes.get(testCase.id)?.length === 0).length,
          total: cases.length,
          verbatim: cases.filter((testCase) => verbatim.has(testCase.id)).length,
          divergences: [
            ...new Set(cases.flatMap((testCase) => (testCase.divergence === undefined ? [] : [testCase.divergence]))),
          ],
        };
      }),
    );
    const section = sectionOf(readFileSync(new URL("../../docs/ground-truth.md", import.meta.url), "utf8"), "Error answers");
    expect(section, `paste this table into docs/ground-truth.md, "Error answers":\n${table}`).toContain(table);
    for (const [name, reason] of Object.entries(divergences)) {
      expect(section, `the divergence "${name}" and its reason`).toContain(`**${name}**: ${reason}`);
    }
  });
});
