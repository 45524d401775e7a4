/**
 * The in-memory shapes every package agrees on. They are plain Maps (the same shape as
 * pytrec_eval / ir_measures dicts), so `@i3/metrics` and `@i3/search` accept them structurally
 * without importing this package.
 */

/** Relevance judgments: query id -> document id -> grade (integer; may be 0 or negative). */
export type Qrels = Map<string, Map<string, number>>;

/** A ranked run: query id -> document id -> score (higher is better). */
export type Run = Map<string, Map<string, number>>;

/**
 * A run in typed arrays, for files too large for a Map per query (`loadTrecRunPacked`): query
 * `qids[q]` owns rows `queryStart[q]` .. `queryStart[q + 1] - 1`; row `r` has score `scores[r]`
 * and the document id whose UTF-8 bytes are `idBytes[idStart[r] .. idStart[r + 1])`. Query ids
 * are distinct, and so are the document ids of one query. `@i3/metrics`' `evaluate` takes it as
 * it takes a {@link Run}.
 */
export interface PackedRun {
  /** Query ids, each once, in the order the file first lists them. */
  readonly qids: readonly string[];
  /** Row offsets per query: length `qids.length + 1`, non-decreasing, from 0 to the row count. */
  readonly queryStart: Uint32Array;
  /** One score per row. */
  readonly scores: Float64Array;
  /** The document ids' UTF-8 bytes, concatenated in row order. */
  readonly idBytes: Uint8Array;
  /** Byte offsets of the document ids: length row count + 1. */
  readonly idStart: Uint32Array;
}

/** One passage of a corpus. BEIR `title` is "" when absent. */
export interface Passage {
  id: string;
  title: string;
  text: string;
}

/** One query (topic). */
export interface Query {
  id: string;
  text: string;
}

/**
 * A retrieval collection: a corpus, queries and qrels by split. Every dataset of the registry
 * (`default`, `msmarco-passage`, `beir/<name>`, `local:<dir>`) resolves to this.
 */
export interface Collection {
  /** Registry name, e.g. `default` or `beir/scifact`. */
  readonly name: string;
  /** Folder holding the files, when the collection lives on disk. */
  readonly dir: string;
  /** Splits that have qrels, e.g. `["train", "dev", "test"]`. */
  readonly splits: readonly string[];
  /**
   * An identity of the content the collection serves (corpus, queries, qrels), independent of
   * where the files sit: caches derived from it (indexes, token files, the runner's stages) are
   * rebuilt when it changes and kept when the same bytes move.
   */
  fingerprint(): Promise<string>;
  /** Streams the corpus in file order, in constant memory. */
  corpus(): AsyncIterable<Passage>;
  /** The queries that have judgments in `split` (throws on an unknown split). */
  queries(split: string): Promise<Query[]>;
  /** The judgments of `split` (throws on an unknown split). */
  qrels(split: string): Promise<Qrels>;
}
