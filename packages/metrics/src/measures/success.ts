/**
 * Success at k (trec_eval `success.k`, due to Stephen Tomlinson). Source: trec_eval 9.0.x
 * `m_success.c`.
 *
 * Success@k = 1 if at least one document with grade >= level is in the top k, else 0.
 */
import type { MeasureFamily } from "./family.js";
import { depthOf } from "./family.js";

export const Success: MeasureFamily = {
  name: "Success",
  cutoff: "required",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => `success_${k}`,
  definition: "1 if a relevant document is in the top k, else 0",
  source: "trec_eval m_success.c",
  compute(q, cutoff, level) {
    const n = depthOf(q, cutoff);
    const rels = q.rels;
    for (let i = 0; i < n; i++) if (rels[i]! >= level) return 1;
    return 0;
  },
};
