/**
 * `npm run watch` as a user meets it: the real watcher runs as a child process in a project copy while
 * a schema is edited well (at once after the first build, during the warm-up passes, which give way to it
 * and finish once it is done), well again and at once badly (the good run's docs render gives way; the bad
 * run renders the good run's docs instead), badly again (a YAML error; then a property lint refuses, whose
 * types are written before lint finished and put back after), then fixed; it is stopped by its PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { copyProject, type ProjectCopy } from "../support/project-copy.js";

const schemaFile = "openapi/components/schemas/ListMeta.yaml";

/** Adds a described string property `name` to the ListMeta schema. */
function withProperty(text: string, name: string): string {
  const edited = text.replace(
    "\nproperties:\n",
    `\nproperties:\n  ${name}:\n    description: Added by the watch test.\n    type: string\n`,
  );
  if (edited === text) throw new Error(`test fixture drifted: ${schemaFile} has no top-level properties`);
  return edited;
}

/** The child's output so far, and a way to wait for the next line that matches. */
function follow(child: ChildProcess) {
  let output = "";
  let waiter: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    waiter?.();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let seen = 0;
  return {
    output: () => output,
    /** Resolves with the text from the previous match up to and including the next line matching `pattern`. */
    next(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output}`)),
          timeoutMs,
        );
        waiter = () => {
          const rest = output.slice(seen);
          const match = new RegExp(`^.*${pattern.source}.*$`, "m").exec(rest);
          if (!match) return;
          clearTimeout(timer);
          waiter = undefined;
          seen += match.index + match[0].length;
          resolve(rest.slice(0, match.index + match[0].length));
        };
        waiter();
      });
    },
  };
}

describe("npm run watch", () => {
  let project: ProjectCopy | undefined;
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
    project?.remove();
  });

  it("regenerates on a good edit (the warm-up and a docs render give way to the next), keeps the outputs on a bad one and on one only lint refuses, recovers on the fix, stops on SIGTERM", {
    timeout: 300_000,
  }, async () => {
    project = copyProject();
    const original = project.read(schemaFile);
    child = spawn(process.execPath, ["tools/pipeline/stage.mjs", "watch"], {
      cwd: project.dir,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    });
    const exited = new Promise<number | null>((resolve) => child!.on("exit", resolve));
    const lines = follow(child);
    await lines.next(/^watching /);
    await lines.next(/^build +ok /);

    // Written as soon as the first build is reported: the warm-up passes have begun, and pause after the
    // one under way (the output is in order: the pause comes before the run).
    project.write(schemaFile, withProperty(original, "watchProbe"));
    const good = await lines.next(/^build +(ok|failed) /);
    expect(good).toMatch(/^warm +paused after [0-7] of 8 passes: a change came in\n+run {7}/m);
    expect(good).toContain(`run       ${schemaFile}`);
    expect(good).toMatch(/^types +ok +\d+ ms$/m);
    expect(good).toMatch(/^generate +ok +\d+ ms$/m);
    expect(good).toMatch(/^build +ok /m);
    expect(project.read("generated/openapi.ts")).toContain("watchProbe");
    // The rest of the passes, once idle again.
    expect(await lines.next(/^warm /)).toMatch(/^warm +ok +\d+ ms, 8 passes: saves now take the warm path$/m);

    // A good edit, then a bad one while the good one's docs render: that render is dropped, the bad edit's
    // run fails, and it renders the docs of the last good outputs (the good edit's) instead.
    project.write(schemaFile, withProperty(original, "watchQuick"));
    await lines.next(/^ {2}wrote generated\/openapi\.json$/);
    const broken = original.replace("type: object\n", "type: object\n  misaligned: true\n");
    project.write(schemaFile, broken);
    const quick = await lines.next(/^build +(ok|failed) /);
    expect(quick).toMatch(/^docs +skipped: a newer change came in; a later run renders them$/m);
    expect(quick).not.toMatch(/^docs +ok /m);
    expect(quick).toMatch(/^build +ok /m);
    expect(project.read("generated/openapi.ts")).toContain("watchQuick");
    const afterGood = project.snapshotGenerated();
    const bad = await lines.next(/^build +(ok|failed) /);
    const badLine = broken.split("\n").indexOf("  misaligned: true") + 1;
    expect(bad).toContain(`${schemaFile}:${badLine}:`);
    expect(bad).toMatch(/^docs +ok +\d+ ms\n {2}wrote build\/docs\/index\.html\nbuild +failed .*kept the last good outputs/m);
    expect(project.read("build/docs/index.html")).toContain("watchQuick");
    expect(project.snapshotGenerated()).toEqual(afterGood);

    // The same bad edit again: nothing is owed now, so no docs are rendered.
    project.write(schemaFile, `${broken}\n`);
    const badAgain = await lines.next(/^build +(ok|failed) /);
    expect(badAgain).not.toMatch(/^docs /m);
    expect(badAgain).toMatch(/^build +failed .*kept the last good outputs/m);
    expect(project.snapshotGenerated()).toEqual(afterGood);

    // Valid YAML that bundles, but fails lint (house/described): the types, written before lint finished,
    // are put back, and the run ends "build failed" with lint's problem.
    project.write(schemaFile, original.replace("\nproperties:\n", "\nproperties:\n  undescribed:\n    type: string\n"));
    const lintOnly = await lines.next(/^build +(ok|failed) /);
    expect(lintOnly).toMatch(/^types +ok +\d+ ms$/m);
    expect(lintOnly).toMatch(new RegExp(`^${schemaFile}:\\d+:\\d+ error house/described: `, "m"));
    expect(lintOnly).toMatch(/^ {2}put back generated\/openapi\.ts: the types of the last good run$/m);
    expect(lintOnly).toMatch(/^build +failed .*kept the last good outputs/m);
    expect(project.snapshotGenerated()).toEqual(afterGood);

    project.write(schemaFile, withProperty(original, "watchFixed"));
    const fixed = await lines.next(/^build +(ok|failed) /);
    expect(fixed).toMatch(/^build +ok /m);
    const types = project.read("generated/openapi.ts");
    expect(types).toContain("watchFixed");
    expect(types).not.toContain("watchProbe");

    process.kill(child.pid!, "SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.output()).toMatch(/^watch +stopped$/m);
  });
});
