/**
 * The in-memory inverted index BM25 searches: one field (BEIR title + " " + text), postings with
 * term frequencies in compressed-sparse-row typed arrays, and exact document lengths.
 */
import type { AnalyzerSettings } from "../analysis/index.js";

/**
 * An inverted index. Documents are numbered 0..numDocs-1 in insertion order; terms 0..numTerms-1
 * in order of first occurrence. The postings of term t are entries `offsets[t]` up to (excluding)
 * `offsets[t + 1]` of `postingDocs` (ascending document numbers) and `postingFreqs`.
 */
export interface InvertedIndex {
  /** The analyzer that produced the terms; queries must be analysed the same way. */
  readonly analyzer: AnalyzerSettings;
  /** External document ids, by document number. */
  readonly docIds: readonly string[];
  /** Terms, by term number. */
  readonly terms: readonly string[];
  /** Term -> term number. */
  readonly termIds: ReadonlyMap<string, number>;
  /** Posting-list boundaries, length numTerms + 1. */
  readonly offsets: Uint32Array;
  /** Document number of each posting. */
  readonly postingDocs: Uint32Array;
  /** Term frequency of each posting (>= 1). */
  readonly postingFreqs: Uint32Array;
  /** Number of terms of each document after analysis (exact, not quantised). */
  readonly docLengths: Uint32Array;
  /** Documents with at least one term: Lucene's `docCount`, BM25's N. */
  readonly docCount: number;
  /** Sum of all document lengths: Lucene's `sumTotalTermFreq`. */
  readonly sumTotalTermFreq: number;
}

/** Number of documents containing term number `termId` (its posting-list length). */
export function docFreq(index: InvertedIndex, termId: number): number {
  return index.offsets[termId + 1]! - index.offsets[termId]!;
}

/** Builds the `termIds` lookup of a term list, rejecting duplicates (corrupt input). */
export function termIdMap(terms: readonly string[], source: string): Map<string, number> {
  const map = new Map<string, number>();
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    if (map.has(term)) throw new Error(`${source}: duplicate term ${JSON.stringify(term)}`);
    map.set(term, t);
  }
  return map;
}
