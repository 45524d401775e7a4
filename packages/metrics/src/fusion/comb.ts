/**
 * CombSUM and CombMNZ score fusion (Fox & Shaw, "Combination of Multiple Searches", TREC-2,
 * 1994, NIST SP 500-215), with per-run weights and the score normalisations of `normalize.ts`
 * applied to each run's lists first. For a query, with N_r(d) the normalised score of document d
 * in run r (absent when r did not retrieve d within `depth`) and w_r the run's weight:
 *
 * - CombSUM(d) = Σ_{r retrieving d} w_r · N_r(d): a missing document adds nothing (scores 0),
 *   as ranx's `comb_sum` / weighted `wsum`; with unit weights, Fox & Shaw's CombSUM;
 * - CombMNZ(d) = |{r retrieving d}| · CombSUM(d): the sum times the number of runs that
 *   retrieved d, as ranx's `comb_mnz` with unit weights (ranx's weighted `wmnz`, Wu & Crestani
 *   2002, instead multiplies the unweighted sum by the sum of weights; not this).
 *
 * Queries are the union over runs. The fused run's ties are ranked later as every run is:
 * score descending, doc id descending (trec_eval order).
 */
import type { Run, RunLike } from "../types.js";
import { normalizeRun, type ScoreNormalization } from "./normalize.js";

/** Options of {@link combSum} and {@link combMnz}. */
export interface CombOptions {
  /** Normalisation of each run's lists before fusing (default `min-max`, as ranx's `fuse`). */
  normalization?: ScoreNormalization;
  /** One weight per run, in the order of `runs` (default 1 each). */
  weights?: readonly number[];
  /** Only the first `depth` documents of each run's lists count (default: all). */
  depth?: number;
}

function fuse(who: string, runs: readonly RunLike[], options: CombOptions, multiplyByHits: boolean): Run {
  if (runs.length === 0) throw new Error(`${who}: no runs to fuse`);
  const weights = options.weights ?? runs.map(() => 1);
  if (weights.length !== runs.length) throw new Error(`${who}: ${weights.length} weights for ${runs.length} runs; give one weight per run`);
  for (const [i, w] of weights.entries()) if (!Number.isFinite(w)) throw new Error(`${who}: weight ${i} must be a finite number, got ${w}`);
  if (options.depth !== undefined && (!Number.isSafeInteger(options.depth) || options.depth < 1)) {
    throw new Error(`${who}: depth must be a positive integer, got ${options.depth}`);
  }
  const sums = new Map<string, Map<string, number>>();
  const hits = new Map<string, Map<string, number>>();
  runs.forEach((run, r) => {
    for (const [qid, docs] of normalizeRun(run, options.normalization ?? "min-max", options.depth)) {
      if (!sums.has(qid)) {
        sums.set(qid, new Map());
        hits.set(qid, new Map());
      }
      const sum = sums.get(qid)!;
      const hit = hits.get(qid)!;
      for (const [doc, score] of docs) {
        sum.set(doc, (sum.get(doc) ?? 0) + weights[r]! * score);
        hit.set(doc, (hit.get(doc) ?? 0) + 1);
      }
    }
  });
  if (!multiplyByHits) return sums;
  for (const [qid, sum] of sums) {
    const hit = hits.get(qid)!;
    for (const [doc, s] of sum) sum.set(doc, s * hit.get(doc)!);
  }
  return sums;
}

/** CombSUM: the weighted sum of each run's normalised scores (missing = 0); returns a new run. */
export function combSum(runs: readonly RunLike[], options: CombOptions = {}): Run {
  return fuse("combSum", runs, options, false);
}

/** CombMNZ: CombSUM times the number of runs that retrieved the document; returns a new run. */
export function combMnz(runs: readonly RunLike[], options: CombOptions = {}): Run {
  return fuse("combMnz", runs, options, true);
}
