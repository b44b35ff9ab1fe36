/**
 * Unit test for test/support/mock-process.ts `startTogether`: processes started together come back in
 * order; when one does not start, the ones that did are stopped before the failure is passed on (a
 * failing `beforeAll` could not stop them: a mock was left running after a loaded start timed out).
 */
import { describe, expect, it } from "vitest";
import { startListening, startMock, startTogether } from "../support/mock-process.js";

/** True while a process with this PID exists. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startTogether", () => {
  it("stops the processes that started when another one does not", { timeout: 60_000 }, async () => {
    let startedPid: number | undefined;
    const started = startMock().then((mock) => {
      startedPid = mock.pid;
      return mock;
    });
    const failing = startListening(["-e", "process.exit(3)"], /never printed/);
    await expect(startTogether(started, failing)).rejects.toThrow(/did not start/);
    expect(startedPid).toBeDefined();
    expect(running(startedPid as number)).toBe(false);
  });

  it("resolves with every process, in order, when all start", { timeout: 60_000 }, async () => {
    const [first, second] = await startTogether(
      startListening(["-e", 'console.log("up a"); setInterval(() => {}, 1000)'], /^up (a)$/),
      startListening(["-e", 'console.log("up b"); setInterval(() => {}, 1000)'], /^up (b)$/),
    );
    try {
      expect([first.url, second.url]).toEqual(["a", "b"]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    expect([running(first.pid), running(second.pid)]).toEqual([false, false]);
  });
});
