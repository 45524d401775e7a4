/**
 * BM25 retrieval over an {@link InvertedIndex}: term-at-a-time score accumulation over the
 * postings into a dense Float64Array, then top-k selection. Scores follow Lucene's
 * BM25Similarity to the float (see similarity.ts), so rankings match Anserini's up to
 * analyzer differences and tie order.
 */
import type { Query, Run } from "@i3/data";
import { createEnglishAnalyzer, type Analyzer } from "../analysis/index.js";
import type { InvertedIndex } from "./inverted-index.js";
import {
  DEFAULT_BM25_PARAMS,
  bm25AvgLength,
  bm25Idf,
  bm25NormInverses,
  validateBm25Params,
  type Bm25Params,
} from "./similarity.js";
import {
  MAX_PACKED_DOCS,
  TopKCollector,
  ascendingIdRanks,
  largestKeys,
  packScoreKey,
  unpackScoreKey,
  type TopK,
} from "./top-k.js";

/** Default number of results per query (the BEIR / Anserini depth). */
export const DEFAULT_K = 1000;

const f32 = Math.fround;

/** One retrieved document. */
export interface Bm25Hit {
  readonly docId: string;
  readonly score: number;
}

/** Searches one index with fixed BM25 parameters; reuse it for many queries. */
export class Bm25Searcher {
  readonly params: Bm25Params;
  readonly analyzer: Analyzer;
  readonly avgdl: number;
  private readonly normInverse: Float32Array;
  private readonly tieRank: Uint32Array;
  /** Document number by tie rank (inverse of `tieRank`). */
  private readonly docByTieRank: Uint32Array;
  private readonly accumulator: Float64Array;
  private readonly touched: Uint32Array;
  /** Packed (score, tie rank) keys of the touched documents, when the collection is small enough. */
  private readonly keys: Float64Array | undefined;

  constructor(
    readonly index: InvertedIndex,
    params: Partial<Bm25Params> = {},
  ) {
    this.params = { ...DEFAULT_BM25_PARAMS, ...params };
    validateBm25Params(this.params);
    this.analyzer = createEnglishAnalyzer(index.analyzer);
    this.avgdl = bm25AvgLength(index.sumTotalTermFreq, index.docCount);
    this.normInverse = bm25NormInverses(index.docLengths, this.avgdl, this.params);
    const numDocs = index.docIds.length;
    this.tieRank = ascendingIdRanks(index.docIds);
    this.docByTieRank = new Uint32Array(numDocs);
    for (let d = 0; d < numDocs; d++) this.docByTieRank[this.tieRank[d]!] = d;
    this.accumulator = new Float64Array(numDocs);
    this.touched = new Uint32Array(numDocs);
    this.keys = numDocs <= MAX_PACKED_DOCS ? new Float64Array(numDocs) : undefined;
  }

  /**
   * Analysed query terms that occur in the index, each with its count in the query (the boost
   * Lucene's BooleanQuery rewrite gives repeated SHOULD clauses). Unknown terms score nothing.
   */
  queryTerms(text: string): Array<{ termId: number; boost: number }> {
    const counts = new Map<number, number>();
    for (const term of this.analyzer.analyze(text)) {
      const termId = this.index.termIds.get(term);
      if (termId !== undefined) counts.set(termId, (counts.get(termId) ?? 0) + 1);
    }
    return [...counts].map(([termId, boost]) => ({ termId, boost }));
  }

  /** The top `k` documents for `text` as document numbers and scores, best first. */
  searchDocs(text: string, k = DEFAULT_K): TopK {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`BM25 search: k must be a positive integer, got ${k}`);
    const { offsets, postingDocs, postingFreqs, docCount } = this.index;
    const acc = this.accumulator;
    const touched = this.touched;
    const normInverse = this.normInverse;
    let numTouched = 0;
    for (const { termId, boost } of this.queryTerms(text)) {
      const start = offsets[termId]!;
      const end = offsets[termId + 1]!;
      const weight = f32(boost * bm25Idf(end - start, docCount));
      for (let p = start; p < end; p++) {
        const d = postingDocs[p]!;
        // Lucene: weight - weight / (1 + tf * normInverse), every step in float32.
        const s = f32(weight - f32(weight / f32(1 + f32(postingFreqs[p]! * normInverse[d]!))));
        if (acc[d] === 0) touched[numTouched++] = d;
        acc[d]! += s;
      }
    }
    return this.selectTopK(numTouched, k);
  }

  /** Top k of the `count` touched documents (score desc, then doc id desc); clears the accumulator. */
  private selectTopK(count: number, k: number): TopK {
    const acc = this.accumulator;
    const touched = this.touched;
    const keys = this.keys;
    if (keys === undefined) {
      const collector = new TopKCollector(Math.max(1, Math.min(k, count)), this.tieRank);
      for (let i = 0; i < count; i++) {
        const d = touched[i]!;
        collector.offer(d, f32(acc[d]!));
        acc[d] = 0;
      }
      return collector.drain();
    }
    const tieRank = this.tieRank;
    for (let i = 0; i < count; i++) {
      const d = touched[i]!;
      keys[i] = packScoreKey(acc[d]!, tieRank[d]!);
      acc[d] = 0;
    }
    const top = largestKeys(keys, count, k);
    const docs = new Uint32Array(top.length);
    const scores = new Float64Array(top.length);
    for (let i = 0; i < top.length; i++) {
      const { score, tieRank: rank } = unpackScoreKey(top[i]!);
      docs[i] = this.docByTieRank[rank]!;
      scores[i] = score;
    }
    return { docs, scores };
  }

  /** The top `k` documents for `text`, best first (score desc, ties by doc id desc). */
  search(text: string, k = DEFAULT_K): Bm25Hit[] {
    const { docs, scores } = this.searchDocs(text, k);
    const hits: Bm25Hit[] = [];
    for (let i = 0; i < docs.length; i++) hits.push({ docId: this.index.docIds[docs[i]!]!, score: scores[i]! });
    return hits;
  }
}

/** Options of {@link bm25Run}. */
export interface Bm25RunOptions extends Partial<Bm25Params> {
  /** Results per query (default 1000). */
  k?: number;
  /** Called after each query with the number of queries done so far. */
  onProgress?: (queriesDone: number, total: number) => void;
}

/**
 * Runs BM25 for every query and returns a run (query id -> doc id -> score, each query's
 * documents inserted best first). A query with no indexed term gets an empty result map.
 * Throws on a duplicate query id.
 */
export function bm25Run(
  index: InvertedIndex | Bm25Searcher,
  queries: Iterable<Query>,
  options: Bm25RunOptions = {},
): Run {
  const { k = DEFAULT_K, onProgress, ...params } = options;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`bm25Run: k must be a positive integer, got ${k}`);
  const searcher = index instanceof Bm25Searcher ? index : new Bm25Searcher(index, params);
  const list = [...queries];
  const run: Run = new Map();
  for (const query of list) {
    if (run.has(query.id)) throw new Error(`bm25Run: duplicate query id ${JSON.stringify(query.id)}`);
    const { docs, scores } = searcher.searchDocs(query.text, k);
    const ranked = new Map<string, number>();
    for (let i = 0; i < docs.length; i++) ranked.set(searcher.index.docIds[docs[i]!]!, scores[i]!);
    run.set(query.id, ranked);
    onProgress?.(run.size, list.length);
  }
  return run;
}
