/**
 * Atomic folder writes: everything goes into a fresh temporary sibling folder, which is renamed
 * into place once complete, so a reader never sees a half-written folder (index, checkpoint,
 * collection). An existing target is moved aside first and deleted after the swap (restored if
 * the swap fails; a crash in between leaves the old copy under a hidden `.old` name, removed by
 * the next write of the same target, as are temp folders of killed writers: stale-temps.ts).
 * Files inside are flushed by the caller if it needs them durable (`writeFileFlushed`, `fsyncFile`).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { removeStaleTemps, removeStaleTempsSync, tempNameFor } from "./stale-temps.js";

/** What to do when the target folder already exists. */
export interface WriteDirOptions {
  /**
   * `true` (default): replace it. `false`: keep it and fail with rename's own error (`ENOTEMPTY`
   * or `EEXIST`), so concurrent writers of the same content can let the first one win.
   */
  readonly replace?: boolean;
}

/** The temp and set-aside names of one write of `target`. */
function siblings(target: string): { temp: string; old: string } {
  const unique = randomBytes(4).toString("hex");
  return { temp: join(dirname(target), tempNameFor(target, "tmp", unique)), old: join(dirname(target), tempNameFor(target, "old", unique)) };
}

/**
 * Runs `fill(tempDir)` on a fresh empty sibling folder of `dir`, then moves it to `dir`
 * atomically; on failure the temp folder is removed. Returns what `fill` returns.
 */
export async function writeDirAtomic<T>(dir: string, fill: (tempDir: string) => Promise<T>, options: WriteDirOptions = {}): Promise<T> {
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  await removeStaleTemps(target);
  const { temp, old } = siblings(target);
  await mkdir(temp);
  try {
    const result = await fill(temp);
    if (options.replace === false) {
      await rename(temp, target);
      return result;
    }
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) await rename(target, old);
    try {
      await rename(temp, target);
    } catch (err) {
      if (exists) await rename(old, target);
      throw err;
    }
    if (exists) await rm(old, { recursive: true, force: true });
    return result;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

/** Synchronous {@link writeDirAtomic} (always replaces), for code that cannot await (training checkpoints). */
export function writeDirAtomicSync<T>(dir: string, fill: (tempDir: string) => T): T {
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  removeStaleTempsSync(target);
  const { temp, old } = siblings(target);
  mkdirSync(temp);
  try {
    const result = fill(temp);
    const exists = existsSync(target);
    if (exists) renameSync(target, old);
    try {
      renameSync(temp, target);
    } catch (err) {
      if (exists) renameSync(old, target);
      throw err;
    }
    if (exists) rmSync(old, { recursive: true, force: true });
    return result;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
