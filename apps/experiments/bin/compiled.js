// Which code the `i3` command runs. Installed from a tarball (the app sits in a `node_modules`
// folder): always the compiled `dist/cli/main.js` the tarball ships. In the workspace: the
// compiled CLI when every workspace package has a `dist/index.js` at least as new as each file
// of its `src/` (after `npx nx run-many -t build`), else the sources through tsx (a fresh
// clone, or sources edited since the last build).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** This app's folder (apps/experiments, or node_modules/@i3/experiments once installed). */
const thisApp = fileURLToPath(new URL("..", import.meta.url));

/** The newest modification time (ms) of the files below `dir`. */
function newestFile(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when `app` is an installed copy: one of its parent folders is a `node_modules` folder. */
export function isInstalled(app = thisApp) {
  return app.split(sep).includes("node_modules");
}

/**
 * The compiled CLI's path when it and every package it uses are built from the current sources,
 * else undefined. `app` is the experiments app's folder (the workspace is two levels up).
 * An installed copy has no workspace: its `dist/cli/main.js`, when present, is current.
 */
export function currentCompiledCli(app = thisApp) {
  const cli = join(app, "dist", "cli", "main.js");
  if (!existsSync(cli)) return undefined;
  if (isInstalled(app)) return cli;
  const workspace = join(app, "..", "..");
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
