/**
 * Atomic file writes: the data goes to a temporary file in the target's folder, is flushed to
 * disk (fsync), then renamed over the target (atomic within one file system on POSIX), so a
 * reader never sees a half-written file and a crash leaves either the old version or the new
 * one. On failure the temporary file is removed and the target is untouched. Parent folders are
 * created as needed, and temporary files that a killed writer of the same target left behind are
 * removed first (stale-temps.ts).
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { copyFile, mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { removeStaleTemps, removeStaleTempsSync, tempNameFor } from "./stale-temps.js";

/**
 * A fresh temporary path next to `path` (same folder, so the final rename is atomic): hidden,
 * `.<name>.<pid>.<8 hex>.tmp`, so a leftover names the process that wrote it.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), tempNameFor(path, "tmp", randomBytes(4).toString("hex")));
}

/** Flushes a written file to disk (`fsync`). */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to a new file at `path` (which must not exist) and flushes it to disk. */
export async function writeFileFlushed(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Synchronous {@link writeFileFlushed}. */
export function writeFileFlushedSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "wx");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with a file that `write(tempPath)` creates (streamed, copied, several
 * sections, ...): the temp file is flushed to disk and renamed over `path`; if `write` throws,
 * the temp file is removed and `path` is untouched. Returns what `write` returns.
 */
export async function replaceFileAtomic<T>(path: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  await removeStaleTemps(path);
  const temp = tempPathFor(path);
  try {
    const result = await write(temp);
    await fsyncFile(temp);
    await rename(temp, path);
    return result;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Writes `data` to `path` atomically, byte for byte (strings as UTF-8). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await replaceFileAtomic(path, (temp) => writeFile(temp, data, { flag: "wx" }));
}

/** Synchronous {@link writeFileAtomic}, for code that cannot await (e.g. the training loop's log). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  removeStaleTempsSync(path);
  const temp = tempPathFor(path);
  try {
    writeFileFlushedSync(temp, data);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Copies `from` to `to` atomically (a reader of `to` sees the old file or the whole copy). */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  await replaceFileAtomic(to, (temp) => copyFile(from, temp));
}
