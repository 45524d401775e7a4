/**
 * @i3/search: first-stage retrieval. BM25 exactly as Lucene's BM25Similarity with Anserini's
 * English analyzer (`bm25/`, `analysis/`); exact dense search will live next to it.
 */
export * from "./analysis/index.js";
export * from "./bm25/index.js";
