import type { Qrels, Run } from "../types.js";
import { positivesOf } from "./positives-of.js";
import { rankDocuments } from "../formats/index.js";

/** Options of {@link mineHardNegatives}. */
export interface MineHardNegativesOptions {
  /** First rank kept, 1-based, counted over the whole ranking (positives included). Default 1. */
  fromRank?: number;
  /** Last rank kept, inclusive; `Infinity` for the whole run. Default 200 (LTRe/ADORE's K). */
  toRank?: number;
  /** Keep at most this many negatives per query (the best-ranked ones). Default: no cap. */
  maxNegatives?: number;
  /**
   * Drop candidates that score too close to the positive: a candidate c survives only if
   * `score(c) <= ref - scoreMargin`, where `ref` is the run score of the query's positive(s)
   * (see `marginAgainst`). Candidates scoring above the positive are always dropped by it.
   * This is sentence-transformers' `mine_hard_negatives(absolute_margin=...)` rule and
   * NV-Retriever's "TopK-MarginPos" (Moreira et al., arXiv 2407.15831): high-ranked
   * unlabelled passages that score like the positive are likely false negatives (the problem
   * RocketQA's denoised hard negatives address with a cross-encoder, Qu et al., NAACL 2021).
   * Scores are the run's own scores, so the margin is in the run's units. Default: off.
   */
  scoreMargin?: number;
  /**
   * Which positive sets `ref`: `"top"` (default) = the highest-scoring positive retrieved by the
   * run; `"lowest"` = the lowest-scoring retrieved positive (sentence-transformers' choice, the
   * stricter filter). Positives the run did not retrieve have no score and are ignored.
   */
  marginAgainst?: "top" | "lowest";
  /**
   * The I3 reference's own denoising (Deriq-Qian-Dong/III-Retriever `src/dataset_factory.py` at
   * commit ff7dd5a, `DualEncoderTrainDataset.sample`, with `--FN_threshold 0.9 --EN_threshold 0.1`
   * in `src/train_dual_encoder.py`): scores are rescaled so that the positive is 1 and the
   * weakest candidate 0, `x(c) = (score(c) - m) / (ref - m)` with
   * `m = min(lowest non-positive score of the query in the run, ref - 1e-9)`, and a candidate
   * survives only if `low < x(c) < high`: above `high` it is a likely false negative, below `low`
   * an easy negative. `ref` is chosen as for the margin (`marginAgainst`). The reference applies
   * it to cross-encoder scores; here it applies to the run's scores (rerank first for the same
   * effect). Default: off.
   */
  relativeBand?: { low: number; high: number };
  /** Grades >= this are positives (trec_eval `-l`). Default 1. */
  relevanceLevel?: number;
  /**
   * The training queries to mine for, in output order. Default: the run's queries in run order,
   * then the qrels queries that have a positive but are missing from the run.
   */
  queries?: Iterable<string>;
}

/** What {@link mineHardNegatives} found; every query it could not serve is listed, never dropped silently. */
export interface HardNegativeMining {
  /** qid -> negatives in rank order; only queries with a positive and at least one negative. */
  negatives: Map<string, string[]>;
  /** Queries without any positive (grade >= relevanceLevel) in qrels: no training group possible. */
  queriesWithoutPositives: string[];
  /** Queries with positives that the run does not contain. */
  queriesNotInRun: string[];
  /** Queries in the run with positives whose candidates were all removed (positives, margin, ranks). */
  queriesWithoutNegatives: string[];
  /** With `scoreMargin` or `relativeBand`: queries where no positive was retrieved, so neither was applied. */
  queriesWithoutMarginReference: string[];
  /** Number of candidates removed by `scoreMargin`, over all queries. */
  droppedByMargin: number;
  /** Number of candidates removed by `relativeBand` (and not already by the margin), over all queries. */
  droppedByBand: number;
}

function checkRank(name: string, value: number, allowInfinity: boolean): void {
  const ok = Number.isInteger(value) || (allowInfinity && value === Infinity);
  if (!ok || value < 1) throw new RangeError(`mineHardNegatives: ${name} must be an integer >= 1, got ${value}`);
}

/**
 * Hard negatives from a first-stage run: for each training query, the run's ranking (trec_eval
 * order: score descending, ties by docid descending, see `rankDocuments`) restricted to ranks
 * `fromRank..toRank`, minus the positives (grade >= `relevanceLevel`), optionally minus the
 * candidates within `scoreMargin` of the positive's score, capped at `maxNegatives`.
 * Follows Tevatron's `faiss_retriever/hn_mining.py` (`BasicHardNegativeMiner`: the first `depth`
 * retrieved, positives removed; ranks count positives too). The rank window mirrors the I3
 * reference's `pids[min_index:max_index]` (Deriq-Qian-Dong/III-Retriever `src/dataset_factory.py`
 * at commit ff7dd5a, where it is taken after removing positives and band filtering; the 052f783
 * version reads an already filtered `qid<TAB>pids` file). Judged non-relevant documents
 * (grade < level) stay negatives.
 */
