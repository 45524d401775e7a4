#!/usr/bin/env node
// The `i3` command. Runs the TypeScript CLI through tsx with the `@i3/source` export condition,
// so the workspace packages are used from source and nothing needs building first.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const result = spawnSync(
  process.execPath,
  ["--conditions=@i3/source", "--import", "tsx", cli, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);
