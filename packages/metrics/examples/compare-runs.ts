import { combMnz, compareRuns, rrf } from "@i3/metrics";
import type { Qrels, Run } from "@i3/metrics";

const qrels: Qrels = new Map([
  ["q1", new Map([["d1", 2], ["d3", 1]])],
  ["q2", new Map([["d4", 1]])],
  ["q3", new Map([["d7", 2], ["d8", 1]])],
  ["q4", new Map([["d2", 1]])],
]);
const bm25: Run = new Map([
  ["q1", new Map([["d9", 12.1], ["d1", 11.7], ["d3", 8.0]])],
  ["q2", new Map([["d5", 7.5], ["d4", 7.1]])],
  ["q3", new Map([["d6", 3.2], ["d8", 3.0], ["d7", 2.2]])],
  ["q4", new Map([["d2", 5.0]])],
]);
const dense: Run = new Map([
  ["q1", new Map([["d1", 0.91], ["d3", 0.88]])],
  ["q2", new Map([["d4", 0.8], ["d6", 0.75]])],
  ["q3", new Map([["d7", 0.7], ["d8", 0.6]])],
  ["q4", new Map([["d5", 0.9], ["d2", 0.4]])],
]);

const comparison = compareRuns(
  qrels,
  { bm25, dense, rrf: rrf([bm25, dense]), combmnz: combMnz([bm25, dense], { normalization: "min-max" }) },
  ["nDCG@10", "RR@10"],
  { baseline: "bm25", allQueries: true },
);
console.log(comparison.toMarkdown()); // or { layout: "wide" }; toLatex(), toHtml()
export const table = comparison.table; // arquero: one row per system and measure
