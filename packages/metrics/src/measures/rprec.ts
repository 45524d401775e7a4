/**
 * R-precision, Rprec (trec_eval `Rprec`; Buckley & Voorhees 2005). Source: trec_eval 9.0.x
 * `m_Rprec.c`.
 *
 * Rprec = (relevant documents in the top min(R, retrieved)) / R, with R = all judged documents
 * with grade >= level. R = 0 gives 0.
 */
import type { MeasureFamily } from "./family.js";
import { relevantInTop } from "./family.js";

export const Rprec: MeasureFamily = {
  name: "Rprec",
  cutoff: "none",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: () => "Rprec",
  definition: "relevant in top R / R (R = all relevant in qrels)",
  source: "trec_eval m_Rprec.c; Buckley & Voorhees 2005",
  compute(q, _cutoff, level) {
    const numRel = q.numRel(level);
    const n = Math.min(q.numRet, numRel);
    if (n === 0) return 0;
    return relevantInTop(q, n, level) / numRel;
  },
};
