/**
 * Stage: lint.
 * Input: openapi/ (root openapi/openapi.yaml) and redocly.yaml (rules, house rules).
 * Output: one line per problem on stderr as `file:line:col severity rule: message`; writes no file.
 * Exit codes: 0 when there are no errors and no warnings, 1 when the spec has problems, 2 on a crash.
 */
import {
  type BaseResolver,
  type Config,
  getLineColLocation,
  lint,
  type NormalizedProblem,
  YamlParseError,
} from "@redocly/openapi-core";
import { sep } from "node:path";
import {
  isEntryPoint,
  projectRoot,
  loadRedoclyConfig,
  relativeToProject,
  runStage,
  SpecError,
  specRoot,
  type SpecProblem,
  timed,
} from "./common.js";

/**
 * Converts Redocly's problem (JSON pointer into a source) into file:line:col. Redocly reports a referenced
 * file that does not parse as `no-unresolved-refs: Failed to parse: …` at the error's position; that is the
 * root cause of the run (SpecError lists it first), so it becomes `yaml-syntax`. Absolute paths in
 * messages are made relative to the project, like the locations.
 */
export function toSpecProblem(problem: NormalizedProblem): SpecProblem {
  const location = problem.location[0];
  const where = location ? getLineColLocation(location) : undefined;
  const message = problem.message.replaceAll(`${projectRoot}${sep}`, "");
  const unparsable = problem.ruleId === "no-unresolved-refs" && message.startsWith("Failed to parse: ");
  return {
    file: location ? relativeToProject(location.source.absoluteRef) : "openapi/openapi.yaml",
    line: where?.start.line ?? 1,
    column: where?.start.col ?? 1,
    severity: problem.severity === "error" ? "error" : "warn",
    rule: unparsable ? "yaml-syntax" : problem.ruleId,
    message: unparsable ? message.slice("Failed to parse: ".length) : message,
  };
}

const usage = `usage: npm run lint
  Lints openapi/ with redocly.yaml's rules (recommended + house rules); prints each problem as
  file:line:col severity rule: message. Exit 0 clean, 1 problems, 2 usage error or crash. Takes no arguments.`;

/**
 * Redocly reports syntax errors in referenced files as problems, but throws for the root document;
 * turn that throw into the same file:line form.
 */
export function rootSyntaxError(stage: string, error: unknown): SpecError | undefined {
  if (!(error instanceof YamlParseError)) return undefined;
  return new SpecError(stage, [
    {
      file: relativeToProject(error.source.absoluteRef),
      line: error.line,
      column: error.col,
      severity: "error",
      rule: "yaml-syntax",
      message: error.message,
    },
  ]);
}

/**
 * Which spec a run reads and how. Defaults: openapi/openapi.yaml, redocly.yaml loaded once per process,
 * a fresh document resolver per call. Watch passes a config loaded per run and one resolver shared by
 * lint and bundle (each file is read and parsed once per run); diff passes the root of another revision.
 */
export interface SpecSource {
  root?: string;
  config?: Config;
  resolver?: BaseResolver;
}

/** Lints the spec; resolves when it is clean, rejects with a SpecError listing every problem. */
export async function lintSpec(source: SpecSource = {}): Promise<void> {
  const config = source.config ?? (await loadRedoclyConfig());
  const problems = await lint({ ref: source.root ?? specRoot, config, externalRefResolver: source.resolver }).catch(
    (error: unknown) => {
      throw rootSyntaxError("lint", error) ?? error;
    },
  );
  const reported = problems.map(toSpecProblem);
  if (reported.length > 0) throw new SpecError("lint", reported);
}

if (isEntryPoint(import.meta.url)) {
  await runStage("lint", usage, () => timed("lint", lintSpec));
}
