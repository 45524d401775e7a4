// Evaluate a run exactly as trec_eval does, test it against a baseline, and fuse the two.
// Run from the repository root: node --conditions=@i3/source --import tsx examples/evaluate-run.ts
import { evaluate, formatTrecEval, pairedTTest, randomizationTest, rrf } from "@i3/metrics";
import { resolveDataset } from "@i3/data";
import { bm25Run, buildIndex } from "@i3/search";

const collection = await resolveDataset("default"); // built offline on first use
const qrels = await collection.qrels("test");
const queries = await collection.queries("test");
const index = await buildIndex(collection.corpus());
const strong = bm25Run(index, queries, { k: 100 }); // k1 = 0.9, b = 0.4
const weak = bm25Run(index, queries, { k: 100, k1: 0.3, b: 0.9 });

const measures = ["nDCG@10", "RR@10", "R@100"];
const a = evaluate(qrels, strong, measures);
const b = evaluate(qrels, weak, measures);
process.stdout.write(formatTrecEval(a, { perQuery: false }));
const t = pairedTTest(a.values.get("nDCG@10")!, b.values.get("nDCG@10")!);
const r = randomizationTest(a.values.get("nDCG@10")!, b.values.get("nDCG@10")!, { seed: 1 });
console.log(`nDCG@10 BM25 vs weak BM25: t-test p=${t.pValue.toFixed(4)}, randomization p=${r.pValue.toFixed(4)}`);
console.log(`RRF of both: nDCG@10 ${evaluate(qrels, rrf([strong, weak]), ["nDCG@10"]).aggregate.get("nDCG@10")!.toFixed(4)}`);
