/**
 * Atomic file and directory writes: write a temporary sibling, flush it to disk, then
 * `rename` it into place (atomic within one file system on POSIX), so a reader never sees a
 * half-written file and a crash leaves either the old version or the new one.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A unique temporary sibling path of `path` (same directory, hidden, pid-tagged). */
export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${counter++}`);
}

/** Writes `data` to a new file at `path` and flushes it to disk (`fsync`). */
export function writeFileSynced(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `path` atomically (temp file, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempSibling(path);
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Moves a fully written temporary directory to `path`. If `path` exists it is first moved
 * aside and deleted after the swap (a crash in between leaves the old copy under a temp name).
 */
export function commitDirAtomic(tmpDir: string, path: string): void {
  if (!existsSync(path)) {
    renameSync(tmpDir, path);
    return;
  }
  const old = tempSibling(path);
  renameSync(path, old);
  renameSync(tmpDir, path);
  rmSync(old, { recursive: true, force: true });
}
