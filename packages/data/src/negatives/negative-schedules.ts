import { SeededRandom } from "@i3/core";

/**
 * How a query's negative pool is drawn in a given epoch:
 * - `"random"`: a uniform sample without replacement, seeded by (seed, epoch, qid).
 * - `"strided"`: the I3 reference's schedule (Deriq-Qian-Dong/III-Retriever
 *   `src/dataset_factory.py`, `DualEncoderTrainDataset.sample`, lines 127-136 at commit 052f783):
 *   `interval = len // n; offset = epoch % interval; pool[offset::interval][:n]`.
 * - `"tevatron"`: Tevatron's `TrainDataset.__getitem__` (texttron/tevatron `src/tevatron/data.py`):
 *   the pool is shuffled once per query with a fixed seed, and epoch e takes the window
 *   `[e*n mod len, e*n mod len + n)` of that permutation, wrapping around, so consecutive epochs
 *   walk through the whole pool before repeating.
 */
export type NegativeSchedule = "random" | "strided" | "tevatron";

/** Identifies one draw: the same (seed, epoch, qid) always gives the same negatives. */
export interface ScheduleKey {
  seed: number;
  /** Non-negative integer. The I3 reference numbers epochs from 1, Tevatron from 0. */
  epoch: number;
  qid: string;
}

/** Throws unless `key.seed` is a safe integer and `key.epoch` a non-negative safe integer. */
export function checkScheduleKey(key: ScheduleKey): void {
  if (!Number.isSafeInteger(key.seed)) throw new RangeError(`seed must be a safe integer, got ${key.seed}`);
  if (!Number.isSafeInteger(key.epoch) || key.epoch < 0) {
    throw new RangeError(`epoch must be a non-negative integer, got ${key.epoch}`);
  }
}

/**
 * The order in which the pool (`length` candidates, in rank order) is drawn for this epoch, as
 * pool indices: the first `min(n, length)` are the schedule's picks, the rest (each remaining
 * index once) the spare order from which conflicting picks are replaced. For `"strided"` the
 * spares are the unpicked candidates in rank order; for `"random"` the continuation of the same
 * random permutation; for `"tevatron"` the continuation of the wrapped window.
 * When `length <= n` every schedule picks the whole pool (the reference pads before striding, so
 * `interval = 1, offset = 0`); see `sampleNegatives` for the padding.
 */
export function* scheduleOrder(
  length: number,
  n: number,
  schedule: NegativeSchedule,
  key: ScheduleKey,
): Generator<number, void, undefined> {
  checkScheduleKey(key);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of negatives must be an integer >= 0, got ${n}`);
  switch (schedule) {
    case "random": {
      yield* SeededRandom.from(key.seed, key.epoch, key.qid, "negatives").permutation(length);
      return;
    }
    case "strided": {
      if (length <= n || n === 0) {
        for (let i = 0; i < length; i++) yield i;
        return;
      }
      const interval = Math.floor(length / n);
      const offset = key.epoch % interval;
      const picked = new Uint8Array(length);
      for (let i = 0; i < n; i++) {
        const index = offset + i * interval;
        picked[index] = 1;
        yield index;
      }
      for (let i = 0; i < length; i++) if (picked[i] === 0) yield i;
      return;
    }
    case "tevatron": {
      const permutation = SeededRandom.from(key.seed, key.qid, "tevatron").shuffle(Int32Array.from({ length }, (_, i) => i));
      const offset = length <= n ? 0 : (key.epoch * n) % length;
      for (let i = 0; i < length; i++) yield permutation[(offset + i) % length] as number;
      return;
    }
    default:
      throw new RangeError(`unknown negative schedule "${String(schedule)}" (expected random, strided or tevatron)`);
  }
}
