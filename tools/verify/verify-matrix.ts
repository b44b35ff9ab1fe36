/**
 * `npm run verify:matrix` — the version matrix: `verify` against a real control plane of every
 * Kubernetes minor that has a wrapper module (tools/apiserver/go/<minor>), each started here
 * (tools/apiserver/control-plane.ts) with one throwaway Pod (`--create-pod default`).
 *
 * Usage: npm run verify:matrix -- [--version MINOR]... [--check]
 * Output: per minor, `test/fixtures/verify/<minor>.json` — the server's version, every exchange (for
 * replay by test/verify/matrix.test.ts) and the report's summary — and the table between the matrix
 * markers of docs/verify.md; each file written to a temporary name and renamed. With --check nothing is
 * written: each live summary is compared with the recorded one (what .ci/run does for 1.35).
 * Exit codes: 0 done (or, with --check, every live summary equals its recording); 1 a control plane did
 * not start or a --check found a difference; 2 bad arguments.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadBundledContract } from "../../src/contract/bundle.js";
import { availableMinors } from "../apiserver/binaries.js";
import { type ControlPlane, startControlPlane } from "../apiserver/control-plane.js";
import { CliUsageError, isEntryPoint, parseCli, runCli } from "../cli-args.js";
import { projectRoot } from "../pipeline/common.js";
import { exitCodeOf } from "../../src/verify/report.js";
import { createTransport, type Transport } from "../../src/verify/transport.js";
import { runVerify, userAgent, type VerifyReport } from "../../src/verify/verify.js";
import { type RecordedExchange, recordingTransport } from "./recorded-transport.js";

export const renewCommand = "npm run verify:matrix";
export const throwawayName = "pod-patch-verify-matrix";
export const matrixNamespace = "default";

/** What the matrix keeps of a report: enough to tell whether the verdict changed, nothing run-specific. */
export interface MatrixSummary {
  exitCode: number;
  categories: VerifyReport["categories"];
  unexplained: { id: string; impact: string; detail: string; serverBehaviour?: string[] }[];
  deliberate: string[];
  documentation: number;
  probes: number;
}

export interface MatrixRecording {
  minor: string;
  server: string;
  exchanges: RecordedExchange[];
  summary: MatrixSummary;
}

export function summarize(report: VerifyReport): MatrixSummary {
  return {
    exitCode: exitCodeOf(report),
    categories: report.categories,
    unexplained: report.unexplained.map(({ id, impact, detail, serverBehaviour }) => ({
      id,
      impact,
      detail,
      ...(serverBehaviour === undefined ? {} : { serverBehaviour }),
    })),
    deliberate: report.deliberate.map((difference) => difference.id),
    documentation: report.documentation.length,
    probes: report.probes.length,
  };
}

export const fixturePath = (minor: string): string => join(projectRoot, "test", "fixtures", "verify", `${minor}.json`);
export const docsPath = join(projectRoot, "docs", "verify.md");

export function loadRecording(minor: string): MatrixRecording | undefined {
  const path = fixturePath(minor);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as MatrixRecording) : undefined;
}

/** What the contract does about what each minor does not share with it (the version notes). */
const contractNotes: Record<string, string> = {
  "1.34":
    "One contract (1.35): the fields and values listed are marked with the minor that added them; a 1.34 cluster drops the fields with a warning (refuses them under Strict) and refuses the values",
  "1.35": "The contract's own minor",
  "1.36": "One contract (1.35): what 1.36 adds is not described until the contract moves to it",
};

const markerStart = "<!-- verify-matrix:start (npm run verify:matrix writes this table) -->";
const markerEnd = "<!-- verify-matrix:end -->";

