/**
 * What a teacher scores: per query, its positives (judged relevant in the qrels) and a pool of
 * negatives (the top of a first-stage run, judged-relevant documents removed), as hard negatives
 * are mined for contrastive training (DESIGN.md sec. 2).
 */
import { rankDocuments, type Qrels, type Query, type Run } from "@i3/data";

/** One query's pool: the documents the teacher scores for it. */
export interface ScoringPool {
  readonly query: Query;
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

/** Options of {@link teacherPools}. */
export interface TeacherPoolOptions {
  /** Negatives: the run's top `depth` documents (canonical run order), positives removed. Default 200. */
  depth?: number;
  /** Grade at or above which a judged document is a positive (and never a negative). Default 1. */
  minGrade?: number;
  /** Queries with fewer negatives than this are left out (nothing to distil over). Default 1. */
  minNegatives?: number;
}

/**
 * Pools for every query that has at least one positive and `minNegatives` negatives: positives in
 * qrels order, negatives in run order (score descending, ties by doc id descending).
 */
export function teacherPools(queries: readonly Query[], qrels: Qrels, run: Run, opts: TeacherPoolOptions = {}): ScoringPool[] {
  const depth = opts.depth ?? 200;
  const minGrade = opts.minGrade ?? 1;
  const minNegatives = opts.minNegatives ?? 1;
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`teacherPools: depth must be a non-negative integer, got ${depth}`);
  const pools: ScoringPool[] = [];
  for (const query of queries) {
    const judged = qrels.get(query.id);
    const positives = [...(judged ?? [])].filter(([, g]) => g >= minGrade).map(([id]) => id);
    if (positives.length === 0) continue;
    const relevant = new Set(positives);
    const ranked = rankDocuments(run.get(query.id) ?? new Map()).slice(0, depth);
    const negatives = ranked.map(([id]) => id).filter((id) => !relevant.has(id));
    if (negatives.length < minNegatives) continue;
    pools.push({ query, positives, negatives });
  }
  return pools;
}
