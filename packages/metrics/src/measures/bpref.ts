/**
 * Binary preference, Bpref (trec_eval `bpref`; Buckley & Voorhees, "Retrieval Evaluation with
 * Incomplete Information", SIGIR 2004). Source: trec_eval 9.0.x `m_bpref.c`.
 *
 * Bpref = (1/R) * sum over retrieved relevant r of (1 - min(n_r, R) / min(N, R)), where n_r =
 * judged non-relevant documents (0 <= grade < level) ranked above r, N = all judged non-relevant
 * and R = all judged relevant; the term is 1 when n_r = 0. Unjudged documents are skipped.
 */
import { NONPOOL, UNJUDGED } from "../judgments.js";
import type { MeasureFamily } from "./family.js";

export const Bpref: MeasureFamily = {
  name: "Bpref",
  cutoff: "none",
  usesRel: true,
  aggregate: "mean",
  integer: false,
  trecEvalName: () => "bpref",
  definition: "(1/R) * sum over retrieved relevant r of 1 - min(nonrel above r, R) / min(N, R)",
  source: "trec_eval m_bpref.c; Buckley & Voorhees SIGIR 2004",
  compute(q, _cutoff, level) {
    const numRel = q.numRel(level);
    const numNonRel = q.numNonRel(level);
    const denom = Math.min(numNonRel, numRel);
    const rels = q.rels;
    let nonRelSoFar = 0;
    let bpref = 0;
    for (let i = 0; i < q.numRet; i++) {
      const g = rels[i]!;
      if (g === NONPOOL || g === UNJUDGED) continue;
      if (g < level) {
        nonRelSoFar++;
      } else if (nonRelSoFar > 0) {
        bpref += 1 - Math.min(nonRelSoFar, numRel) / denom;
      } else {
        bpref += 1;
      }
    }
    return numRel > 0 ? bpref / numRel : bpref;
  },
};
