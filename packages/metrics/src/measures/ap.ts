/**
 * Average precision, AP and AP@k (trec_eval `map`, `map_cut.k`; Buckley & Voorhees,
 * "Retrieval System Evaluation", TREC book ch. 3, 2005). Source: trec_eval 9.0.x `m_map.c`,
 * `m_map_cut.c`.
 *
 * AP@k = (1/R) * sum over relevant d at rank i <= k of (relevant in top i)/i, where R = all judged
 * documents with grade >= level (retrieved or not). The divisor is R also with a cutoff (not
 * min(R, k)). R = 0 gives 0.
 */
import type { MeasureFamily } from "./family.js";
import { depthOf } from "./family.js";

export const AP: MeasureFamily = {
  name: "AP",
  cutoff: "optional",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => (k === undefined ? "map" : `map_cut_${k}`),
  definition: "(1/R) * sum over relevant retrieved docs at rank i (<= k) of precision at i; R = all relevant in qrels",
  source: "trec_eval m_map.c / m_map_cut.c; Buckley & Voorhees 2005",
  compute(q, cutoff, level) {
    const numRel = q.numRel(level);
    if (numRel === 0) return 0;
    const n = depthOf(q, cutoff);
    const rels = q.rels;
    let found = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (rels[i]! >= level) {
        found++;
        sum += found / (i + 1);
      }
    }
    return sum / numRel;
  },
};
