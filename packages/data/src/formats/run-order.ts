/**
 * The canonical order of a run's documents (DESIGN.md section 4, as trec_eval): score
 * descending, ties broken by docid descending (plain string comparison). Rank columns in files
 * are ignored by evaluation; writers derive ranks 1..n from this order.
 */

/** Compares two `[docid, score]` pairs in canonical run order. */
export function compareRunEntries(a: readonly [string, number], b: readonly [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0;
}

/** One query's documents as `[docid, score]` pairs in canonical order (rank i+1 at index i). */
export function rankDocuments(docs: ReadonlyMap<string, number>): [string, number][] {
  return [...docs].sort(compareRunEntries);
}
