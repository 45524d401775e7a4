import { readBeirCorpus, readBeirQueries, loadQrels } from "@i3/data";
import { buildIndex, Bm25Searcher } from "./src/index.js";
const dir = "/work/shared/datasets/scifact";
const index = await buildIndex(readBeirCorpus(`${dir}/corpus.jsonl`));
const qrels = await loadQrels(`${dir}/qrels/test.tsv`);
const queries = [];
for await (const q of readBeirQueries(`${dir}/queries.jsonl`)) if (qrels.has(q.id)) queries.push(q);
const s = new Bm25Searcher(index);
for (let r = 0; r < 4; r++) {
  let t0 = performance.now(); let tot = 0;
  for (const q of queries) tot += s.searchDocs(q.text, 1000).docs.length;
  const t1 = performance.now() - t0;
  t0 = performance.now();
  for (const q of queries) tot += s.searchDocs(q.text, 10).docs.length;
  const t2 = performance.now() - t0;
  t0 = performance.now();
  for (const q of queries) tot += s.queryTerms(q.text).length;
  console.log("k1000", t1, "k10", t2, "analyze", performance.now() - t0, tot);
}
