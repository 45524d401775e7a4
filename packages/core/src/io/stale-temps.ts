/**
 * Cleaning up after killed writers. An atomic write goes through a temporary file (or folder)
 * beside its target, named `.<target name>.<pid>.<hex>.tmp` (and `.old` while a folder is being
 * replaced); a process killed mid-write (`kill -9`, power loss) leaves it behind. The next write
 * of the same target removes those whose process no longer exists, so litter lives at most until
 * that target is written again. Temps of a live process (a concurrent writer) are left alone.
 */
import { readdirSync, rmSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The name of a temporary file or folder for `target`, unique to this process and `unique`. */
export function tempNameFor(target: string, suffix: "tmp" | "old", unique: string): string {
  return `.${basename(target)}.${process.pid}.${unique}.${suffix}`;
}

/** True when a process with this id exists (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

/** The names in `names` that are temps of `target` left by a process that no longer exists. */
function staleNames(target: string, names: readonly string[]): string[] {
  const prefix = `.${basename(target)}.`;
  return names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const match = /^(\d+)\.[0-9a-f]+\.(tmp|old)$/.exec(name.slice(prefix.length));
    if (match === null) return false;
    const pid = Number(match[1]);
    return pid !== process.pid && !processAlive(pid);
  });
}

/**
 * Removes the temporary files and folders that writers of `target` left beside it when they
 * died (see the module comment); returns the removed paths. A missing folder is not an error.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of staleNames(target, names)) {
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/** Synchronous {@link removeStaleTemps}. */
export function removeStaleTempsSync(target: string): string[] {
  const dir = dirname(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of staleNames(target, names)) {
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}
