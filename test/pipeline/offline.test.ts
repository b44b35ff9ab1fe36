/**
 * Offline proof: the build and the tests need no network beyond 127.0.0.1. The checks here run in a
 * fresh network namespace (`unshare -rn`, as root or with unprivileged user namespaces) whose only
 * interface is loopback, brought up first (`ip link set lo up`):
 * - there really is no way out (only `lo`, and connecting to a public address fails at once);
 * - `npm run build` in a throw-away copy of the project (test/support/project-copy.ts) succeeds.
 * The tests themselves are proven offline by `.ci/run`, which runs the whole `npm test` in such a
 * namespace and says so with `POD_PATCH_OFFLINE_PROOF=1`: with that variable the last check fails when
 * this process can see any interface but loopback (without it, that check is not defined: nothing claims
 * the run is offline). Never decided by `CI`.
 * Where the machine does not allow network namespaces the block is skipped with the reason in its name
 * (a failure under POD_PATCH_FORBID_SKIPS=1, test/support/skips.ts).
 */
import { spawnSync } from "node:child_process";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";
import { describeNeeding } from "../support/skips.js";

const OFFLINE_TIMEOUT_MS = 240_000;

/** Runs a shell command in a new network namespace with only loopback, up. */
function offline(command: string, cwd: string): { code: number | null; output: string } {
  const result = spawnSync("unshare", ["-rn", "sh", "-c", `ip link set lo up && ${command}`], {
    cwd,
    encoding: "utf8",
    timeout: OFFLINE_TIMEOUT_MS,
  });
  const failure = result.error === undefined ? "" : `\n(${result.error.message})`;
  return { code: result.status, output: `${result.stdout}${result.stderr}${failure}` };
}

const probe = spawnSync("unshare", ["-rn", "sh", "-c", "ip link set lo up"], { encoding: "utf8" });
const unavailable =
  probe.status === 0
    ? undefined
    : `network namespaces not available (unshare -rn: ${probe.error?.message ?? probe.stderr.trim()})`;

/** Set by `.ci/run` when it starts `npm test` inside a loopback-only namespace. */
const offlineProof = process.env.POD_PATCH_OFFLINE_PROOF === "1";

describeNeeding("offline, in a network namespace with only loopback", unavailable, () => {
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
    expect(
      result.output
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    ).toEqual(["lo", "connect: ENETUNREACH"]);
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
});

// Outside the namespace block: it needs no unshare of its own, only the claim of the one who started the run.
if (offlineProof) {
  it("POD_PATCH_OFFLINE_PROOF=1: this whole test run has no network but loopback (.ci/run starts it in a namespace)", () => {
    const interfaces = Object.entries(networkInterfaces()).filter(([, addresses]) =>
      addresses?.some((address) => !address.internal),
    );
    expect(
      interfaces.map(([name]) => name),
      "interfaces with a non-loopback address",
    ).toEqual([]);
  });
}
