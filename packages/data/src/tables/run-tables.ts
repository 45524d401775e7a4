/**
 * Qrels and runs as arquero tables, for analysis in scripts and notebooks (group, join, pivot,
 * print as markdown). Rows follow the maps' query order; a run's rows within a query follow the
 * canonical run order (score descending, ties by docid descending), with ranks 1..n.
 */
import { table, type ColumnTable } from "arquero";
import { rankDocuments } from "../formats/run-order.js";
import type { Qrels, Run } from "../types.js";

/** Qrels as a table with columns `qid`, `docid`, `rel` (one row per judgment). */
export function qrelsTable(qrels: Qrels): ColumnTable {
  const qid: string[] = [];
  const docid: string[] = [];
  const rel: number[] = [];
  for (const [q, docs] of qrels) {
    for (const [d, r] of docs) {
      qid.push(q);
      docid.push(d);
      rel.push(r);
    }
  }
  return table({ qid, docid, rel });
}

/** A run as a table with columns `qid`, `docid`, `score`, `rank` (rank 1 = best, canonical order). */
export function runTable(run: Run): ColumnTable {
  const columns = runColumns(run);
  return table(columns);
}

/**
 * The run table with a `rel` column from the qrels: the grade of each retrieved document, or
 * null when it is unjudged. Same rows and order as {@link runTable}; the same as arquero's
 * `runTable(run).join_left(qrelsTable(qrels), [keys, keys])` with `keys = ["qid", "docid"]`,
 * except that arquero leaves unmatched grades undefined (and, given `["qid", "docid"]` alone,
 * would join qid against docid).
 */
export function judgedRunTable(run: Run, qrels: Qrels): ColumnTable {
  const columns = runColumns(run);
  const rel = columns.qid.map((q, i) => qrels.get(q)?.get(columns.docid[i]!) ?? null);
  return table({ ...columns, rel });
}

function runColumns(run: Run): { qid: string[]; docid: string[]; score: number[]; rank: number[] } {
  const qid: string[] = [];
  const docid: string[] = [];
  const score: number[] = [];
  const rank: number[] = [];
  for (const [q, docs] of run) {
    let r = 0;
    for (const [d, s] of rankDocuments(docs)) {
      qid.push(q);
      docid.push(d);
      score.push(s);
      rank.push(++r);
    }
  }
  return { qid, docid, score, rank };
}
