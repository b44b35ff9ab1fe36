/**
 * The docs stage end to end: runs it as `npm run docs` does (`node tools/pipeline/stage.mjs docs`), serves
 * build/docs/index.html from 127.0.0.1, renders it in headless Chromium with every request to another
 * host blocked and recorded, and checks what a reader sees (after Redoc has rendered) against
 * generated/openapi.json.
 * Without Chromium the browser tests are skipped with the reason in their name, and fail instead under
 * POD_PATCH_FORBID_SKIPS=1 (test/support/skips.ts).
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsOutput, projectRoot, readText, SpecError } from "../../tools/pipeline/common.js";
import { buildDocs, externalReferences } from "../../tools/pipeline/docs.js";
import { describeOperation, readBundle } from "../../tools/pipeline/generate.js";
import { chromiumMissing, launchChromium, type Chromium } from "../support/chromium.js";
import { describeNeeding } from "../support/skips.js";

const operationPath = "/api/v1/namespaces/{namespace}/pods/{name}";
const operationSummary = "Update a specified Pod";
const bundle = readBundle().document as { info: { title: string } };
const { mediaTypes, statusCodes } = describeOperation(bundle);

let stage: { stdout: string; stderr: string };

beforeAll(async () => {
  stage = await promisify(execFile)(process.execPath, ["tools/pipeline/stage.mjs", "docs"], { cwd: projectRoot });
});

describe("docs stage", () => {
  it("writes build/docs/index.html (or finds it unchanged) and prints only that and its timing", () => {
    expect(stage.stderr).toBe("");
    const lines = stage.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    // Unchanged when an earlier run rendered the same page (commitFiles keeps it and its mtime).
    expect(lines[0]).toMatch(/^ {2}(wrote|unchanged) build\/docs\/index\.html$/);
    expect(lines[1]).toMatch(/^docs\s+ok\s+\d+ ms$/);
    expect(externalReferences(readText(docsOutput))).toEqual([]);
  });

  it("refuses a missing bundle with a spec error that says to run the bundle stage", async () => {
    const error = await buildDocs(join(tmpdir(), "no-such-folder", "openapi.json")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).message).toContain("run `npm run bundle` first");
  });

  it("finds every kind of load from another host, and none of the local ones", () => {
    const external = [
      '<script type="module" src="https://cdn.example.com/redoc.js"></script>',
      "<script src=//cdn.example.com/redoc.js></script>",
      '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
      "@import url('//fonts.googleapis.com/css');",
      '@import "https://example.com/theme.css";',
      "body { background: url(https://example.com/a.png) }",
      'import { hydrate } from "https://cdn.example.com/redoc.js";',
      'await import("//cdn.example.com/redoc.js")',
    ];
    for (const snippet of external) expect(externalReferences(snippet), snippet).not.toEqual([]);
    const local = '<script src="app.js"></script><link href="#top"> url(#clip0) url(data:,) <a href="https://redocly.com">';
    expect(externalReferences(local)).toEqual([]);
  });
});

/** For expect.poll on what Redoc renders: as long as Playwright's own timeout here, not vitest's 1 s. */
const rendered = { timeout: 10_000 };

