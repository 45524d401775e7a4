/**
 * `npm run bench [name...]`: runs every `bench/*.bench.ts` (or the named ones) in its own
 * process, one after another. Each writes `bench/out/<name>.json`. Speed never fails the run;
 * a benchmark that crashes is reported and the others still run.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const names = wanted.length > 0 ? wanted : all;
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${all.join(", ")}`);
  process.exit(2);
}
const crashed: string[] = [];
for (const name of names) {
  console.log(`\n=== bench: ${name}`);
  const r = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", join(here, `${name}.bench.ts`)], {
    stdio: "inherit",
  });
  if (r.status !== 0) crashed.push(name);
}
if (crashed.length > 0) console.error(`\nbenchmarks that crashed: ${crashed.join(", ")}`);
