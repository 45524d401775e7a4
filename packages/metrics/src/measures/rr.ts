/**
 * Reciprocal rank, RR and RR@k (trec_eval `recip_rank`; RR@k = `recip_rank` under `-M k`).
 * Source: trec_eval 9.0.x `m_recip_rank.c`. MRR@10 as used for MS MARCO = RR@10 averaged
 * over all qrels queries (`-c`); the official script's own variant is `msmarcoMrr10`.
 *
 * RR@k = 1 / (rank of the first document with grade >= level) if that rank <= k, else 0.
 */
import type { MeasureFamily } from "./family.js";
import { depthOf } from "./family.js";

export const RR: MeasureFamily = {
  name: "RR",
  cutoff: "optional",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: (k) => (k === undefined ? "recip_rank" : undefined),
  definition: "1 / rank of the first relevant document (0 if none in the top k)",
  source: "trec_eval m_recip_rank.c",
  compute(q, cutoff, level) {
    const n = depthOf(q, cutoff);
    const rels = q.rels;
    for (let i = 0; i < n; i++) if (rels[i]! >= level) return 1 / (i + 1);
    return 0;
  },
};
