/**
 * Where datasets live: the workspace's `datasets/` folder (found by walking up to `nx.json`),
 * overridable with `I3_DATASETS_DIR`, else `~/.cache/i3/datasets`; plus the extra read-only
 * lookup roots (`I3_DATASETS_PATH`, and `shared/datasets` beside the workspace).
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

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
 * The writable datasets folder: env `I3_DATASETS_DIR`, else `<workspace>/datasets`, else
 * `~/.cache/i3/datasets`.
 */
export function defaultDatasetsDir(cwd: string = process.cwd()): string {
  const fromEnv = process.env.I3_DATASETS_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return path.resolve(fromEnv);
  const root = findWorkspaceRoot(cwd);
  if (root !== undefined) return path.join(root, "datasets");
  return path.join(os.homedir(), ".cache", "i3", "datasets");
}

/**
 * Read-only roots searched after the datasets folder, in order: each folder of env
 * `I3_DATASETS_PATH` (colon-separated), then `shared/datasets` beside the workspace root
 * (`<workspace>/../shared/datasets`), when it exists.
 */
export function extraDatasetRoots(cwd: string = process.cwd()): string[] {
  const roots: string[] = [];
  for (const p of (process.env.I3_DATASETS_PATH ?? "").split(":")) if (p.trim() !== "") roots.push(path.resolve(p));
  const root = findWorkspaceRoot(cwd);
  if (root !== undefined) {
    const shared = path.join(path.dirname(root), "shared", "datasets");
    if (existsSync(shared)) roots.push(shared);
  }
  return roots;
}
