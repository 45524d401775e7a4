/**
 * Where the toolkit keeps what it writes for reuse outside a run folder (datasets it downloads or
 * builds, BM25 indexes), and the one-line notice it prints the first time it writes there.
 * One setting decides the root: env `I3_CACHE_DIR`, else `~/.cache/i3`. Per-command options
 * (`--datasets-dir`, `--cache-dir`, ...) and the per-purpose variables (`I3_DATASETS_DIR`) still
 * take precedence where they exist; see the packages that use this.
 */
import os from "node:os";
import path from "node:path";

/** Env variable: the root folder of the toolkit's caches (default `~/.cache/i3`). */
export const CACHE_DIR_ENV = "I3_CACHE_DIR";

/** The value of env `I3_CACHE_DIR` resolved against the cwd, or undefined when it is unset or blank. */
export function cacheDirFromEnv(): string | undefined {
  const value = process.env[CACHE_DIR_ENV];
  return value === undefined || value.trim() === "" ? undefined : path.resolve(value);
}

/** The root folder of the toolkit's caches: env `I3_CACHE_DIR` (resolved), else `<home>/.cache/i3`. */
export function cacheRoot(): string {
  return cacheDirFromEnv() ?? path.join(os.homedir(), ".cache", "i3");
}

/** Folders already announced by this process (one notice per folder). */
const announced = new Set<string>();

/**
 * Prints `i3: writing <what> to <dir> (<how>)` to stderr the first time this process calls it for
 * `dir` (resolved); later calls for the same folder print nothing. `how` says which setting
 * chose the folder, e.g. `set --datasets-dir or I3_CACHE_DIR to change`. Returns whether it printed.
 */
export function announceCacheWrite(what: string, dir: string, how: string): boolean {
  const key = path.resolve(dir);
  if (announced.has(key)) return false;
  announced.add(key);
  process.stderr.write(`i3: writing ${what} to ${key} (${how})\n`);
  return true;
}
