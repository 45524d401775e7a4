// Run from the repository root:
//   node --conditions=@i3/source --import tsx packages/pseudoquery/examples/quickstart.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDataset } from "@i3/data";
import { generatePseudoQueries, rakeSource, readGeneratedTsv, spanSource, type GenerateProgress } from "@i3/pseudoquery";

const collection = await resolveDataset("default"); // built offline from an npm package at first use
const cacheDir = mkdtempSync(join(tmpdir(), "i3-pseudoquery-example-"));
const onProgress = (p: GenerateProgress) => console.log(`${p.source}: ${p.phase} ${p.done}`);

// RAKE keywords (Rose et al. 2010): the top 5 phrases of each passage.
const keywords = await generatePseudoQueries(collection, rakeSource({ topK: 5 }), { cacheDir, onProgress });
// Poisson(3)-length word spans, 3 per passage, seeded per (seed, pid).
const spans = await generatePseudoQueries(collection, spanSource({ k: 3, lambda: 3 }), { cacheDir, seed: 13, onProgress });

const [pid] = keywords.keys();
console.log(`${keywords.size} passages; passage ${pid}:`);
console.log(`  rake:  ${keywords.get(pid!)}`);
console.log(`  spans: ${spans.get(pid!)}`);

// The second call reads the cache (<cacheDir>/rake/generated.tsv + generated.json).
const again = await generatePseudoQueries(collection, rakeSource({ topK: 5 }), { cacheDir, onProgress });
const onDisk = await readGeneratedTsv(join(cacheDir, "rake", "generated.tsv"));
console.log(`cache hit: ${again.get(pid!) === keywords.get(pid!)}, ${onDisk.size} lines on disk`);
