#!/usr/bin/env node
// The `i3` command. Installed from the package tarball, it runs the compiled CLI (`dist/`, which
// the tarball ships) in this process; TypeScript tooling is not needed. In the workspace, when
// every package has a compiled `dist/` at least as new as its sources (after `npx nx run-many -t
// build`), it does the same: a start without transpiling. Otherwise (a fresh clone, or sources
// edited since the last build) it runs the TypeScript CLI through tsx (a workspace dev
// dependency) with the `@i3/source` export condition, so nothing needs building first.
// I3_FROM_SOURCE=1 always takes the sources (workspace only).
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentCompiledCli, isInstalled } from "./compiled.js";

const installed = isInstalled();
const compiled = process.env.I3_FROM_SOURCE && !installed ? undefined : currentCompiledCli();
if (compiled !== undefined) {
  const { main } = await import(pathToFileURL(compiled).href);
  await main(process.argv);
} else if (installed) {
  const app = fileURLToPath(new URL("..", import.meta.url));
  process.stderr.write(`i3: ${app}dist/cli/main.js is missing: this copy of @i3/experiments was packed without building it (run \`npx nx run-many -t build\` before \`npm pack\`)\n`);
  process.exit(2);
} else {
  const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
  const result = spawnSync(
    process.execPath,
    ["--conditions=@i3/source", "--import", "tsx", cli, ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}
