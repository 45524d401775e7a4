#!/usr/bin/env node
// The `i3` command. When every workspace package has a compiled `dist/` at least as new as its
// sources (after `npx nx run-many -t build`), it runs the compiled CLI in this process: a start
// without transpiling. Otherwise (a fresh clone, or sources edited since the last build) it runs
// the TypeScript CLI through tsx with the `@i3/source` export condition, so the workspace packages
// are used from source and nothing needs building first. I3_FROM_SOURCE=1 always takes the sources.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentCompiledCli } from "./compiled.js";

const compiled = process.env.I3_FROM_SOURCE ? undefined : currentCompiledCli();
if (compiled !== undefined) {
  const { main } = await import(pathToFileURL(compiled).href);
  await main(process.argv);
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
