import { readBeirCorpus, readBeirQueries, loadQrels } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { buildIndex, bm25Run } from "./src/index.js";
const dir = "/work/shared/datasets/scifact";
let t0 = performance.now();
const index = await buildIndex(readBeirCorpus(`${dir}/corpus.jsonl`));
console.log("index ms", performance.now() - t0, index.docIds.length, index.terms.length, index.postingDocs.length, index.sumTotalTermFreq, index.docCount);
const qrels = await loadQrels(`${dir}/qrels/test.tsv`);
const queries = [];
for await (const q of readBeirQueries(`${dir}/queries.jsonl`)) if (qrels.has(q.id)) queries.push(q);
for (let r = 0; r < 3; r++) {
t0 = performance.now();
const run = bm25Run(index, queries, { k: 1000 });
console.log("search ms", performance.now() - t0, queries.length);
console.log(evaluate(qrels, run, ["nDCG@10", "R@100"]).aggregate);
}
