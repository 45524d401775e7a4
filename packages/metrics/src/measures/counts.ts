/**
 * Count measures, summed (not averaged) over queries: NumRet, NumRel, NumRelRet, NumQ (trec_eval
 * `num_ret`, `num_rel`, `num_rel_ret`, `num_q`). Source: trec_eval 9.0.x `m_num_ret.c`,
 * `m_num_rel.c`, `m_num_rel_ret.c`, `m_num_q.c`.
 */
import type { MeasureFamily } from "./family.js";
import { relevantInTop } from "./family.js";

/** Documents retrieved (after depth truncation). */
export const NumRet: MeasureFamily = {
  name: "NumRet",
  cutoff: "none",
  usesRel: false,
  aggregate: "sum",
  integer: true,
  trecEvalName: () => "num_ret",
  definition: "number of retrieved documents",
  source: "trec_eval m_num_ret.c",
  compute: (q) => q.numRet,
};

/** Judged documents with grade >= level, retrieved or not. */
export const NumRel: MeasureFamily = {
  name: "NumRel",
  cutoff: "none",
  usesRel: true,
  aggregate: "sum",
  integer: true,
  trecEvalName: () => "num_rel",
  definition: "number of relevant documents in the qrels",
  source: "trec_eval m_num_rel.c",
  compute: (q, _k, level) => q.numRel(level),
};

/** Retrieved documents with grade >= level. */
export const NumRelRet: MeasureFamily = {
  name: "NumRelRet",
  cutoff: "none",
  usesRel: true,
  aggregate: "sum",
  integer: true,
  trecEvalName: () => "num_rel_ret",
  definition: "number of relevant documents retrieved",
  source: "trec_eval m_num_rel_ret.c",
  compute: (q, _k, level) => relevantInTop(q, q.numRet, level),
};

/** 1 per evaluated query; the aggregate is the number of queries averaged over. */
export const NumQ: MeasureFamily = {
  name: "NumQ",
  cutoff: "none",
  usesRel: false,
  aggregate: "sum",
  integer: true,
  trecEvalName: () => "num_q",
  definition: "number of queries evaluated",
  source: "trec_eval m_num_q.c",
  compute: () => 1,
};
