/**
 * Where datasets live, and nothing else: the writable datasets folder (option `datasetsDir` /
 * CLI `--datasets-dir`, else env `I3_DATASETS_DIR`, else `$I3_CACHE_DIR/datasets`, else the
 * workspace's `datasets/` folder, else `~/.cache/i3/datasets`) and the extra read-only folders of
 * env `I3_DATASETS_PATH`. No other place is searched: a collection kept elsewhere is named by one
 * of these, or as `local:<dir>`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR_ENV, cacheDirFromEnv, cacheRoot } from "@i3/core";

/** Env variable: the writable datasets folder (downloads and the built default collection go here). */
export const DATASETS_DIR_ENV = "I3_DATASETS_DIR";

/** Env variable: extra read-only folders searched for `beir/<name>` and `msmarco-passage` (`path.delimiter`-separated). */
export const DATASETS_PATH_ENV = "I3_DATASETS_PATH";

/** The nearest folder at or above `from` that holds `nx.json`, or undefined. */
export function findWorkspaceRoot(from: string = process.cwd()): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "nx.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The writable datasets folder: env `I3_DATASETS_DIR`, else `$I3_CACHE_DIR/datasets` (explicit
 * settings first), else `<workspace>/datasets` (the workspace: the nearest folder at or above
 * `cwd` holding `nx.json`), else `~/.cache/i3/datasets`.
 */
export function defaultDatasetsDir(cwd: string = process.cwd()): string {
  const fromEnv = process.env[DATASETS_DIR_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return path.resolve(fromEnv);
  const cacheDir = cacheDirFromEnv();
  if (cacheDir !== undefined) return path.join(cacheDir, "datasets");
  const root = findWorkspaceRoot(cwd);
  if (root !== undefined) return path.join(root, "datasets");
  return path.join(cacheRoot(), "datasets");
}

/** The first-write notice's hint on moving the datasets folder (see `announceCacheWrite` of `@i3/core`). */
export const DATASETS_DIR_HINT = `set --datasets-dir, ${DATASETS_DIR_ENV} or ${CACHE_DIR_ENV} to change`;

/** How the datasets folder is chosen, for messages: the settings in order of precedence. */
export const DATASETS_DIR_SETTINGS =
  `--datasets-dir, else env ${DATASETS_DIR_ENV}, else $${CACHE_DIR_ENV}/datasets, else the workspace's datasets/, else ~/.cache/i3/datasets`;

/**
 * The read-only roots searched after the datasets folder: the folders of env `I3_DATASETS_PATH`
 * (separated by `:`, `;` on Windows), in order, resolved against the cwd. Empty when it is unset.
 */
export function extraDatasetRoots(): string[] {
  const roots: string[] = [];
  for (const p of (process.env[DATASETS_PATH_ENV] ?? "").split(path.delimiter)) if (p.trim() !== "") roots.push(path.resolve(p));
  return roots;
}
