/**
 * An ablation sweep of BM25's k1 and b on the default collection, each run compared with the
 * base run's BM25 (paired t-test and randomization test, Holm-corrected):
 *
 *   npx nx run experiments:sweep --config=experiments/bm25-sweep.ts
 */
import { defineSweep } from "@i3/experiments";
import base from "./bm25.js";

export default defineSweep(base, {
  name: "bm25-k1-b",
  includeBase: true,
  grid: { "systems.bm25.k1": [0.6, 1.2], "systems.bm25.b": [0.75] },
});
