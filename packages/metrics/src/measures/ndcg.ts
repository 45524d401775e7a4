/**
 * Normalised discounted cumulative gain, nDCG and nDCG@k (trec_eval `ndcg`, `ndcg_cut.k`;
 * Järvelin & Kekäläinen, ACM TOIS 20(4), 2002). Source: trec_eval 9.0.x `m_ndcg.c`,
 * `m_ndcg_cut.c`.
 *
 * DCG@k = sum over ranks i = 1..k of gain_i / log2(i + 1), gain = the raw grade when > 0, else 0
 * (linear gain; unjudged and negative grades gain 0). The ideal DCG@k sorts ALL judged documents
 * of the query (retrieved or not) by grade, descending. nDCG@k = DCG@k / IDCG@k, 0 when
 * IDCG = 0. The relevance level does not apply.
 */
import type { RankedQuery } from "../judgments.js";
import type { MeasureFamily } from "./family.js";
import { depthOf } from "./family.js";

/** Ideal DCG over the first `k` ranks of the best ordering of the judged grades. */
export function idealDcg(q: RankedQuery, k: number): number {
  const { grades, gradeCounts } = q;
  let idcg = 0;
  let i = 0;
  for (let j = q.numGrades - 1; j >= 0 && grades[j]! > 0 && i < k; j--) {
    const g = grades[j]!;
    for (let c = gradeCounts[j]!; c > 0 && i < k; c--) {
      idcg += g / Math.log2(i + 2);
      i++;
    }
  }
  return idcg;
}

export const nDCG: MeasureFamily = {
  name: "nDCG",
  cutoff: "optional",
  usesRel: false,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => (k === undefined ? "ndcg" : `ndcg_cut_${k}`),
  definition: "DCG@k / ideal DCG@k; gain = raw grade, discount log2(rank + 1), ideal from all judged docs",
  source: "trec_eval m_ndcg.c / m_ndcg_cut.c; Järvelin & Kekäläinen TOIS 2002",
  compute(q, cutoff) {
    const n = depthOf(q, cutoff);
    const rels = q.rels;
    let dcg = 0;
    for (let i = 0; i < n; i++) {
      const g = rels[i]!;
      if (g > 0) dcg += g / Math.log2(i + 2);
    }
    const idcg = idealDcg(q, cutoff ?? Infinity);
    return idcg > 0 ? dcg / idcg : 0;
  },
};
