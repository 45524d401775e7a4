/**
 * Precision at k, P@k (trec_eval `P.k`). Source: trec_eval 9.0.x `m_P.c`.
 *
 * P@k = (relevant documents in the top k) / k. The divisor is always k: when fewer than k
 * documents are retrieved, the missing ranks count as non-relevant.
 */
import type { MeasureFamily } from "./family.js";
import { depthOf, relevantInTop } from "./family.js";

export const P: MeasureFamily = {
  name: "P",
  cutoff: "required",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => `P_${k}`,
  definition: "relevant in top k / k (missing ranks count as non-relevant)",
  source: "trec_eval m_P.c",
  compute(q, cutoff, level) {
    const k = cutoff!;
    return relevantInTop(q, depthOf(q, k), level) / k;
  },
};
