/**
 * Host-side ids of the query reconstructor (no tensors).
 *
 * - Slot ids: [CLS], (m - 2) x [MASK], [SEP], what the reference feeds its decoder: the
 *   tokenizer applied to " ".join([MASK] * m) with max_length m (III-Retriever
 *   `src/dataset_factory.py`, `DualEncoderTrainDataset._collate_fn`), all slots unpadded.
 * - Reconstruction targets: the target query's word pieces WITHOUT [CLS]/[SEP], left-aligned
 *   from slot 0, truncated to m and padded with the ignore index: the reference's
 *   `tokenizer(q, padding="max_length", max_length=m, add_special_tokens=False)` with pads
 *   replaced by -100. So slot k predicts the query's k-th word piece.
 */

/** The m slot ids [CLS] [MASK]^(m-2) [SEP]. */
export function slotIds(m: number, special: { cls: number; sep: number; mask: number }): Int32Array {
  if (!(Number.isInteger(m) && m >= 2)) throw new RangeError(`slots must be an integer >= 2, got ${m}`);
  const ids = new Int32Array(m).fill(special.mask);
  ids[0] = special.cls;
  ids[m - 1] = special.sep;
  return ids;
}

/** PyTorch's CrossEntropyLoss ignore index, used for padded target positions. */
export const IGNORE_INDEX = -100;

/**
 * Reconstruction labels [m] from a tokenised target: a leading [CLS] and a trailing [SEP] are
 * dropped (pass `tokenizer.encode(text).ids` as is), the rest is truncated to m and padded
 * with `ignoreIndex` (default -100). `undefined` (a passage without target) gives all-ignored
 * labels, which add nothing to the loss.
 */
export function reconstructionTargets(
  tokens: ArrayLike<number> | undefined,
  m: number,
  special: { cls: number; sep: number },
  ignoreIndex = IGNORE_INDEX,
): Int32Array {
  const out = new Int32Array(m).fill(ignoreIndex);
  if (tokens === undefined) return out;
  let from = 0;
  let to = tokens.length;
  if (to > 0 && tokens[0] === special.cls) from = 1;
  if (to > from && tokens[to - 1] === special.sep) to -= 1;
  for (let i = from, k = 0; i < to && k < m; i++, k++) out[k] = tokens[i]!;
  return out;
}
