/**
 * Recall at k, R@k (trec_eval `recall.k`). Source: trec_eval 9.0.x `m_recall.c`.
 *
 * R@k = (relevant documents in the top k) / R, where R = all judged documents with
 * grade >= level. R = 0 gives 0.
 */
import type { MeasureFamily } from "./family.js";
import { depthOf, relevantInTop } from "./family.js";

export const R: MeasureFamily = {
  name: "R",
  cutoff: "required",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => `recall_${k}`,
  definition: "relevant in top k / R (R = all relevant in qrels; 0 when R = 0)",
  source: "trec_eval m_recall.c",
  compute(q, cutoff, level) {
    const numRel = q.numRel(level);
    if (numRel === 0) return 0;
    return relevantInTop(q, depthOf(q, cutoff), level) / numRel;
  },
};
