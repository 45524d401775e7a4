/** BM25 (Lucene BM25Similarity / Anserini): index building, persistence, search and runs. */
export { intToByte4, byte4ToInt, quantizeLength } from "./small-float.js";
export {
  DEFAULT_BM25_PARAMS,
  bm25Idf,
  bm25AvgLength,
  bm25NormInverse,
  bm25NormInverses,
  bm25TermScore,
  validateBm25Params,
  type Bm25Params,
} from "./similarity.js";
export { docFreq, type InvertedIndex } from "./inverted-index.js";
export { IndexBuilder, buildIndex, passageText, type IndexProgress } from "./index-builder.js";
export {
  TopKCollector,
  ascendingIdRanks,
  largestKeys,
  packScoreKey,
  unpackScoreKey,
  MAX_PACKED_DOCS,
  type TopK,
} from "./top-k.js";
export { Bm25Searcher, bm25Run, DEFAULT_K, type Bm25Hit, type Bm25RunOptions } from "./searcher.js";
export {
  saveIndex,
  loadIndex,
  readIndexManifest,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  type IndexManifest,
} from "./persistence.js";
export {
  runBm25OnCollection,
  indexForCollection,
  type RunBm25Options,
  type Bm25Progress,
} from "./run-on-collection.js";
