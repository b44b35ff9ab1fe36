/**
 * The documentation's samples work: every fenced block of README.md and docs/*.md (decision records
 * aside) is checked, so a renamed export, a dropped flag or a moved file breaks a test, not a reader.
 * - TypeScript blocks (```ts) — and the TypeScript code sample of the PATCH in the spec (x-codeSamples) —
 *   are type-checked together, as modules that import "pod-patch-contract" (and its ./openapi and ./openapi-fetch subpaths) from the package's sources,
 *   with the project's compiler options.
 * - Shell blocks (```sh): every `npm run <script>` names a script of package.json, and every flag given to
 *   it is one its `--help` lists. A block preceded by `<!-- sample: run -->` is run with `sh -e` in the
 *   project and must exit 0 (only blocks that write nothing in the project are marked).
 * - Every relative link points at a file of the repository.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../tools/pipeline/common.js";
import { readBundle } from "../../tools/pipeline/generate.js";

interface Sample {
  /** page:line of the opening fence, for messages. */
  where: string;
  lang: string;
  code: string;
  run: boolean;
}

const pages = [
  "README.md",
  ...readdirSync(join(projectRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];
const texts = new Map(pages.map((page) => [page, readFileSync(join(projectRoot, page), "utf8")]));

function samplesOf(page: string, text: string): Sample[] {
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const line = text.slice(0, match.index).split("\n").length;
    const before = text.slice(0, match.index).trimEnd();
    samples.push({
      where: `${page}:${line}`,
      lang: match[1] ?? "",
      code: match[2] ?? "",
      run: before.endsWith("<!-- sample: run -->"),
    });
  }
  return samples;
}

const samples = [...texts].flatMap(([page, text]) => samplesOf(page, text));
const scripts = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;

describe("TypeScript samples", () => {
  const folder = join(projectRoot, "node_modules", ".cache", `doc-samples-${process.pid}`);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("type-check against the package's sources (README, docs/*.md and the spec's x-codeSamples)", () => {
    const typescript = samples.filter((sample) => sample.lang === "ts" || sample.lang === "typescript");
    const operation = (readBundle().document as { paths: Record<string, { patch?: Record<string, unknown> }> }).paths[
      "/api/v1/namespaces/{namespace}/pods/{name}"
    ]?.patch;
    const codeSamples = (operation?.["x-codeSamples"] ?? []) as Array<{ lang: string; source: string }>;
    const fromSpec = codeSamples
      .filter((sample) => sample.lang === "TypeScript")
      .map((sample) => ({ where: "openapi x-codeSamples (TypeScript)", lang: "ts", code: sample.source, run: false }));
    expect(typescript.length, "too few TypeScript samples found: is the fence parser broken?").toBeGreaterThanOrEqual(3);
    expect(fromSpec, "the PATCH has no TypeScript x-codeSample").toHaveLength(1);

    mkdirSync(folder, { recursive: true });
    const files = new Map<string, string>();
    for (const [index, sample] of [...typescript, ...fromSpec].entries()) {
      const file = `sample-${index}.ts`;
      // A sample without import or export would be a script; top-level await needs a module.
      const module = /^\s*(import|export)\s/m.test(sample.code) ? sample.code : `${sample.code}\nexport {};\n`;
      writeFileSync(join(folder, file), module);
      files.set(file, sample.where);
    }
    writeFileSync(
      join(folder, "tsconfig.json"),
      JSON.stringify({
        extends: relative(folder, join(projectRoot, "tsconfig.json")),
        compilerOptions: {
          paths: {
            "pod-patch-contract": [relative(folder, join(projectRoot, "src", "index.ts"))],
            "pod-patch-contract/openapi": [relative(folder, join(projectRoot, "src", "openapi.ts"))],
            "pod-patch-contract/openapi-fetch": [relative(folder, join(projectRoot, "src", "openapi-fetch.ts"))],
          },
        },
        include: ["*.ts"],
        exclude: [],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", folder], {
      encoding: "utf8",
      timeout: 120_000,
    });
    // Errors name the sample file; say which page and fence it came from.
    const report = `${tsc.stdout}${tsc.stderr}`.replace(/sample-\d+\.ts/g, (file) => `${file} (${files.get(file)})`);
    expect(tsc.status, report).toBe(0);
  }, 120_000);
});

describe("shell samples", () => {
  const shell = samples.filter((sample) => sample.lang === "sh");
  const usages = new Map<string, string>();
  const usageOf = (script: string): string => {
    if (!usages.has(script)) {
      const help = spawnSync("sh", ["-c", `${scripts[script]} --help`], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, PATH: `${join(projectRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}` },
        timeout: 60_000,
      });
      usages.set(script, help.stdout);
    }
    return usages.get(script) ?? "";
  };

  it("name existing npm scripts, with flags their --help lists", () => {
    const problems: string[] = [];
    for (const sample of shell) {
      for (const command of sample.code.matchAll(/\bnpm (?:run(?:-script)?(?: --?[\w-]+)* ([\w:-]+)|(test)\b)([^\n#|&;]*)/g)) {
        const script = command[1] ?? command[2] ?? "";
        if (scripts[script] === undefined) {
          problems.push(`${sample.where}: npm run ${script}: no such script`);
          continue;
        }
        const args = (command[3] ?? "").split(/\s+/);
        const afterDashes = args.indexOf("--");
        // --help is every script's (test/cli/scripts.test.ts); the others must be in its usage.
        const flags =
          afterDashes < 0 ? [] : args.slice(afterDashes + 1).filter((arg) => /^--[\w-]+/.test(arg) && arg !== "--help");
        for (const flag of flags) {
          const name = flag.replace(/=.*$/, "");
          if (!usageOf(script).includes(name)) problems.push(`${sample.where}: npm run ${script}: ${name} is not in its --help`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  const runnable = shell.filter((sample) => sample.run);
  it.each(runnable.map((sample) => [sample.where, sample] as const))(
    "%s runs and exits 0",
    (_where, sample) => {
      const result = spawnSync("sh", ["-e", "-c", sample.code], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, npm_config_update_notifier: "false" },
        timeout: 120_000,
      });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    },
    120_000,
  );
});

it("relative links point at files of the repository", () => {
  const broken: string[] = [];
  for (const [page, text] of texts) {
    for (const link of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = link[1] ?? "";
      if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      const path = join(projectRoot, dirname(page), target.replace(/#.*$/, ""));
      if (!existsSync(path)) broken.push(`${page}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
