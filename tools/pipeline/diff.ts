/**
 * Stage: diff — what the working tree's spec changes mean for clients, compared with a git revision.
 * Usage: npm run diff -- <git-ref> [--json]
 * Input: openapi/ and redocly.yaml at <git-ref> (extracted with `git archive` into a temporary folder;
 * the working tree is never touched) and in the working tree (uncommitted edits included). Both are
 * bundled with their own redocly.yaml, then compared by `redocly diff` with the diff-recommended
 * ruleset, plus this project's rules for what that ruleset misses (docs/decisions/0003-breaking-change-diff.md).
 * Output (stdout): a table change | location | impact | bump and a final line with the overall bump;
 * with --json, one JSON report instead. Writes no file in the project.
 * Exit codes: 0 no breaking change, 1 at least one breaking change, 2 usage error, unknown ref, a spec
 * that does not bundle, or a crash.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@redocly/openapi-core";
import { unescapeSegment } from "../../src/json-pointer/pointer.js";
import { bundleSpec } from "./bundle.js";
import { CliUsageError, parseCli, runCli } from "../cli-args.js";
import { isEntryPoint, projectRoot, redoclyCli, redoclyEnv, SpecError } from "./common.js";
import type { OpenApiNode } from "./common.js";

const usage = `usage: npm run diff -- <git-ref> [--json]   (for example: npm run diff -- main)
  Compares the spec in the working tree with the one at <git-ref>: every contract change, its impact on
  clients and its semver bump, then the overall bump. --json prints one JSON report instead of the table.
  Exit 0 no breaking change, 1 breaking changes, 2 usage error, unknown ref, a spec that does not bundle.`;
/** `redocly diff` finds nothing without a ruleset; diff-recommended rates every rule it has. */
const diffConfig = "extends:\n  - diff-recommended\ntelemetry: off\n";
const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export type Bump = "major" | "minor" | "patch";
type Side = "request" | "response";

const bumpRank: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

/** One entry of `redocly diff --format json` (report version 1). */
interface RedoclyChange {
  path: string;
  typeName: string;
  kind: "added" | "removed" | "modified";
  impact: Bump;
  property?: string;
  verdicts: Array<{ ruleId: string; impact: Bump; message: string }>;
  base?: { pointer: string; value?: unknown };
  revision?: { pointer: string; value?: unknown };
}

export interface Change {
  change: string;
  /** Rule that rated the change: a redocly diff rule, one of ours (`project/...`), or `default` (redocly's rating of any addition, removal or edit no rule covers). */
  rule: string;
  /** Operations whose requests or responses the change reaches, as `METHOD /path`. */
  operations: string[];
  /** JSON pointer to the change in the bundled spec (revision side, base side for removals). */
  pointer: string;
  impact: "breaking" | "non-breaking";
  bump: Bump;
}

export interface DiffReport {
  base: string;
  revision: string;
  bump: Bump | "none";
  breaking: number;
  changes: Change[];
}

function segments(pointer: string): string[] {
  return pointer.replace(/^#\//, "").split("/").map(unescapeSegment);
}

function at(document: OpenApiNode, pointer: string): unknown {
  return segments(pointer).reduce((node: OpenApiNode | undefined, key) => node?.[key], document);
}

/** Every `#/components/<kind>/<name>` reachable from `node`, following references transitively. */
function reachableComponents(document: OpenApiNode, node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) reachableComponents(document, item, found);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/")) {
        const component = value.split("/").slice(0, 4).join("/");
        if (!found.has(component)) {
          found.add(component);
          reachableComponents(document, at(document, component), found);
        }
      } else {
        reachableComponents(document, value, found);
      }
    }
  }
  return found;
}

/** Operations of one path item, as [`METHOD /path`, operation]. */
function operationsOf(document: OpenApiNode, path: string): Array<[string, OpenApiNode]> {
  const item = (document.paths?.[path] ?? {}) as OpenApiNode;
  return httpMethods.filter((method) => item[method]).map((method) => [`${method.toUpperCase()} ${path}`, item[method]]);
}

/** For each component: the operations that reach it, and from which side (request or response). */
function componentUsage(document: OpenApiNode): Map<string, Map<string, Set<Side>>> {
  const usage = new Map<string, Map<string, Set<Side>>>();
  for (const path of Object.keys(document.paths ?? {})) {
    const item = document.paths[path] as OpenApiNode;
    for (const [operation, definition] of operationsOf(document, path)) {
      const roots: Array<[Side, unknown]> = [
        ["request", [item.parameters, definition.parameters, definition.requestBody]],
        ["response", definition.responses],
      ];
      for (const [side, root] of roots) {
        for (const component of reachableComponents(document, root, new Set())) {
          const operations = usage.get(component) ?? new Map<string, Set<Side>>();
          usage.set(component, operations);
          operations.set(operation, (operations.get(operation) ?? new Set<Side>()).add(side));
        }
      }
    }
  }
  return usage;
}

