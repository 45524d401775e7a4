import { SeededRandom, seedFromParts } from "@i3/core";

/**
 * Which positive a query uses in an epoch when it has several:
 * - `"rotate"` (default): Tevatron's `TrainDataset.__getitem__` (texttron/tevatron
 *   `src/tevatron/data.py`): `positives[(hash(item + seed) + epoch) % len(positives)]`, here with
 *   `seedFromParts(seed, qid)` for the per-query hash, so every positive is used in turn.
 * - `"first"`: Tevatron's `positive_passage_no_shuffle`: always the first (qrels order).
 * - `"random"`: the I3 reference's `random.choice(self.qrels.get(qid))`
 *   (Deriq-Qian-Dong/III-Retriever `src/dataset_factory.py`, `DualEncoderTrainDataset.__getitem__`),
 *   here seeded by (seed, epoch, qid).
 */
export type PositivePolicy = "rotate" | "first" | "random";

/** The positive of `qid` for `epoch` under `policy` (see {@link PositivePolicy}); `positives` non-empty. */
export function choosePositive(
  positives: readonly string[],
  policy: PositivePolicy,
  key: { seed: number; epoch: number; qid: string },
): string {
  if (positives.length === 0) throw new Error(`query "${key.qid}" has no positive`);
  let index: number;
  switch (policy) {
    case "first":
      index = 0;
      break;
    case "rotate":
      index = (seedFromParts(key.seed, key.qid) + key.epoch) % positives.length;
      break;
    case "random":
      index = SeededRandom.from(key.seed, key.epoch, key.qid, "positive").int(positives.length);
      break;
    default:
      throw new RangeError(`unknown positive policy "${String(policy)}" (expected rotate, first or random)`);
  }
  return positives[index] as string;
}
