/**
 * BM25's k1 × b on a 3 × 3 grid on the default collection, each point compared with the base run's
 * BM25 (k1 = 0.9, b = 0.4; paired t-test and randomization test, Holm-corrected); the report draws
 * nDCG@10 over the grid as a heatmap:
 *
 *   npx i3 sweep experiments/bm25-grid.ts
 */
import { defineSweep } from "@i3/experiments";
import base from "./bm25.js";

export default defineSweep(base, {
  name: "bm25-grid",
  includeBase: true,
  grid: { "systems.bm25.k1": [0.6, 0.9, 1.2], "systems.bm25.b": [0.4, 0.75, 1] },
});
