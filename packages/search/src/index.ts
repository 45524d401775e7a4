/**
 * @i3/search: first-stage retrieval. BM25 exactly as Lucene's BM25Similarity with Anserini's
 * English analyzer (`bm25/`, `analysis/`), and exact dense (inner-product) search over
 * on-disk vector indexes (`dense/`); token-state stores for re-rankers that read stored
 * per-token passage states (`token-states/`, MICE).
 */
export * from "./analysis/index.js";
export * from "./bm25/index.js";
export * from "./dense/index.js";
export * from "./token-states/index.js";