const escapeCell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The matrix table of docs/verify.md from the recordings. */
export function matrixTable(recordings: MatrixRecording[]): string {
  const rows = recordings.map((recording) => {
    const { summary } = recording;
    const agreement = summary.categories
      .filter((category) => category.name.startsWith("probes") || category.name.startsWith("contract"))
      .reduce((sum, category) => ({ agree: sum.agree + category.agree, total: sum.total + category.total }), {
        agree: 0,
        total: 0,
      });
    const differs =
      summary.unexplained.length === 0
        ? "nothing unexplained"
        : summary.unexplained
            .map(
              (difference) =>
                `${difference.detail}${difference.serverBehaviour === undefined ? "" : ` — server: ${difference.serverBehaviour.join("; ")}`}`,
            )
            .join("<br>");
    return `| ${recording.server} | ${summary.exitCode} | ${agreement.agree}/${agreement.total} | ${summary.deliberate.length} | ${escapeCell(differs)} | ${escapeCell(contractNotes[recording.minor] ?? "")} |`;
  });
  return [
    markerStart,
    "| Kubernetes | exit | probe and contract checks agreeing | deliberate divergences | what differs (unexplained) | what the contract does about it |",
    "|---|---|---|---|---|---|",
    ...rows,
    markerEnd,
  ].join("\n");
}

export function docsWithTable(docs: string, table: string): string {
  const start = docs.indexOf(markerStart);
  const end = docs.indexOf(markerEnd);
  if (start < 0 || end < start) throw new Error(`${docsPath} has no matrix markers`);
  return `${docs.slice(0, start)}${table}${docs.slice(end + markerEnd.length)}`;
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** verify's transport to a control plane started here: its CA and token, as its kubeconfig names them. */
export function controlPlaneTransport(plane: ControlPlane): Transport {
  return createTransport(
    {
      context: "pod-patch-apiserver",
      server: plane.url,
      tls: { ca: plane.caCert },
      credential: { kind: "token", token: plane.token },
    },
    "apiserver",
    userAgent,
  );
}

async function verifyLive(minor: string, log: (line: string) => void): Promise<MatrixRecording> {
  const plane = await startControlPlane({ minor, log });
  try {
    const recorder = recordingTransport(controlPlaneTransport(plane));
    const report = await runVerify(recorder.transport, {
      namespace: matrixNamespace,
      createPodIn: matrixNamespace,
      throwawayName,
      contract: loadBundledContract(),
      log,
    });
    return { minor, server: plane.version, exchanges: recorder.exchanges, summary: summarize(report) };
  } finally {
    await plane.stop();
  }
}

const usage = `usage: npm run verify:matrix -- [--version MINOR]... [--check]
  --version MINOR  only this minor (repeatable; default: every minor with a wrapper module: ${availableMinors().join(", ")})
  --check          compare each live run with its recording; write nothing`;

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), usage, {
    version: { type: "string", multiple: true },
    check: { type: "boolean", default: false },
  });
  if (parsed === "help") return 0;
  const minors = parsed.values.version ?? availableMinors();
  for (const minor of minors) {
    if (!availableMinors().includes(minor))
      throw new CliUsageError(`--version must be one of ${availableMinors().join(", ")}, got "${minor}"`, usage);
  }
  const log = (line: string): void => console.error(line);
  let failed = false;
  const fresh: MatrixRecording[] = [];
  for (const minor of minors) {
    const recording = await verifyLive(minor, log);
    console.log(
      `${recording.server}: exit ${recording.summary.exitCode}, ${recording.summary.unexplained.length} unexplained, ${recording.summary.probes} probes`,
    );
    if (parsed.values.check) {
      const recorded = loadRecording(minor);
      if (JSON.stringify(recorded?.summary) !== JSON.stringify(recording.summary)) {
        console.error(
          `verify:matrix: ${recording.server} no longer answers as recorded in ${fixturePath(minor)}; run: ${renewCommand}`,
        );
        failed = true;
      }
    } else fresh.push(recording);
  }
  if (parsed.values.check) return failed ? 1 : 0;
  for (const recording of fresh) writeAtomically(fixturePath(recording.minor), `${JSON.stringify(recording, null, 1)}\n`);
  const all = availableMinors().flatMap((minor) => loadRecording(minor) ?? []);
  writeAtomically(docsPath, docsWithTable(readFileSync(docsPath, "utf8"), matrixTable(all)));
  return 0;
}

if (isEntryPoint(import.meta.url)) runCli("verify:matrix", main);
