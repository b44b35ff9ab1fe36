/**
 * The report of a `verify` run: one line per category with its agreement N/M, then every unexplained
 * difference (with what the server did, where probes asked), then the deliberate divergences with their
 * reason and source, then how many differences are documentation only. `--json` writes the whole
 * report, probes included.
 *
 * Input: a VerifyReport. Output: text; the exit code (0 no unexplained difference, 1 some).
 */
import type { Difference, VerifyReport } from "./verify.js";

const impactWords: Record<Difference["impact"], string> = {
  "contract-refuses": "contract refuses what the server accepts",
  "contract-accepts": "contract accepts what the server refuses",
  documentation: "documentation only",
  prediction: "the server answered otherwise than predicted",
};

export function exitCodeOf(report: VerifyReport): number {
  return report.unexplained.length === 0 ? 0 : 1;
}

export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`verify: ${report.server.origin} — Kubernetes ${report.server.version}; contract ${report.contractVersion}`);
  if (report.target !== null) {
    lines.push(
      `Pod under test: ${report.target.namespace}/${report.target.pod} (${report.target.created ? "created for this run and deleted" : "only read; every PATCH was a dry run"})`,
    );
  }
  const width = Math.max(...report.categories.map((category) => category.name.length));
  for (const category of report.categories) {
    lines.push(`  ${category.name.padEnd(width)}  ${category.agree}/${category.total}`);
  }
  lines.push("");
  if (report.unexplained.length === 0) lines.push("No unexplained difference.");
  else {
    lines.push(`Unexplained differences (${report.unexplained.length}):`);
    for (const difference of report.unexplained) {
      lines.push(`  - [${impactWords[difference.impact]}] ${difference.detail}`);
      for (const behaviour of difference.serverBehaviour ?? []) lines.push(`      server: ${behaviour}`);
    }
  }
  if (report.deliberate.length > 0) {
    lines.push("", `Deliberate divergences (${report.deliberate.length}, not failing):`);
    for (const difference of report.deliberate) {
      lines.push(`  - ${difference.detail}`);
      lines.push(`      why: ${difference.explanation?.reason ?? ""} (${difference.explanation?.source ?? ""})`);
      for (const behaviour of difference.serverBehaviour ?? []) lines.push(`      server: ${behaviour}`);
    }
  }
  if (report.documentation.length > 0) {
    lines.push(
      "",
      `Documentation only (${report.documentation.length}, not failing: defaults the two documents state differently; --json lists them).`,
    );
  }
  return `${lines.join("\n")}\n`;
}
