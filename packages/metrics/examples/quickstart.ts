import { evaluate, formatTrecEval, pairedTTest, rrf } from "@i3/metrics";
import type { Qrels, Run } from "@i3/metrics";

const qrels: Qrels = new Map([
  ["q1", new Map([["d1", 2], ["d2", 0], ["d3", 1]])],
  ["q2", new Map([["d4", 1]])],
  ["q3", new Map([["d7", 2], ["d8", 1]])],
]);
const bm25: Run = new Map([
  ["q1", new Map([["d1", 12.1], ["d2", 11.7], ["d9", 8.0]])],
  ["q2", new Map([["d5", 7.5], ["d4", 7.5]])], // tie: "d5" > "d4", so d5 ranks first
  ["q3", new Map([["d8", 3.2], ["d6", 3.0]])],
]);
const dense: Run = new Map([
  ["q1", new Map([["d3", 0.91], ["d1", 0.88]])],
  ["q2", new Map([["d4", 0.8], ["d6", 0.75]])],
  ["q3", new Map([["d7", 0.7], ["d8", 0.6]])],
]);

const measures = ["nDCG@10", "AP(rel=2)", "RR@10", "R@100"];
const base = evaluate(qrels, bm25, measures);
const fused = evaluate(qrels, rrf([bm25, dense]), measures); // RRF, k = 60
process.stdout.write(formatTrecEval(fused, { perQuery: false }));
const t = pairedTTest(base.values.get("nDCG@10")!, fused.values.get("nDCG@10")!);
export const summary = `nDCG@10 ${base.aggregate.get("nDCG@10")!.toFixed(4)} -> ${fused.aggregate.get("nDCG@10")!.toFixed(4)}, paired t p = ${t.pValue.toFixed(3)}`;
console.log(summary);
