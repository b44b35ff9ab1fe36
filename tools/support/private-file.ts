/**
 * Writing a file only its owner can read (a kubeconfig with a token, say) where other users may also
 * write, such as a shared /tmp: another user can pre-create the path (its mode and ownership would stay,
 * and the token would land in their file) or plant a symlink there (writing through it would overwrite
 * its target).
 *
 * Input: `writePrivateFile(path, content)`. The content goes to a fresh file created exclusively next to
 * the target with mode 0600 (so never into an existing file or through a symlink) and is then renamed
 * over the target, replacing whatever directory entry had that name. Output: `{ remove() }`, which deletes
 * the file when the program is done with it, only if the path still holds the file written here (same
 * device, inode and change time, since a new file may reuse a freed inode): a file someone put there since
 * is theirs. Throws when the directory is not writable.
 * Used by the mock's --kubeconfig (tools/servers/mock.ts) and the control plane's (tools/apiserver/control-plane.ts).
 */
import { randomBytes } from "node:crypto";
import { closeSync, lstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface PrivateFile {
  /** Deletes the file if the path still holds the one written; never throws. */
  remove(): void;
}

/** What tells this file from one put at the same path later. */
function identity(path: string): string {
  const stats = lstatSync(path, { bigint: true });
  return `${stats.dev}:${stats.ino}:${stats.ctimeNs}`;
}

export function writePrivateFile(path: string, content: string): PrivateFile {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}`);
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const written = identity(path);
  return {
    remove() {
      try {
        if (identity(path) === written) rmSync(path, { force: true });
      } catch {
        // Already gone, or the directory went away: nothing of ours is left to remove.
      }
    },
  };
}
