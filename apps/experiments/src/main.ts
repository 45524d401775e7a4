/**
 * The README's main job (`npm start`): on the embedded default collection, build the collection
 * (first use only), run BM25 for the test split, evaluate with trec_eval-exact measures, write the
 * run and its metrics under `runs/main/`, and print the comparison table. Neural systems (the
 * dual-encoder, then I3) join this table as their issues land; the experiment runner issue
 * replaces this script with `experiments/default.ts`.
 */
import { join } from "node:path";
import * as aq from "arquero";
import { defaultDatasetsDir, resolveDataset, writeFileAtomic, writeTrecRun } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { runBm25OnCollection } from "@i3/search";
import { bm25IndexDir } from "./cli/bm25-command.js";
import { DEFAULT_EVAL_MEASURES } from "./cli/eval-command.js";

const split = "test";
const started = Date.now();
const log = (message: string) => process.stderr.write(`[main ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

const datasetsDir = defaultDatasetsDir();
log(`resolving the embedded default collection under ${datasetsDir}`);
const collection = await resolveDataset("default", { datasetsDir });
const qrels = await collection.qrels(split);
log(`collection ${collection.name} at ${collection.dir}: ${qrels.size} ${split} queries`);

log("BM25 (k1=0.9, b=0.4, Anserini English analyzer): indexing and searching");
const run = await runBm25OnCollection(collection, split, { k: 1000, indexDir: bm25IndexDir(datasetsDir, collection.name) });
const outDir = join("runs", "main");
await writeTrecRun(join(outDir, `bm25-${split}.trec`), run, { tag: "bm25" });

const systems = [{ system: "BM25", backend: "n/a (no tensors)", run }];
const rows = systems.map(({ system, backend, run }) => {
  const result = evaluate(qrels, run, [...DEFAULT_EVAL_MEASURES]);
  return { system, backend, ...Object.fromEntries([...result.aggregate].map(([m, v]) => [m, Number(v.toFixed(4))])) };
});
await writeFileAtomic(join(outDir, "metrics.json"), `${JSON.stringify({ collection: collection.name, split, rows }, null, 2)}\n`);
log(`wrote ${outDir}/bm25-${split}.trec and ${outDir}/metrics.json`);

process.stdout.write(`\nEmbedded default collection, ${split} split (${qrels.size} queries)\n\n`);
process.stdout.write(`${aq.from(rows).toMarkdown()}\n`);
