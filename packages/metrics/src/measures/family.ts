/**
 * Measures as data: a {@link MeasureFamily} says how to compute one family (AP, nDCG, ...) from a
 * {@link RankedQuery}; a {@link Measure} is a parsed name such as `nDCG@10` or `AP(rel=2)`.
 */
import type { RankedQuery } from "../judgments.js";

/** How a family treats the `@k` cutoff. */
export type CutoffRule = "none" | "optional" | "required";

/** One measure family: its definition, its trec_eval counterpart and its computation. */
export interface MeasureFamily {
  /** ir_measures family name, e.g. `AP`. */
  readonly name: string;
  /** Whether `@k` is forbidden, optional or required. */
  readonly cutoff: CutoffRule;
  /** Whether `(rel=N)` (minimum relevant grade) applies; binary measures only. */
  readonly usesRel: boolean;
  /** How per-query values combine: the mean over queries, or a sum (counts). */
  readonly aggregate: "mean" | "sum";
  /** Integer-valued (printed without decimals, as trec_eval does for counts). */
  readonly integer: boolean;
  /** The trec_eval 9.0.x measure name for a cutoff (undefined when trec_eval has none). */
  trecEvalName(cutoff: number | undefined): string | undefined;
  /** Exact definition, one sentence, for docs and `--help`. */
  readonly definition: string;
  /** Where the definition comes from (trec_eval source file and/or paper). */
  readonly source: string;
  /**
   * The value for one query. `cutoff` is undefined when not given; `level` is the minimum grade
   * counted as relevant (the measure's `rel=` or the evaluation's relevance level).
   */
  compute(q: RankedQuery, cutoff: number | undefined, level: number): number;
}

/** A parsed measure name, e.g. `RR(rel=2)@10`. */
export interface Measure {
  /** The name exactly as the user gave it (results are keyed and printed by it). */
  readonly name: string;
  /** Canonical ir_measures spelling, e.g. `RR(rel=2)@10`. */
  readonly canonical: string;
  readonly family: MeasureFamily;
  /** The `@k` cutoff, if any. */
  readonly cutoff?: number;
  /** The `rel=` parameter, if given (otherwise the evaluation's relevance level applies). */
  readonly rel?: number;
}

/** Number of ranks a cutoff looks at: min(cutoff, numRet). */
export function depthOf(q: RankedQuery, cutoff: number | undefined): number {
  return cutoff === undefined || cutoff > q.numRet ? q.numRet : cutoff;
}

/** Number of retrieved documents with grade >= level among the first `n` ranks. */
export function relevantInTop(q: RankedQuery, n: number, level: number): number {
  const rels = q.rels;
  let found = 0;
  for (let i = 0; i < n; i++) if (rels[i]! >= level) found++;
  return found;
}
