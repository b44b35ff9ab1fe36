/**
 * Stage: docs.
 * Input: generated/openapi.json (the bundle written by `npm run bundle`) and redocly.yaml (Redoc options).
 * Output: build/docs/index.html — the API reference rendered by `redocly build-docs` as one
 * self-contained page: Redoc's scripts inlined, telemetry off, nothing loaded from another host, no
 * Redocly badge, JSON examples expanded four levels.
 * The page is built in a temporary folder and written only after that has been verified.
 * Exit codes: 0 written, 1 the bundle is missing or unreadable, 2 crash (Redocly failed, or the page
 * would load something from another host).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bundleJsonPath } from "./bundle.js";
import {
  commitFiles,
  docsOutput,
  isEntryPoint,
  projectRoot,
  readText,
  redoclyCli,
  redoclyConfigPath,
  redoclyEnv,
  relativeToProject,
  runStage,
  SpecError,
  timed,
  type FileSet,
} from "./common.js";

/**
 * Redoc 3 always renders an "API docs by Redocly" <img> from cdn.redoc.ly and has no option to drop it;
 * pointing it at an empty data: URL makes the image fail locally, and Redoc then hides it.
 */
const redoclyLogo = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;

/** Markup or module code that would make a browser fetch from an http(s) or protocol-relative address. */
const externalLoads: Array<[string, RegExp]> = [
  ["<script src>", /<script\b[^>]*\ssrc\s*=\s*["']?(?:https?:)?\/\//gi],
  ["<link href>", /<link\b[^>]*\shref\s*=\s*["']?(?:https?:)?\/\//gi],
  ["@import", /@import\s+(?:url\(\s*)?["']?(?:https?:)?\/\//gi],
  ["url()", /url\(\s*["']?(?:https?:)?\/\//gi],
  ["module import", /\b(?:import|from)\s*\(?\s*["'`](?:https?:)?\/\//g],
];

function bundleProblem(bundlePath: string, message: string): SpecError {
  return new SpecError("docs", [
    { file: relativeToProject(bundlePath), line: 1, column: 1, severity: "error", rule: "docs", message },
  ]);
}

/** Every place in the page that would load from another host, as `kind: excerpt`. */
export function externalReferences(html: string): string[] {
  return externalLoads.flatMap(([kind, pattern]) =>
    [...html.matchAll(pattern)].map((match) => `${kind}: ${html.slice(match.index, match.index + match[0].length + 60)}`),
  );
}

/** Replaces Redoc's logo address (see redoclyLogo); fails when Redoc no longer has it in that form. */
function dropRedoclyLogo(html: string): string {
  const found = html.match(redoclyLogo)?.length ?? 0;
  if (found !== 2) {
    throw new Error(
      `docs: expected Redoc's 2 logo addresses on cdn.redoc.ly in the page, found ${found}; Redoc changed — revisit redoclyLogo in tools/pipeline/docs.ts`,
    );
  }
  return html.replace(redoclyLogo, "data:,");
}

/** How many levels of the JSON examples Redoc shows expanded. */
export const jsonSamplesExpandLevel = 4;

/** Redoc's "API docs by Redocly" badge: a link to this address in the sidebar's footer. */
const redoclyBadgeLink = "https://redocly.com/redoc/";

/**
 * Removes the badge from what a reader sees. Redoc has no option for it, and its logo is already blanked
 * (dropRedoclyLogo), which left an empty "API docs by" pill; a style rule in the page's head hides the pill
 * (the link and the span that holds it) in the server-rendered markup and after hydration alike.
 */
function hideRedoclyBadge(html: string): string {
  if (!html.includes(`href="${redoclyBadgeLink}"`) || !html.includes("</head>")) {
    throw new Error(
      `docs: expected Redoc's badge link to ${redoclyBadgeLink} and a </head> in the page; Redoc changed — revisit hideRedoclyBadge in tools/pipeline/docs.ts`,
    );
  }
  const rule = `a[href="${redoclyBadgeLink}"], :has(> a[href="${redoclyBadgeLink}"]) { display: none !important; }`;
  return html.replace("</head>", `<style>${rule}</style></head>`);
}

function readTitle(bundlePath: string): string {
  if (!existsSync(bundlePath)) throw bundleProblem(bundlePath, "the bundle does not exist; run `npm run bundle` first");
  let document: { info?: { title?: unknown } };
  try {
    document = JSON.parse(readText(bundlePath)) as typeof document;
  } catch (error) {
    throw bundleProblem(bundlePath, `the bundle is not JSON (${(error as Error).message}); run \`npm run bundle\` again`);
  }
  const title = document.info?.title;
  if (typeof title !== "string" || title === "") throw bundleProblem(bundlePath, "the bundle has no info.title");
  return title;
}

/**
 * Runs `redocly build-docs` into a temporary folder and returns the page; Redocly's output is shown only on
 * failure. `stop` kills the child (then the AbortError rejects).
 */
async function renderWithRedocly(bundlePath: string, title: string, stop?: AbortSignal): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), "pod-patch-docs-"));
  const page = join(folder, "index.html");
  try {
    // --inlineBundle embeds Redoc's scripts (by default the page loads them from cdn.redocly.com);
    // disableTelemetry stops Redoc reporting usage from the reader's browser. Redoc's options are given
    // here: build-docs does not read them from redocly.yaml's `openapi` key.
    const args = [
      redoclyCli,
      "build-docs",
      bundlePath,
      "--config",
      redoclyConfigPath,
      "--output",
      page,
      "--title",
      title,
      "--inlineBundle",
      "--openapi.disableTelemetry=true",
      // The Pod examples nest labels in metadata and containers in spec: four levels show their entries
      // (Redoc's default, 2, shows `labels: {…}` and `containers: […]`).
      `--openapi.jsonSamplesExpandLevel=${jsonSamplesExpandLevel}`,
    ];
    await promisify(execFile)(process.execPath, args, {
      cwd: projectRoot,
      env: redoclyEnv,
      signal: stop,
    }).catch((error: Error & { stdout?: string }) => {
      if (stop?.aborted) throw error;
      // The message is "Command failed: <command>" followed by Redocly's stderr.
      throw new Error(`docs: redocly build-docs failed\n${error.message}\n${error.stdout ?? ""}`);
    });
    return readText(page);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Builds the docs page from a bundle, in memory, verified self-contained; write it with commitFiles.
 * `stop`: see renderWithRedocly.
 */
export async function buildDocs(bundlePath: string = bundleJsonPath, stop?: AbortSignal): Promise<FileSet> {
  const html = hideRedoclyBadge(dropRedoclyLogo(await renderWithRedocly(bundlePath, readTitle(bundlePath), stop)));
  const external = externalReferences(html);
  if (external.length > 0) throw new Error(`docs: the page would load from other hosts:\n${external.join("\n")}`);
  if (!html.includes('"disableTelemetry":true'))
    throw new Error("docs: Redoc's disableTelemetry option is missing from the page");
  return new Map([[docsOutput, html]]);
}

const usage = `usage: npm run docs
  Renders generated/openapi.json into build/docs/index.html, one self-contained Redoc page (nothing loaded
  from another host, telemetry off). Exit 0 written, 1 the bundle is missing or unreadable, 2 usage error
  or crash. Takes no arguments.`;

if (isEntryPoint(import.meta.url)) {
  await runStage("docs", usage, () => timed("docs", async () => commitFiles(await buildDocs())));
}