describeNeeding("docs page rendered in Chromium", chromiumMissing, () => {
  let chromium: Chromium | undefined;
  let server: Server | undefined;
  let page: Page;
  let operation: Locator;
  const otherHosts: string[] = [];

  beforeAll(async () => {
    chromium = await launchChromium();
    const html = readText(docsOutput);
    const listening = createServer((request, response) => {
      if (request.url === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
      else response.writeHead(404).end();
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    await chromium.context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).hostname === "127.0.0.1") return route.continue();
      otherHosts.push(url);
      return route.abort("blockedbyclient");
    });
    page = await chromium.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    await chromium?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("shows the operation, under the spec's title", async () => {
    expect(await page.title()).toBe(bundle.info.title);
    await page.getByRole("link").filter({ hasText: operationPath }).first().click();
    await page.waitForURL(/#\/.+/);
    // Redoc routes to an operation by #/<id> and renders it in the element with that id; the heading can
    // exist a moment before its text does on a busy machine, so poll.
    operation = page.locator(`[id="${new URL(page.url()).hash.slice(2)}"]`);
    await expect.poll(() => operation.getByRole("heading", { level: 2 }).first().innerText(), rendered).toBe(operationSummary);
    await expect.poll(() => operation.getByText(operationPath, { exact: true }).first().isVisible(), rendered).toBe(true);
  });

  it("offers every request media type of the spec", async () => {
    const selector = operation.locator("[id$='/request/body'] button[aria-haspopup='menu']");
    await selector.click();
    await expect.poll(() => page.getByRole("menuitem").allInnerTexts(), rendered).toEqual(mediaTypes);
    for (const [index, mediaType] of mediaTypes.entries()) {
      if (index > 0) await selector.click();
      await page.getByRole("menuitem", { name: mediaType, exact: true }).click();
      await expect.poll(() => selector.innerText(), rendered).toBe(mediaType);
    }
  });

  it("lists every response status code of the spec", async () => {
    const tablist = operation.getByRole("tablist", { name: "Response status" });
    await expect.poll(() => tablist.getByRole("tab").allInnerTexts(), rendered).toEqual(statusCodes.map(String));
    for (const code of statusCodes) {
      const tab = tablist.getByRole("tab", { name: String(code), exact: true });
      await tab.click();
      await expect.poll(() => tab.getAttribute("aria-selected"), rendered).toBe("true");
    }
  });

  it("offers the spec's code samples for the PATCH: curl and the TypeScript client", async () => {
    const languages = operation.locator("button[aria-haspopup='menu']").filter({ hasText: /^curl$/ });
    await expect.poll(() => operation.locator("pre").first().innerText(), rendered).toContain("curl --cacert ca.crt -X PATCH");
    await languages.click();
    await expect.poll(() => page.getByRole("menuitem").allInnerTexts(), rendered).toEqual(["curl", "Node.js", "Payload"]);
    await page.getByRole("menuitem", { name: "Node.js", exact: true }).click();
    await expect.poll(() => operation.locator("pre").first().innerText(), rendered).toContain("createPodPatchClient");
  });

  it("expands the examples far enough to show labels and containers", async () => {
    await operation.getByRole("tablist", { name: "Response status" }).getByRole("tab", { name: "200", exact: true }).click();
    const samples = async () => (await operation.locator("pre").allInnerTexts()).join("\n");
    await expect.poll(samples, rendered).toMatch(/"labels": \{\s*"app": "web"/);
    await expect.poll(samples, rendered).toMatch(/"containers": \[\s*\{\s*"name": "[^"]+"/);
  });

  it("shows no Redocly badge and no literal Markdown outside code", async () => {
    // The server variables are folded; unfold them so their descriptions are checked too.
    for (let left = 5; left > 0 && (await page.getByText(/^Show \d+ variables?$/).count()) > 0; left--) {
      await page
        .getByText(/^Show \d+ variables?$/)
        .first()
        .click();
    }
    expect(await page.getByText("API docs by").filter({ visible: true }).count()).toBe(0);
    expect(await page.locator('a[href^="https://redocly.com"]').filter({ visible: true }).count()).toBe(0);
    const literal = await page.evaluate(() => {
      const found: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (node.parentElement?.closest("pre, code, script, style, textarea") != null) continue;
        const text = node.textContent ?? "";
        // Backticks, bold, a link's `](target` or a heading's `#`: Markdown a reader should not see as such.
        if (/`|\*\*|\]\((?:https?:|\.{0,2}\/|#)|^#{1,6} /.test(text)) found.push(text.slice(0, 160));
      }
      return found;
    });
    expect(literal).toEqual([]);
  });

  it("attempted no request to any host but 127.0.0.1", async () => {
    await page.waitForLoadState("networkidle");
    expect(otherHosts).toEqual([]);
  });
});
