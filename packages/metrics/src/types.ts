/**
 * The in-memory inputs of every evaluator. Plain Maps, the same shape as pytrec_eval /
 * ir_measures dicts and structurally identical to `@i3/data`'s types, so metrics never needs
 * to import the data package.
 */

/** Relevance judgments: query id -> document id -> integer grade (0 or negative = not relevant). */
export type Qrels = Map<string, Map<string, number>>;

/** A ranked run: query id -> document id -> score (higher ranks first). */
export type Run = Map<string, Map<string, number>>;

/** Read-only views accepted by the evaluators (a `Qrels` or `Run` is assignable to them). */
export type QrelsLike = ReadonlyMap<string, ReadonlyMap<string, number>>;
/** Read-only view of a run. */
export type RunLike = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * A run in typed arrays, the shape `@i3/data`'s `loadTrecRunPacked` returns for large files:
 * no string or Map per document. Query `qids[q]` owns rows `queryStart[q]` .. `queryStart[q + 1] - 1`;
 * row `r` has score `scores[r]` and the document id whose UTF-8 bytes are
 * `idBytes[idStart[r] .. idStart[r + 1])`. Query ids are distinct, and so are the document ids of
 * one query (the loader checks; {@link packRun} cannot produce a duplicate).
 */
export interface PackedRun {
  /** Query ids, each once. */
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
