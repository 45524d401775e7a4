/**
 * BM25 exactly as Lucene's `BM25Similarity` (Lucene 8-10; the similarity Anserini and Pyserini use
 * for their BM25 baselines; Robertson et al., "Okapi at TREC-3", 1994):
 *
 *   score(q, d) = sum over query terms t of  boost_t * idf(t) * tf / (tf + k1 * (1 - b + b * dl / avgdl))
 *   idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))
 *   avgdl       = sumTotalTermFreq / N
 *
 * N = documents with at least one term (Lucene's `docCount`), df = documents containing t,
 * tf = occurrences of t in d, dl = terms in d after analysis (stopwords do not count), and
 * boost_t = how often t occurs in the analysed query (Lucene's BooleanQuery rewrite merges
 * repeated SHOULD clauses into one clause boosted by the count). Lucene drops the constant
 * (k1 + 1) factor of the classic formula; rankings are unchanged.
 *
 * Like Lucene, dl is the *quantised* length `byte4ToInt(intToByte4(dl))` (see small-float.ts)
 * unless `quantizeLengths` is false (Anserini's `-bm25.accurate`), and the arithmetic is done in
 * 32-bit floats in Lucene's order: weight = f32(boost * idf); normInverse = 1 / (k1 * ((1 - b) +
 * b * dl / avgdl)); score = weight - weight / (1 + tf * normInverse). Term scores are summed in
 * double precision and the total is rounded to a 32-bit float, as Lucene's disjunction scorers do.
 */
import { byte4ToInt, intToByte4 } from "./small-float.js";

/** BM25 parameters. */
export interface Bm25Params {
  /** Term-frequency saturation; Anserini/Pyserini BEIR and MS MARCO baselines use 0.9. */
  readonly k1: number;
  /** Length normalisation strength in [0, 1]; the baselines use 0.4. */
  readonly b: number;
  /** Score with Lucene's one-byte quantised document lengths (default true, as Lucene/Anserini). */
  readonly quantizeLengths: boolean;
}

/** k1 = 0.9, b = 0.4, quantised lengths: Anserini's BEIR and MS MARCO BM25 settings. */
export const DEFAULT_BM25_PARAMS: Bm25Params = Object.freeze({ k1: 0.9, b: 0.4, quantizeLengths: true });

const f32 = Math.fround;

/** Throws unless k1 is finite and >= 0 and b is in [0, 1] (Lucene's checks). */
export function validateBm25Params(params: Bm25Params): void {
  if (!Number.isFinite(params.k1) || params.k1 < 0) {
    throw new RangeError(`BM25: illegal k1 value ${params.k1}, must be a non-negative finite value`);
  }
  if (Number.isNaN(params.b) || params.b < 0 || params.b > 1) {
    throw new RangeError(`BM25: illegal b value ${params.b}, must be between 0 and 1`);
  }
}

/** Lucene BM25 idf as a 32-bit float: f32(ln(1 + (N - df + 0.5) / (df + 0.5))), computed in double. */
export function bm25Idf(docFreq: number, docCount: number): number {
  return f32(Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
}

/** Lucene's average field length: f32(sumTotalTermFreq / docCount). */
export function bm25AvgLength(sumTotalTermFreq: number, docCount: number): number {
  return docCount === 0 ? 1 : f32(sumTotalTermFreq / docCount);
}

/** 1 / (k1 * ((1 - b) + b * dl / avgdl)) in Lucene's float arithmetic, for a (decoded) length dl. */
export function bm25NormInverse(dl: number, avgdl: number, params: Bm25Params): number {
  const k1 = f32(params.k1);
  const b = f32(params.b);
  return f32(1 / f32(k1 * f32(f32(1 - b) + f32(f32(b * dl) / avgdl))));
}

/**
 * Per-document normInverse for all documents of an index: Lucene's 256-entry cache over decoded
 * norms when `quantizeLengths`, else the exact length.
 */
export function bm25NormInverses(docLengths: Uint32Array, avgdl: number, params: Bm25Params): Float32Array {
  const out = new Float32Array(docLengths.length);
  if (params.quantizeLengths) {
    const cache = new Float32Array(256);
    for (let i = 0; i < 256; i++) cache[i] = bm25NormInverse(byte4ToInt(i), avgdl, params);
    for (let d = 0; d < docLengths.length; d++) out[d] = cache[intToByte4(docLengths[d]!)]!;
  } else {
    for (let d = 0; d < docLengths.length; d++) out[d] = bm25NormInverse(docLengths[d]!, avgdl, params);
  }
  return out;
}

/** One term's score in Lucene's float arithmetic: weight - weight / (1 + tf * normInverse). */
export function bm25TermScore(weight: number, tf: number, normInverse: number): number {
  return f32(weight - f32(weight / f32(1 + f32(tf * normInverse))));
}
