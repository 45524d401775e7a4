/**
 * The official MS MARCO passage-ranking MRR@10 (`ms_marco_eval.py`, Microsoft, 2018), as a named
 * variant distinct from trec_eval's RR@10:
 * - qrels: columns 0 and 2 of `qrels.dev.small.tsv`; EVERY listed (qid, pid) counts as relevant,
 *   whatever its grade column says;
 * - ranking: the submitted rank column (not the score); only ranks 1..10 are read, and when two
 *   pids claim the same rank the later line wins (the script writes `ranks[rank - 1] = pid`);
 * - per query: 1 / (first rank in 1..10 holding a relevant pid), else 0; only queries that are
 *   in both files are scored;
 * - MRR@10 = sum of the per-query values / number of queries in the QRELS (not in the run).
 * Deliberate difference: the script pre-fills empty rank slots with pid 0, so a relevant pid
 * "0" would match a rank the run never filled; here an empty slot never matches.
 */
import type { QrelsLike } from "./types.js";

/** The official script's cutoff. */
export const MSMARCO_MAX_RANK = 10;

/** Result of {@link msmarcoMrr10}. */
export interface MsMarcoMrr {
  /** MRR@10 over the number of qrels queries. */
  readonly mrr10: number;
  /** Reciprocal rank per query present in both inputs. */
  readonly perQuery: ReadonlyMap<string, number>;
  /** Number of queries in the run (the script's `QueriesRanked`). */
  readonly queriesRanked: number;
  /** Number of queries in the qrels (the divisor). */
  readonly queriesInQrels: number;
}

/** Every (qid, pid) pair of a graded qrels, whatever the grade: the official script's view. */
export function qrelsPairs(qrels: QrelsLike): [string, string][] {
  const out: [string, string][] = [];
  for (const [qid, docs] of qrels) for (const pid of docs.keys()) out.push([qid, pid]);
  return out;
}

/**
 * Official MS MARCO MRR@10. `qrelsPairs` lists (qid, pid) pairs (qrels columns 0 and 2);
 * `rankedRun` maps qid -> pid -> submitted rank (1-based integers). Throws when no run query
 * has qrels (the script's "No matching QIDs found") or on a rank that is not a positive integer.
 */
export function msmarcoMrr10(
  qrelsPairs: Iterable<readonly [string, string]>,
  rankedRun: ReadonlyMap<string, ReadonlyMap<string, number>>,
): MsMarcoMrr {
  const relevant = new Map<string, Set<string>>();
  for (const [qid, pid] of qrelsPairs) {
    let s = relevant.get(qid);
    if (s === undefined) relevant.set(qid, (s = new Set()));
    s.add(pid);
  }
  const perQuery = new Map<string, number>();
  let total = 0;
  for (const [qid, ranks] of rankedRun) {
    const slots: (string | undefined)[] = new Array<string | undefined>(MSMARCO_MAX_RANK);
    for (const [pid, rank] of ranks) {
      if (!Number.isSafeInteger(rank) || rank < 1) {
        throw new Error(`msmarcoMrr10: query ${qid}, passage ${pid}: rank must be a positive integer, got ${rank}`);
      }
      if (rank <= MSMARCO_MAX_RANK) slots[rank - 1] = pid;
    }
    const targets = relevant.get(qid);
    if (targets === undefined) continue;
    let rr = 0;
    for (let i = 0; i < MSMARCO_MAX_RANK; i++) {
      const pid = slots[i];
      if (pid !== undefined && targets.has(pid)) {
        rr = 1 / (i + 1);
        break;
      }
    }
    perQuery.set(qid, rr);
    total += rr;
  }
  if (perQuery.size === 0) throw new Error("msmarcoMrr10: no query of the run is in the qrels (mismatched query ids?)");
  return { mrr10: total / relevant.size, perQuery, queriesRanked: rankedRun.size, queriesInQrels: relevant.size };
}
