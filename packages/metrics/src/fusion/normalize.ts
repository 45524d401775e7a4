/**
 * Score normalisations applied to each query's result list before score fusion, as ranx's
 * `fuse(norm=...)` defines them (Bassani & Romelli, "ranx.fuse", CIKM 2022; docs/normalization.md),
 * with s_1 >= ... >= s_n the scores of one query's list in trec_eval order (score descending,
 * ties by doc id descending), after the `depth` cut:
 *
 * | name | normalised score | degenerate list |
 * |---|---|---|
 * | `min-max` | (s − min) / (max − min) | denominator max(max − min, 1e-9): all equal -> 0 |
 * | `max` | s / max | denominator max(max, 1e-9) (meant for scores >= 0) |
 * | `sum` | (s − min) / Σ (s_i − min) | denominator max(Σ, 1e-9): all equal -> 0 |
 * | `zmuv` | (s − mean) / sd, sd with denominator n (population, numpy's `std`) | denominator max(sd, 1e-9) |
 * | `rank` | 1 − (r − 1) / n, r the 1-based rank | — (top 1, bottom 1/n) |
 * | `none` | s | — |
 *
 * The 1e-9 floors are ranx's. Differences from ranx: ties keep trec_eval's order in `rank`
 * (ranx keeps its sort's order), and a non-finite score is an error.
 */
import { Ranker } from "../ranking.js";
import type { Run, RunLike } from "../types.js";

/** The score normalisations of {@link normalizeRun}. */
export type ScoreNormalization = "none" | "min-max" | "max" | "sum" | "zmuv" | "rank";

/** Every normalisation name, for validation and documentation. */
export const SCORE_NORMALIZATIONS: readonly ScoreNormalization[] = ["none", "min-max", "max", "sum", "zmuv", "rank"];

const FLOOR = 1e-9;

/**
 * Normalises one list of scores given best first (descending; ranks are the positions) into a
 * new array; see the table in this file's header.
 */
export function normalizeScores(scores: ArrayLike<number>, method: ScoreNormalization): Float64Array {
  const n = scores.length;
  const out = Float64Array.from(scores);
  if (method === "none" || n === 0) return out;
  if (method === "rank") return out.map((_, i) => 1 - i / n);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const s of out) {
    if (!Number.isFinite(s)) throw new Error(`normalizeScores: score ${s} is not finite (${method} normalisation)`);
    if (s < min) min = s;
    if (s > max) max = s;
    sum += s;
  }
  switch (method) {
    case "min-max":
      return out.map((s) => (s - min) / Math.max(max - min, FLOOR));
    case "max":
      return out.map((s) => s / Math.max(max, FLOOR));
    case "sum":
      return out.map((s) => (s - min) / Math.max(sum - min * n, FLOOR));
    case "zmuv": {
      const mean = sum / n;
      let ss = 0;
      for (const s of out) ss += (s - mean) ** 2;
      const sd = Math.sqrt(ss / n);
      return out.map((s) => (s - mean) / Math.max(sd, FLOOR));
    }
    default:
      throw new Error(`normalizeScores: unknown normalisation "${String(method)}"; expected one of ${SCORE_NORMALIZATIONS.join(", ")}`);
  }
}

/**
 * A run with each query's list normalised by `method`, keeping only the first `depth` documents
 * (trec_eval order) of each query when `depth` is given.
 */
export function normalizeRun(run: RunLike, method: ScoreNormalization, depth = Infinity): Run {
  if (!SCORE_NORMALIZATIONS.includes(method)) {
    throw new Error(`normalizeRun: unknown normalisation "${String(method)}"; expected one of ${SCORE_NORMALIZATIONS.join(", ")}`);
  }
  const ranker = new Ranker();
  const out: Run = new Map();
  for (const [qid, docs] of run) {
    const n = ranker.rank(docs, undefined, depth, qid);
    const ids = Array.from({ length: n }, (_, i) => ranker.idAt(i));
    const normalised = normalizeScores(ids.map((id) => docs.get(id)!), method);
    out.set(qid, new Map(ids.map((id, i) => [id, normalised[i]!])));
  }
  return out;
}
