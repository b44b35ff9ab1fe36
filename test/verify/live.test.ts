// verify is safe on a live cluster, proven against a real apiserver (tools/apiserver/control-plane.ts,
// with its audit log on): after a full run on a user's Pod, every Pod's resourceVersion is unchanged, every
// PATCH the server received from verify carried dryRun=All, and verify sent nothing else that writes; with
// --create-pod the only writes are that Pod's create and delete. The run's verdict is the one the 1.35
// matrix recorded (test/fixtures/verify/1.35.json). Needs the built binaries; without them it skips (the
// reason is in its name) and fails instead under POD_PATCH_FORBID_SKIPS=1.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../../tools/apiserver/control-plane.js";
import { loadRecording } from "../../tools/verify/verify-matrix.js";
import { userAgent } from "../../src/verify/verify.js";
import { ask, createPod } from "../differential/support/server.js";
import { missingApiserverBinaries } from "../differential/support/mode.js";
import { describeNeeding } from "../support/skips.js";
import { runVerifyCli } from "./run-verify.js";

const missing = missingApiserverBinaries();

interface AuditEvent {
  verb: string;
  requestURI: string;
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string };
}

describeNeeding(
  "verify against a real 1.35 apiserver",
  missing.length === 0 ? undefined : `binaries not built (${missing.join(", ")})`,
  () => {
    const scratch = mkdtempSync(join(tmpdir(), "verify-live-test-"));
    const auditLog = join(scratch, "audit.log");
    const kubeconfig = join(scratch, "kubeconfig");
    let plane: ControlPlane;
    let server: { url: string; token: string; caCert: string; version: string; kubectl: string; mode: "all" };

    beforeAll(async () => {
      plane = await startControlPlane({ auditLogPath: auditLog, kubeconfigPath: kubeconfig });
      server = {
        url: plane.url,
        token: plane.token,
        caCert: plane.caCert,
        version: plane.version,
        kubectl: plane.binaries.kubectl,
        mode: "all",
      };
      await createPod(server, "default", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", labels: { app: "web" } },
        spec: {
          containers: [{ name: "web", image: "nginx:1.27" }],
          tolerations: [{ key: "example.com/dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
        },
      });
    }, 120_000);
    afterAll(async () => {
      await plane?.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    const resourceVersions = async (): Promise<Record<string, string>> => {
      const answer = await ask(server, { method: "GET", path: "/api/v1/pods" });
      const items = (answer.body as { items: { metadata: { namespace: string; name: string; resourceVersion: string } }[] })
        .items;
      return Object.fromEntries(
        items.map((pod) => [`${pod.metadata.namespace}/${pod.metadata.name}`, pod.metadata.resourceVersion]),
      );
    };
    const verifyEvents = (): AuditEvent[] =>
      readFileSync(auditLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((event) => event.userAgent === userAgent);

    it("changes nothing on a user's Pod: resourceVersions unchanged, every PATCH a dry run, no other write", async () => {
      const before = await resourceVersions();
      const run = await runVerifyCli([
        "--kubeconfig",
        kubeconfig,
        "--namespace",
        "default",
        "--pod",
        "web",
        "--json",
        join(scratch, "report.json"),
      ]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const recorded = loadRecording("1.35")?.summary;
      expect(run.code, run.stdout + run.stderr).toBe(recorded?.exitCode);
      expect(await resourceVersions()).toEqual(before);
      const events = verifyEvents();
      const patches = events.filter((event) => event.verb === "patch");
      expect(patches.length).toBeGreaterThan(50);
      for (const event of patches)
        expect(new URL(event.requestURI, "https://x").searchParams.getAll("dryRun")[0], event.requestURI).toBe("All");
      expect(
        events
          .filter((event) => !["get", "list", "patch"].includes(event.verb))
          .map((event) => `${event.verb} ${event.requestURI}`),
      ).toEqual([]);
      const report = JSON.parse(readFileSync(join(scratch, "report.json"), "utf8")) as {
        target: { created: boolean };
        unexplained: { id: string }[];
      };
      expect(report.target.created).toBe(false);
      // The same probes as the recorded matrix run, on another Pod: the same unexplained differences.
      expect(report.unexplained.map((difference) => difference.id).sort()).toEqual(
        (recorded?.unexplained ?? []).map((difference) => difference.id).sort(),
      );
    });

    it("with --create-pod, writes exactly one Pod's create and delete", async () => {
      const before = await resourceVersions();
      const already = verifyEvents().length;
      const run = await runVerifyCli(["--kubeconfig", kubeconfig, "--create-pod", "default"]);
      expect([0, 1]).toContain(run.code);
      expect(await resourceVersions()).toEqual(before);
      const writes = verifyEvents()
        .slice(already)
        .filter(
          (event) =>
            !["get", "list"].includes(event.verb) &&
            !(event.verb === "patch" && new URL(event.requestURI, "https://x").searchParams.get("dryRun") === "All"),
        );
      expect(writes.map((event) => event.verb)).toEqual(["create", "delete"]);
      expect(writes[0]?.objectRef?.name).toMatch(/^pod-patch-verify-/);
      expect(writes[1]?.objectRef?.name).toBe(writes[0]?.objectRef?.name);
    });
  },
);
