/**
 * Offline proof: the build and the contract tests need no network beyond 127.0.0.1. Each check runs
 * in a fresh network namespace (`unshare -rn`, as root or with unprivileged user namespaces) whose
 * only interface is loopback, brought up first (`ip link set lo up`):
 * - there really is no way out (only `lo`, and connecting to a public address fails at once);
 * - `npm run build` in a throw-away copy of the project (test/support/project-copy.ts) succeeds;
 * - vitest runs the client-against-mock and kubectl contract tests (real mock processes, TLS,
 *   kubectl when installed) and they pass.
 * Where the machine does not allow network namespaces the block is skipped with the reason in its name.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/common.js";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

const OFFLINE_TIMEOUT_MS = 240_000;

/** Runs a shell command in a new network namespace with only loopback, up. */
function offline(command: string, cwd: string): { code: number | null; output: string } {
  // vitest's own variables would make the nested vitest think it is a worker of this run; no colours in its report.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "FORCE_COLOR");
  const env = { ...Object.fromEntries(inherited), NO_COLOR: "1" };
  const result = spawnSync("unshare", ["-rn", "sh", "-c", `ip link set lo up && ${command}`], {
    cwd,
    env,
    encoding: "utf8",
    timeout: OFFLINE_TIMEOUT_MS,
  });
  const failure = result.error === undefined ? "" : `\n(${result.error.message})`;
  return { code: result.status, output: `${result.stdout}${result.stderr}${failure}` };
}

const probe = spawnSync("unshare", ["-rn", "sh", "-c", "ip link set lo up"], { encoding: "utf8" });
const unavailable =
  probe.status === 0 ? undefined : `network namespaces not available (unshare -rn: ${probe.error?.message ?? probe.stderr.trim()})`;

describe.skipIf(unavailable !== undefined)(
  `offline, in a network namespace with only loopback${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`,
  () => {
    let copy: ProjectCopy;
    beforeAll(() => {
      copy = copyProject();
    });
    afterAll(() => copy?.remove());

    it("has no network: only lo, and a connection to a public address fails at once", () => {
      const connect =
        "node -e \"require('node:net').connect(443, '192.0.2.1').on('error', (e) => console.log('connect:', e.code)).on('connect', () => console.log('connect: OK'))\"";
      const result = offline(`ip -o link show | cut -d: -f2 && ${connect}`, projectRoot);
      expect(result.code, result.output).toBe(0);
      expect(result.output.split("\n").map((line) => line.trim()).filter(Boolean)).toEqual(["lo", "connect: ENETUNREACH"]);
    });

    it(
      "npm run build succeeds",
      () => {
        const result = offline("npm run build", copy.dir);
        expect(result.code, result.output).toBe(0);
        expect(result.output).toMatch(/^build +ok /m);
        expect(Object.keys(copy.snapshotGenerated())).toContain("openapi.json");
      },
      OFFLINE_TIMEOUT_MS,
    );

    it(
      "the contract tests against the mock pass (client, kubectl over TLS)",
      () => {
        const result = offline("npx vitest run test/contract/client-vs-mock.test.ts test/contract/kubectl.test.ts", projectRoot);
        expect(result.code, result.output).toBe(0);
        expect(result.output).toMatch(/Test Files +2 passed/);
      },
      OFFLINE_TIMEOUT_MS,
    );
  },
);
