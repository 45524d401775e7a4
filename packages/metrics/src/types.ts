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
