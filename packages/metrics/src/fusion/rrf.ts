/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, "Reciprocal Rank Fusion outperforms
 * Condorcet and individual Rank Learning Methods", SIGIR 2009):
 * score(q, d) = sum over runs r that rank d for q (within `depth`) of 1 / (k + rank_r(q, d)),
 * with rank_r 1-based in trec_eval order (score descending, ties by doc id descending) and
 * k = 60. Queries are the union over runs.
 */
import { Ranker } from "../ranking.js";
import type { Run, RunLike } from "../types.js";

/** Options of {@link rrf}. */
export interface RrfOptions {
  /** The constant k (default 60, as in the paper). */
  k?: number;
  /** Only the first `depth` documents of each run count (default: all). */
  depth?: number;
}

/** Fuses runs by reciprocal rank; returns a new run whose scores are the fused RRF scores. */
export function rrf(runs: readonly RunLike[], options: RrfOptions = {}): Run {
  const k = options.k ?? 60;
  const depth = options.depth ?? Infinity;
  if (!(k >= 0) || !Number.isFinite(k)) throw new Error(`rrf: k must be a finite number >= 0, got ${k}`);
  if (options.depth !== undefined && (!Number.isSafeInteger(depth) || depth < 1)) {
    throw new Error(`rrf: depth must be a positive integer, got ${options.depth}`);
  }
  const fused: Run = new Map();
  const ranker = new Ranker();
  for (const run of runs) {
    for (const [qid, docs] of run) {
      let out = fused.get(qid);
      if (out === undefined) fused.set(qid, (out = new Map()));
      const n = ranker.rank(docs, undefined, depth, qid);
      for (let i = 0; i < n; i++) {
        const id = ranker.idAt(i);
        out.set(id, (out.get(id) ?? 0) + 1 / (k + i + 1));
      }
    }
  }
  return fused;
}
