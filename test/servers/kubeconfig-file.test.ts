/**
 * The kubeconfig files the project writes (`npm run mock -- --tls --kubeconfig`, `npm run apiserver --
 * --kubeconfig`) hold a token, so on a shared /tmp another user must not be able to own or redirect them:
 * tools/support/private-file.ts writes mode 0600 through a fresh file renamed into place (never into an
 * existing file, never through a symlink) and removes it on exit only if it is still that file. Checked on
 * the helper, and end to end on a real mock process.
 */
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { writePrivateFile } from "../../tools/support/private-file.js";
import { startMock } from "../support/mock-process.js";

const dir = mkdtempSync(join(tmpdir(), "kubeconfig-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("writePrivateFile", () => {
  it("replaces an existing world-readable file with a 0600 one", () => {
    const path = join(dir, "existing");
    writeFileSync(path, "someone else's\n", { mode: 0o644 });
    chmodSync(path, 0o644);
    writePrivateFile(path, "secret\n");
    expect(readFileSync(path, "utf8")).toBe("secret\n");
    expect(modeOf(path)).toBe(0o600);
  });

  it("replaces a symlink instead of writing through it", () => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "unchanged\n", { mode: 0o644 });
    const path = join(dir, "link");
    symlinkSync(victim, path);
    writePrivateFile(path, "secret\n");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(modeOf(path)).toBe(0o600);
    expect(readFileSync(victim, "utf8")).toBe("unchanged\n");
  });

  it("removes the file it wrote, but not one that replaced it since", () => {
    const path = join(dir, "removed");
    writePrivateFile(path, "secret\n").remove();
    expect(() => lstatSync(path)).toThrow(/ENOENT/);

    const replaced = join(dir, "replaced");
    const written = writePrivateFile(replaced, "secret\n");
    rmSync(replaced);
    writeFileSync(replaced, "the user's own\n");
    written.remove();
    expect(readFileSync(replaced, "utf8")).toBe("the user's own\n");
  });
});

describe("npm run mock -- --tls --kubeconfig", () => {
  it("writes 0600 in place of a planted symlink, leaves the target alone, and removes the file on exit", async () => {
    const victim = join(dir, "planted-target");
    writeFileSync(victim, "unchanged\n", { mode: 0o644 });
    const path = join(dir, "mock-kubeconfig");
    symlinkSync(victim, path);
    const mock = await startMock({ tls: true, kubeconfig: path });
    try {
      expect(lstatSync(path).isSymbolicLink()).toBe(false);
      expect(modeOf(path)).toBe(0o600);
      expect(readFileSync(victim, "utf8")).toBe("unchanged\n");
      const config = parseYaml(readFileSync(path, "utf8")) as { clusters: { cluster: { server: string } }[] };
      expect(config.clusters[0]?.cluster.server).toBe(mock.url);
    } finally {
      expect(await mock.stop()).toBe(0);
    }
    expect(() => lstatSync(path)).toThrow(/ENOENT/);
    expect(mock.stderr()).toBe("");
  });
});
