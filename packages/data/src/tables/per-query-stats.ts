/**
 * Per-query counts of judgments and retrieved documents: the first thing to look at when a metric
 * looks wrong (unjudged queries, runs that miss queries, shallow judgments).
 */
import { table, type ColumnTable } from "arquero";
import type { Qrels, Run } from "../types.js";

/** Options of {@link perQueryStats}. */
export interface PerQueryStatsOptions {
  /** Minimum grade that counts as relevant (trec_eval `-l`). Default 1. */
  relevanceLevel?: number;
}

/**
 * One row per query of the qrels, then per query found only in the run, with columns:
 * `qid`; `numJudged` (judgments, any grade); `numRel` (grade >= relevanceLevel); and, when a run
 * is given, `numRetrieved`, `numJudgedRetrieved` and `numRelRetrieved` (retrieved documents that
 * are judged / relevant). Queries missing from one side get zeros.
 */
export function perQueryStats(qrels: Qrels, run?: Run, options: PerQueryStatsOptions = {}): ColumnTable {
  const level = options.relevanceLevel ?? 1;
  const qids = [...qrels.keys()];
  if (run !== undefined) for (const q of run.keys()) if (!qrels.has(q)) qids.push(q);
  const numJudged: number[] = [];
  const numRel: number[] = [];
  const numRetrieved: number[] = [];
  const numJudgedRetrieved: number[] = [];
  const numRelRetrieved: number[] = [];
  for (const q of qids) {
    const judged = qrels.get(q);
    numJudged.push(judged?.size ?? 0);
    let rel = 0;
    if (judged !== undefined) for (const grade of judged.values()) if (grade >= level) rel++;
    numRel.push(rel);
    if (run === undefined) continue;
    const docs = run.get(q);
    let judgedRetrieved = 0;
    let relRetrieved = 0;
    if (docs !== undefined && judged !== undefined) {
      for (const d of docs.keys()) {
        const grade = judged.get(d);
        if (grade === undefined) continue;
        judgedRetrieved++;
        if (grade >= level) relRetrieved++;
      }
    }
    numRetrieved.push(docs?.size ?? 0);
    numJudgedRetrieved.push(judgedRetrieved);
    numRelRetrieved.push(relRetrieved);
  }
  return run === undefined
    ? table({ qid: qids, numJudged, numRel })
    : table({ qid: qids, numJudged, numRel, numRetrieved, numJudgedRetrieved, numRelRetrieved });
}
