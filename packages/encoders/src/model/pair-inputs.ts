/**
 * Cross-encoder pair inputs, as HF tokenizers build them for BERT:
 *   ids  = [CLS] q [SEP] p [SEP] [PAD]...
 *   type =  0    0  0    1  1    0...
 *   mask =  1    1  1    1  1    0...
 * Too-long pairs are truncated "longest first", as google-research/bert `_truncate_seq_pair`:
 * one token at a time from the end of whichever of q and p is currently longer (p on ties),
 * until the pair fits.
 */

/** Special token ids of the vocabulary. */
export interface SpecialTokenIds {
  cls: number;
  sep: number;
  pad: number;
}

/** Row-major [B, S] int arrays ready for `tf.tensor2d(..., "int32")`. */
export interface PairBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  /** [B, S]. */
  shape: [number, number];
}

/** Truncates q and p (copies) so that q.length + p.length <= budget, longest first. */
export function truncateLongestFirst(q: readonly number[], p: readonly number[], budget: number): [number[], number[]] {
  let nq = q.length;
  let np = p.length;
  while (nq + np > budget) {
    if (np >= nq) np--;
    else nq--;
  }
  return [q.slice(0, nq), p.slice(0, np)];
}

/**
 * Builds a padded pair batch from query and passage token ids (without special tokens).
 * S = min(maxLength, longest pair + 3); maxLength must be >= 3.
 */
export function pairInputs(queries: readonly (readonly number[])[], passages: readonly (readonly number[])[], special: SpecialTokenIds, maxLength: number): PairBatch {
  if (queries.length !== passages.length) throw new Error(`pairInputs: ${queries.length} queries vs ${passages.length} passages`);
  if (maxLength < 3) throw new Error(`pairInputs: maxLength must be >= 3, got ${maxLength}`);
  const pairs = queries.map((q, i) => truncateLongestFirst(q, passages[i]!, maxLength - 3));
  const S = Math.max(3, ...pairs.map(([q, p]) => q.length + p.length + 3));
  const B = pairs.length;
  const inputIds = new Int32Array(B * S).fill(special.pad);
  const attentionMask = new Int32Array(B * S);
  const tokenTypeIds = new Int32Array(B * S);
  pairs.forEach(([q, p], b) => {
    const row = [special.cls, ...q, special.sep, ...p, special.sep];
    const firstSegment = q.length + 2;
    row.forEach((id, s) => {
      inputIds[b * S + s] = id;
      attentionMask[b * S + s] = 1;
      tokenTypeIds[b * S + s] = s < firstSegment ? 0 : 1;
    });
  });
  return { inputIds, attentionMask, tokenTypeIds, shape: [B, S] };
}
