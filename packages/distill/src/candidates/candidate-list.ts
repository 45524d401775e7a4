/**
 * Candidate lists for distillation: per query, 1 positive + n negatives drawn from the
 * teacher-scored pool of a `kd_train.jsonl` record, with their teacher scores, the positive
 * first. The listwise KL loss runs over the whole list (SimLM, Wang et al. 2023: `train_n_passages`
 * = 1 + n; the I3 reference distils over 1 + 127), MarginMSE over the (positive, negative_j)
 * pairs of the list.
 *
 * Sampling is seeded per (seed, epoch, query id) (`@i3/core` SeededRandom.from): one positive
 * uniformly among the record's positives, and n distinct negatives uniformly without replacement
 * (a partial Fisher-Yates). SimLM instead takes a window of the stored order shifted by the epoch
 * (`loader_utils.py` `_slice_with_mod`); a uniform draw does not depend on how the file was
 * sorted. When the pool has fewer than n negatives, `short: "repeat"` (default) cycles through
 * them in the drawn order, as SimLM's modulo slicing does, and `short: "error"` throws.
 */
import { SeededRandom } from "@i3/core";
import type { KdRecord } from "../kd/kd-train-jsonl.js";

/** The reference list size: 1 positive + 127 negatives (SimLM / I3 reference distillation). */
export const DEFAULT_KD_NEGATIVES = 127;

/** One query's candidates: `docIds[0]` is the positive, then the negatives; teacher scores alongside. */
export interface CandidateList {
  readonly queryId: string;
  readonly docIds: readonly string[];
  readonly scores: readonly number[];
}

/** Options of {@link sampleCandidates}. */
export interface CandidateOptions {
  /** Negatives per list (n). Default {@link DEFAULT_KD_NEGATIVES}. */
  negatives?: number;
  /** Run seed. */
  seed: number;
  /** Epoch (a new draw per epoch). Default 0. */
  epoch?: number;
  /** A pool with fewer than n negatives: cycle through them (`repeat`, default) or throw (`error`). */
  short?: "repeat" | "error";
}

/** Draws one record's candidate list (see the module comment). */
export function sampleCandidates(record: KdRecord, opts: CandidateOptions): CandidateList {
  const n = opts.negatives ?? DEFAULT_KD_NEGATIVES;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleCandidates: negatives must be a non-negative integer, got ${n}`);
  if (record.positives.length === 0) throw new Error(`sampleCandidates: query ${JSON.stringify(record.queryId)} has no positive`);
  const rng = SeededRandom.from(opts.seed, opts.epoch ?? 0, record.queryId);
  const positive = record.positives[rng.int(record.positives.length)]!;
  const pool = record.negatives;
  if (n > 0 && pool.length === 0) throw new Error(`sampleCandidates: query ${JSON.stringify(record.queryId)} has no negatives to draw ${n} from`);
  if (pool.length < n && (opts.short ?? "repeat") === "error") {
    throw new Error(`sampleCandidates: query ${JSON.stringify(record.queryId)} has ${pool.length} scored negatives, fewer than the ${n} asked for`);
  }
  const order = rng.sampleIndices(pool.length, Math.min(n, pool.length));
  const docIds = [positive.docId];
  const scores = [positive.score];
  for (let i = 0; i < n; i++) {
    const neg = pool[order[i % order.length]!]!;
    docIds.push(neg.docId);
    scores.push(neg.score);
  }
  return { queryId: record.queryId, docIds, scores };
}

/** {@link sampleCandidates} for every record, in order. */
export function sampleCandidateLists(records: Iterable<KdRecord>, opts: CandidateOptions): CandidateList[] {
  return [...records].map((r) => sampleCandidates(r, opts));
}
