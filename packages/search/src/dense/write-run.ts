/** Dense search straight to a TREC run file. */
import { writeTrecRun } from "@i3/data";
import type { DenseIndex } from "./dense-index.js";
import type { ExactSearchOptions } from "./exact-search.js";

/** Options of {@link writeDenseRun}. */
export interface WriteDenseRunOptions extends ExactSearchOptions {
  /** Run tag (last column). Default `"dense"`. */
  tag?: string;
}

/**
 * Searches `index` for each query (`queryVectors` is `[queryIds.length, dim]`) and writes the
 * top `k` as a TREC run at `path`, atomically (gzip on `.gz`).
 */
export async function writeDenseRun(
  path: string,
  index: DenseIndex,
  queryIds: readonly string[],
  queryVectors: Float32Array,
  k: number,
  options: WriteDenseRunOptions = {},
): Promise<void> {
  const { tag = "dense", ...search } = options;
  await writeTrecRun(path, index.searchToRun(queryIds, queryVectors, k, search), { tag });
}
