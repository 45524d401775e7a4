/**
 * `npm run bench [name...]`: runs every `bench/*.bench.ts` (or the named ones) in its own
 * process, one after another. Each writes `bench/out/<name>.json`. Speed never fails the run;
 * a benchmark that crashes is reported and the others still run. At the end, every figure a
 * benchmark measured beside a peer (`peerComparisons` in its JSON) is collected into
 * `bench/out/ratios.json` and printed as one table.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { collectPeerComparisons, formatPeerComparisons } from "./peer-ratios.js";

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

// Every figure measured beside a peer (in this or an earlier run's JSON), in one file and table.
const outDir = join(here, "out");
const comparisons = existsSync(outDir) ? collectPeerComparisons(outDir) : [];
if (comparisons.length > 0) {
  await writeFileAtomic(join(outDir, "ratios.json"), `${JSON.stringify({ writtenAt: new Date().toISOString(), comparisons }, null, 2)}\n`);
  console.log(`\n=== toolkit vs peers (bench/out/ratios.json)\n${formatPeerComparisons(comparisons)}`);
}
