// Whether the `i3` command can run its compiled JavaScript: the path of `dist/cli/main.js` when
// every workspace package has a `dist/index.js` at least as new as each file of its `src/`
// (after `npx nx run-many -t build`), else undefined (a fresh clone, or sources edited since).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** This app's folder (apps/experiments). */
const thisApp = fileURLToPath(new URL("..", import.meta.url));

/** The newest modification time (ms) of the files below `dir`. */
function newestFile(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The compiled CLI's path when it and every package it uses are built from the current sources,
 * else undefined. `app` is the experiments app's folder (the workspace is two levels up).
 */
export function currentCompiledCli(app = thisApp) {
  const workspace = join(app, "..", "..");
  const cli = join(app, "dist", "cli", "main.js");
  if (!existsSync(cli)) return undefined;
  const roots = ["packages", "apps"].flatMap((group) => {
    const dir = join(workspace, group);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
  });
  const current = roots
    .filter((root) => existsSync(join(root, "src")))
    .every((root) => {
      const built = join(root, "dist", "index.js");
      return existsSync(built) && statSync(built).mtimeMs >= newestFile(join(root, "src"));
    });
  return current ? cli : undefined;
}
