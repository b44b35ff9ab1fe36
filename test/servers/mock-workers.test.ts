/**
 * `npm run mock -- --workers N` (tools/servers/mock-workers.ts): N worker processes serve the one port and
 * the process started keeps the store. Proven here: the workers exist and both answer; concurrent writes
 * through them are stored one at a time (every answer a distinct resourceVersion, the last write the one
 * a GET then sees); `/mock/pods` resets the one store; an answer is the same as the single process's;
 * SIGTERM to the started process stops the workers too (exit 0, nothing on stderr); bad values of
 * `--workers` exit 2 with the usage.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { type RunningMock, startMock, startTogether } from "../support/mock-process.js";

const POD = "/api/v1/namespaces/default/pods/hello-world";
let mock: RunningMock;
let single: RunningMock;

interface Answer {
  status: number;
  body: string;
  /** The headers but Date (the clock's). */
  headers: Record<string, unknown>;
}

/** One request on a connection of its own (so that the workers share the requests). */
function ask(base: string, method: string, path: string, body?: string, contentType?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${base}${path}`,
      {
        method,
        agent: false,
        rejectUnauthorized: false,
        headers: { authorization: "Bearer t", ...(contentType === undefined ? {} : { "content-type": contentType }) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const { date: _date, ...headers } = answer.headers;
          resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const setImage = (base: string, image: string) =>
  ask(
    base,
    "PATCH",
    POD,
    JSON.stringify([{ op: "replace", path: "/spec/containers/0/image", value: image }]),
    "application/json-patch+json",
  );

/** The executable of a process, or undefined once it is gone (Linux /proc). */
function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/**
 * The PIDs of a process's children that run its own executable — its workers (Linux /proc): not the
 * esbuild service tools/pipeline/stage.mjs starts when it transpiles changed sources at the mock's start.
 */
function children(pid: number): number[] {
  const own = executable(pid);
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((child) => executable(child) === own);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  [mock, single] = await startTogether(startMock({ tls: true, workers: 2 }), startMock({ tls: true }));
}, 90_000);

afterAll(async () => {
  await single?.stop();
  await mock?.stop();
});

describe("the mock with --workers 2", () => {
  it("runs two workers, and both answer", async () => {
    expect(children(mock.pid)).toHaveLength(2);
    // Connections are dealt to the workers in turn; each answer names the worker that wrote it nowhere,
    // so count the workers that used CPU time while serving (both must have served some of 40 connections).
    const cpu = (pid: number) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return Number(fields[11]) + Number(fields[12]);
    };
    const before = children(mock.pid).map(cpu);
    const answers = await Promise.all(Array.from({ length: 40 }, () => ask(mock.url, "GET", POD)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const after = children(mock.pid).map(cpu);
    expect(after.every((ticks, index) => ticks > (before[index] ?? 0))).toBe(true);
  });

  it("stores concurrent writes one at a time, and a GET sees the last", async () => {
    const images = Array.from({ length: 30 }, (_, index) => `nginx:1.${index}`);
    const answers = await Promise.all(images.map((image) => setImage(mock.url, image)));
    expect(answers.map((answer) => answer.status)).toEqual(images.map(() => 200));
    const written = answers.map(
      (answer) => JSON.parse(answer.body) as { metadata: { resourceVersion: string }; spec: { containers: { image: string }[] } },
    );
    const versions = written.map((pod) => Number(pod.metadata.resourceVersion));
    expect(new Set(versions).size).toBe(images.length);
    const last = written[versions.indexOf(Math.max(...versions))];
    const now = JSON.parse((await ask(mock.url, "GET", POD)).body) as typeof last;
    expect(now).toEqual(last);
  });

  it("answers as the single process does, and /mock/pods resets the one store", async () => {
    for (const base of [mock.url, single.url]) expect((await ask(base, "DELETE", "/mock/pods")).status).toBe(200);
    // What differs between two stores by nature: the counter (the other mock has written more), the clock.
    const comparable = (text: string) => text.replace(/"(uid|resourceVersion|time)":"[^"]*"/g, "");
    for (const image of ["nginx:1.27", "nginx:1.27", "busybox:latest"]) {
      const [ours, theirs] = await Promise.all([setImage(mock.url, image), setImage(single.url, image)]);
      expect({ status: ours.status, body: comparable(ours.body) }).toEqual({
        status: theirs.status,
        body: comparable(theirs.body),
      });
    }
    const refused = await ask(mock.url, "PATCH", POD, '{"spec":{"nodeName":"elsewhere"}}', "application/merge-patch+json");
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual(
      (await ask(single.url, "PATCH", POD, '{"spec":{"nodeName":"elsewhere"}}', "application/merge-patch+json")).body,
    );
    expect((await ask(mock.url, "GET", "/api/v1/namespaces/default/pods/nobody")).status).toBe(404);
  });

  it("gives a repeated request the same answer, and never one from before a write (tools/servers/answer-memo.ts)", async () => {
    const imageOf = (answer: Answer) =>
      (JSON.parse(answer.body) as { metadata: { resourceVersion: string }; spec: { containers: { image: string }[] } }).spec
        .containers[0]?.image;
    const versionOf = (answer: Answer) =>
      Number((JSON.parse(answer.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    const unknownField = '{"spec":{"containers":[{"name":"hello-world","bogus":1}]}}';
    for (const base of [mock.url, single.url]) {
      expect((await ask(base, "DELETE", "/mock/pods")).status).toBe(200);
      const written = await setImage(base, "nginx:1.30");
      // The first ask is checked by the worker, the second by the owner, which keeps it; the rest are kept.
      const noOps = [];
      for (let index = 0; index < 5; index++) noOps.push(await setImage(base, "nginx:1.30"));
      for (const noOp of noOps) expect(noOp).toEqual({ ...written, headers: noOps[0]?.headers });
      const warned = [];
      for (let index = 0; index < 4; index++)
        warned.push(await ask(base, "PATCH", POD, unknownField, "application/strategic-merge-patch+json"));
      for (const answer of warned) expect(answer).toEqual(warned[0]);
      expect(warned[0]?.headers.warning).toBe('299 - "unknown field \\"spec.containers[0].bogus\\""');
      // Another connection writes; the same no-op is a write again, and a GET shows it.
      expect(imageOf(await setImage(base, "nginx:1.31"))).toBe("nginx:1.31");
      const again = await setImage(base, "nginx:1.30");
      expect(versionOf(again)).toBeGreaterThan(versionOf(written));
      expect(imageOf(await ask(base, "GET", POD))).toBe("nginx:1.30");
    }
  });

  it("stops its workers on SIGTERM", async () => {
    const workers = children(mock.pid);
    expect(await mock.stop()).toBe(0);
    expect(mock.stderr()).toBe("");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(workers.filter(alive)).toEqual([]);
  });
});

describe("usage errors", () => {
  it.each([["0"], ["65"], ["two"], ["1.5"]])("--workers %s: exit 2 with the usage", (value) => {
    const result = spawnSync(process.execPath, ["tools/pipeline/stage.mjs", "mock", "--port", "0", "--workers", value], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
    expect(result.stderr).toMatch(/--workers must be an integer from 1 to 64/);
    expect(result.stderr).toContain("usage: npm run mock --");
  });
});
