/**
 * Lucene's one-byte document-length norms: `SmallFloat.intToByte4` / `byte4ToInt`
 * (org.apache.lucene.util.SmallFloat, used by `Similarity.computeNorm` since Lucene 7).
 *
 * Lengths 0..23 are stored exactly; larger lengths keep 4 significant bits (the leading 1 and 3
 * more), i.e. they are rounded *down* to one of 8 values per power of two: 24 + (8..15) << shift.
 * BM25Similarity scores with the decoded length, so e.g. every document of 152..167 terms is
 * scored as if it had 152.
 */

/** `longToInt4`: 4-bit float encoding of a non-negative integer (3 mantissa bits + exponent). */
function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i; // subnormal
  const shift = numBits - 4;
  let encoded = (i >>> shift) & 0x07; // drop the implicit leading bit
  encoded |= (shift + 1) << 3;
  return encoded;
}

/** `int4ToLong`: inverse of {@link longToInt4} (to the retained precision). */
function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** Lucene's `NUM_FREE_VALUES` = 255 - longToInt4(Integer.MAX_VALUE) = 24. */
const NUM_FREE_VALUES = 255 - longToInt4(0x7fffffff);

/** Encodes a document length (>= 0, < 2^31) to Lucene's one-byte norm (0..255). */
export function intToByte4(length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > 0x7fffffff) {
    throw new RangeError(`intToByte4: length must be an integer in [0, 2^31), got ${length}`);
  }
  return length < NUM_FREE_VALUES ? length : NUM_FREE_VALUES + longToInt4(length - NUM_FREE_VALUES);
}

/** Decodes a one-byte norm (0..255) back to the length Lucene scores with. */
export function byte4ToInt(norm: number): number {
  return norm < NUM_FREE_VALUES ? norm : NUM_FREE_VALUES + int4ToLong(norm - NUM_FREE_VALUES);
}

/** The length a document of `length` terms is scored with under Lucene's norms. */
export function quantizeLength(length: number): number {
  return byte4ToInt(intToByte4(length));
}