export function mineHardNegatives(run: Run, qrels: Qrels, options: MineHardNegativesOptions = {}): HardNegativeMining {
  const fromRank = options.fromRank ?? 1;
  const toRank = options.toRank ?? 200;
  const relevanceLevel = options.relevanceLevel ?? 1;
  const marginAgainst = options.marginAgainst ?? "top";
  checkRank("fromRank", fromRank, false);
  checkRank("toRank", toRank, true);
  if (toRank < fromRank) throw new RangeError(`mineHardNegatives: toRank (${toRank}) < fromRank (${fromRank})`);
  const { maxNegatives, scoreMargin, relativeBand } = options;
  if (relativeBand !== undefined && !(Number.isFinite(relativeBand.low) && Number.isFinite(relativeBand.high) && relativeBand.low < relativeBand.high)) {
    throw new RangeError(`mineHardNegatives: relativeBand needs finite low < high, got ${JSON.stringify(relativeBand)}`);
  }
  if (maxNegatives !== undefined && (!Number.isInteger(maxNegatives) || maxNegatives < 0)) {
    throw new RangeError(`mineHardNegatives: maxNegatives must be an integer >= 0, got ${maxNegatives}`);
  }
  if (scoreMargin !== undefined && !Number.isFinite(scoreMargin)) {
    throw new RangeError(`mineHardNegatives: scoreMargin must be a finite number, got ${scoreMargin}`);
  }

  const queries = options.queries !== undefined ? [...new Set(options.queries)] : defaultQueries(run, qrels, relevanceLevel);
  const result: HardNegativeMining = {
    negatives: new Map(),
    queriesWithoutPositives: [],
    queriesNotInRun: [],
    queriesWithoutNegatives: [],
    queriesWithoutMarginReference: [],
    droppedByMargin: 0,
    droppedByBand: 0,
  };

  for (const qid of queries) {
    const positives = new Set(positivesOf(qrels, qid, relevanceLevel));
    if (positives.size === 0) {
      result.queriesWithoutPositives.push(qid);
      continue;
    }
    const scores = run.get(qid);
    if (scores === undefined) {
      result.queriesNotInRun.push(qid);
      continue;
    }
    let threshold = Infinity;
    let inBand = (_score: number) => true;
    if (scoreMargin !== undefined || relativeBand !== undefined) {
      const reference = marginReference(scores, positives, marginAgainst);
      if (reference === undefined) result.queriesWithoutMarginReference.push(qid);
      else {
        if (scoreMargin !== undefined) threshold = reference - scoreMargin;
        if (relativeBand !== undefined) inBand = bandFilter(scores, positives, reference, relativeBand);
      }
    }
    const window = topRanked(scores, toRank).slice(fromRank - 1);
    const negatives: string[] = [];
    for (const docid of window) {
      if (maxNegatives !== undefined && negatives.length >= maxNegatives) break;
      if (positives.has(docid)) continue;
      const score = scores.get(docid) as number;
      if (score > threshold) {
        result.droppedByMargin++;
        continue;
      }
      if (!inBand(score)) {
        result.droppedByBand++;
        continue;
      }
      negatives.push(docid);
    }
    if (negatives.length === 0) result.queriesWithoutNegatives.push(qid);
    else result.negatives.set(qid, negatives);
  }
  return result;
}

function defaultQueries(run: Run, qrels: Qrels, relevanceLevel: number): string[] {
  const out = [...run.keys()];
  for (const qid of qrels.keys()) {
    if (!run.has(qid) && positivesOf(qrels, qid, relevanceLevel).length > 0) out.push(qid);
  }
  return out;
}

function marginReference(
  scores: ReadonlyMap<string, number>,
  positives: ReadonlySet<string>,
  against: "top" | "lowest",
): number | undefined {
  let reference: number | undefined;
  for (const docid of positives) {
    const score = scores.get(docid);
    if (score === undefined) continue;
    if (reference === undefined || (against === "top" ? score > reference : score < reference)) reference = score;
  }
  return reference;
}

/**
 * The first `k` docids of `rankDocuments(scores)`, without sorting the whole run when k is much
 * smaller: the k-th largest score is found by quickselect (Hoare's FIND), and only the entries
 * scoring at least that much (ties included) are put in trec_eval order.
 */
function topRanked(scores: ReadonlyMap<string, number>, k: number): string[] {
  if (k >= scores.size || k * 4 > scores.size) return rankDocuments(scores).slice(0, k).map((entry) => entry[0]);
  const values = new Float64Array(scores.size);
  let i = 0;
  for (const score of scores.values()) values[i++] = score;
  const cutoff = kthLargest(values, k);
  const head = new Map<string, number>();
  for (const [docid, score] of scores) if (score >= cutoff) head.set(docid, score);
  return rankDocuments(head).slice(0, k).map((entry) => entry[0]);
}

/** The k-th largest value of `values` (1-based k), reordering `values` in place. */
function kthLargest(values: Float64Array, k: number): number {
  const target = k - 1; // index in descending order
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) > pivot) i++;
      while ((values[j] as number) < pivot) j--;
      if (i <= j) {
        const tmp = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = tmp;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target] as number;
  }
  return values[target] as number;
}

/** The reference's FN/EN band test for one query (see `relativeBand`). */
function bandFilter(
  scores: ReadonlyMap<string, number>,
  positives: ReadonlySet<string>,
  reference: number,
  band: { low: number; high: number },
): (score: number) => boolean {
  let lowest = reference - 1e-9;
  for (const [docid, score] of scores) if (!positives.has(docid) && score < lowest) lowest = score;
  const span = reference - lowest;
  return (score) => {
    const x = (score - lowest) / span;
    return x > band.low && x < band.high;
  };
}