/** Operations and sides a change at `pointer` reaches, looked up in both revisions. */
function reach(
  pointer: string,
  documents: Array<{ document: OpenApiNode; usage: Map<string, Map<string, Set<Side>>> }>,
): Map<string, Set<Side>> {
  const found = new Map<string, Set<Side>>();
  const add = (operation: string, sides: Iterable<Side>) => {
    found.set(operation, new Set([...(found.get(operation) ?? []), ...sides]));
  };
  const [root, first, second, third] = segments(pointer);
  for (const { document, usage } of documents) {
    if (root === "components") {
      for (const [operation, sides] of usage.get(`#/components/${first}/${second}`) ?? []) add(operation, sides);
    } else if (root === "paths" && first !== undefined) {
      const method = httpMethods.includes(second ?? "") ? second : undefined;
      const side: Side[] = third === "responses" ? ["response"] : ["request"];
      for (const [operation] of operationsOf(document, first)) {
        if (method === undefined || operation.startsWith(`${method.toUpperCase()} `)) add(operation, side);
      }
    }
  }
  return found;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? "nothing";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The project's rules for what diff-recommended under-rates on this API (see decision record 0003).
 * They can only raise a rating, never lower one.
 */
function projectVerdict(change: RedoclyChange, sides: Set<Side>): { ruleId: string; impact: Bump; message: string } | undefined {
  const name = segments(change.path).at(-1);
  const removedProperty =
    change.kind === "removed" && change.typeName === "Schema" && /\/properties\/[^/]+$/.test(change.base?.pointer ?? "");
  if (removedProperty && sides.has("request")) {
    return {
      ruleId: "project/request-property-removed",
      impact: "major",
      message: `Property \`${name}\` was removed from a request body: typed clients that set it stop compiling, and a schema with \`additionalProperties: false\` rejects it.`,
    };
  }
  if (change.kind === "modified" && change.property === "enum" && sides.has("request") && !sides.has("response")) {
    const before = new Set(Array.isArray(change.base?.value) ? change.base.value : []);
    const added = (Array.isArray(change.revision?.value) ? change.revision.value : []).filter((value) => !before.has(value));
    if (added.length > 0) {
      return {
        ruleId: "project/request-enum-values-added",
        impact: "minor",
        message: `Enum of \`${name}\` gained values clients may send: ${added.map((value) => JSON.stringify(value)).join(", ")}.`,
      };
    }
  }
  return undefined;
}

/** Turns redocly's report into the project's classification, with every affected operation. */
function classify(report: { changes: RedoclyChange[] }, base: OpenApiNode, revision: OpenApiNode): Change[] {
  const documents = [base, revision].map((document) => ({ document, usage: componentUsage(document) }));
  const changes = report.changes.map((change): Change => {
    const pointer = change.revision?.pointer ?? change.base?.pointer ?? change.path;
    const reached = reach(pointer, documents);
    const sides = new Set([...reached.values()].flatMap((set) => [...set]));
    const own = projectVerdict(change, sides);
    const raised = own !== undefined && bumpRank[own.impact] > bumpRank[change.impact];
    const verdict = raised ? own : change.verdicts[0];
    const bump = raised ? own.impact : change.impact;
    const node = (change.revision?.value ?? change.base?.value) as { name?: unknown } | undefined;
    const name = typeof node?.name === "string" ? node.name : segments(change.path).at(-1);
    const subject = `${change.kind} ${change.typeName} \`${name}\``;
    const detail = change.property ? `: ${change.property} ${brief(change.base?.value)} → ${brief(change.revision?.value)}` : "";
    return {
      change: verdict?.message ?? `${subject.charAt(0).toUpperCase()}${subject.slice(1)}${detail}`,
      rule: verdict?.ruleId ?? "default",
      operations: [...reached.keys()].sort(),
      pointer,
      impact: bump === "major" ? "breaking" : "non-breaking",
      bump,
    };
  });
  return changes.sort((a, b) => bumpRank[b.bump] - bumpRank[a.bump]);
}

/** Runs `redocly diff` on two bundled documents and classifies every change. */
export function diffDocuments(
  base: OpenApiNode,
  revision: OpenApiNode,
  labels = { base: "base", revision: "revision" },
): DiffReport {
  const folder = mkdtempSync(join(tmpdir(), "pod-patch-diff-"));
  try {
    const paths = {
      base: join(folder, "base.json"),
      revision: join(folder, "revision.json"),
      config: join(folder, "redocly.yaml"),
      report: join(folder, "report.json"),
    };
    writeFileSync(paths.base, JSON.stringify(base, null, 2));
    writeFileSync(paths.revision, JSON.stringify(revision, null, 2));
    writeFileSync(paths.config, diffConfig);
    // --fail-on none: redocly's exit code would mix "breaking" with "crashed"; the report decides here.
    const args = [
      redoclyCli,
      "diff",
      paths.base,
      paths.revision,
      "--config",
      paths.config,
      "--format",
      "json",
      "--output",
      paths.report,
      "--fail-on",
      "none",
    ];
    const result = spawnSync(process.execPath, args, {
      cwd: folder,
      encoding: "utf8",
      env: redoclyEnv,
    });
    if (result.status !== 0)
      throw new Error(`diff: redocly diff failed (exit ${result.status})\n${result.stdout}${result.stderr}`);
    const report = JSON.parse(readFileSync(paths.report, "utf8")) as { reportVersion?: unknown; changes: RedoclyChange[] };
    // The command is experimental: refuse a report format this code was not written against.
    if (report.reportVersion !== "1")
      throw new Error(
        `diff: redocly diff wrote report version ${String(report.reportVersion)}, expected 1; revisit tools/pipeline/diff.ts`,
      );
    const changes = classify(report, base, revision);
    const top = changes[0]?.bump;
    return { ...labels, bump: top ?? "none", breaking: changes.filter((change) => change.impact === "breaking").length, changes };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function git(args: string[]): Buffer {
  return execFileSync("git", args, { cwd: projectRoot, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** Extracts openapi/ and redocly.yaml at `ref` into `folder`; clear errors for an unknown ref or a ref without a spec. */
function extractSpec(ref: string, folder: string): void {
  try {
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new CliUsageError(`unknown git ref "${ref}" in ${projectRoot} (git rev-parse found no such commit)`, usage);
  }
  for (const path of ["openapi/openapi.yaml", "redocly.yaml"]) {
    try {
      git(["cat-file", "-e", `${ref}:./${path}`]);
    } catch {
      throw new CliUsageError(`${ref} has no ${path}, so there is no spec to compare with`, usage);
    }
  }
  execFileSync("tar", ["-x", "-C", folder], { input: git(["archive", "--format=tar", ref, "openapi", "redocly.yaml"]) });
}

/** Bundles the spec at `ref` and in the working tree. */
async function bundleBoth(ref: string): Promise<{ base: OpenApiNode; revision: OpenApiNode }> {
  const folder = mkdtempSync(join(tmpdir(), "pod-patch-diff-ref-"));
  try {
    extractSpec(ref, folder);
    const config = await loadConfig({ configPath: join(folder, "redocly.yaml") });
    const base = await bundleSpec({ root: join(folder, "openapi", "openapi.yaml"), config }).catch((error: unknown) => {
      if (error instanceof SpecError)
        throw new Error(`diff: the spec at ${ref} does not bundle (paths below are in a copy of ${ref}):\n${error.message}`);
      throw error;
    });
    const revision = await bundleSpec();
    return { base: base.document, revision: revision.document };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The report as a Markdown table (readable in a terminal, pasteable into a pull request) and the overall line. */
export function formatReport(report: DiffReport): string {
  const rows = report.changes.map((change) => {
    const byPath = new Map<string, string[]>();
    for (const operation of change.operations) {
      const [method, path] = operation.split(" ") as [string, string];
      byPath.set(path, [...(byPath.get(path) ?? []), method]);
    }
    const operations = [...byPath].map(([path, methods]) => `${methods.join(", ")} ${path}`).join("; ");
    // Under #/paths the operations column already names the path; show the rest of the pointer, decoded.
    const [root, path, ...rest] = segments(change.pointer);
    const where = root === "paths" && path !== undefined && rest.length > 0 ? rest.join("/") : change.pointer;
    const location = operations === "" ? where : `${operations} · ${where}`;
    return `| ${cell(change.change)} (${change.rule}) | ${cell(location)} | ${change.impact} | ${change.bump} |`;
  });
  const table = rows.length > 0 ? ["| change | location | impact | bump |", "| --- | --- | --- | --- |", ...rows, ""] : [];
  const overall =
    report.bump === "none"
      ? `overall: none — no change to the contract since ${report.base}`
      : `overall: ${report.bump} — ${report.breaking} breaking, ${report.changes.length - report.breaking} non-breaking change(s) since ${report.base}`;
  return [...table, overall].join("\n");
}

async function main(): Promise<number> {
  const parsed = parseCli(
    process.argv.slice(2),
    usage,
    { json: { type: "boolean", default: false } },
    { allowPositionals: true },
  );
  if (parsed === "help") return 0;
  const { values, positionals } = parsed;
  const [ref] = positionals;
  if (positionals.length !== 1 || ref === undefined)
    throw new CliUsageError(`expected one git ref, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`, usage);
  const { base, revision } = await bundleBoth(ref);
  const report = diffDocuments(base, revision, { base: ref, revision: "working tree" });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.breaking > 0 ? 1 : 0;
}

if (isEntryPoint(import.meta.url)) {
  // An unknown ref or a spec that does not bundle is as fatal as a crash here: exit 2.
  runCli("diff", main, 2);
}
