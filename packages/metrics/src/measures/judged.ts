/**
 * Judgment rate, Judged@k (ir_measures `Judged`, after OpenNIR; not in trec_eval). Source:
 * ir_measures `providers/judged_provider.py`.
 *
 * Judged@k = (documents in the top k that appear in the qrels, with any grade) / min(k, retrieved);
 * 0 when nothing is retrieved. Ranking follows trec_eval order (ir_measures breaks score ties by
 * ascending doc id, so on tied scores the two can differ).
 */
import { NONPOOL } from "../judgments.js";
import type { MeasureFamily } from "./family.js";
import { depthOf } from "./family.js";

export const Judged: MeasureFamily = {
  name: "Judged",
  cutoff: "required",
  usesRel: false,
  aggregate: "mean",
  integer: false,
  trecEvalName: () => undefined,
  definition: "judged docs in top k / min(k, retrieved)",
  source: "ir_measures judged_provider.py (OpenNIR)",
  compute(q, cutoff) {
    const n = depthOf(q, cutoff);
    if (n === 0) return 0;
    const rels = q.rels;
    let judged = 0;
    for (let i = 0; i < n; i++) if (rels[i] !== NONPOOL) judged++;
    return judged / n;
  },
};
