/**
 * The contract every pseudo-query source implements. A source turns passages into short
 * query-like texts (I3's reconstruction targets during warm-up, Dong et al. CIKM 2023 sec. 3.3:
 * the authors used generated queries; an earlier version used RAKE keywords).
 */
import type { Passage } from "@i3/data";

/** Options handed to {@link PseudoQuerySource.generate}. */
export interface SourceGenerateOptions {
  /** Run seed. A source must be deterministic per (seed, pid), whatever the batching. */
  seed: number;
  /** Called with the number of passages consumed so far (sources call it at least once per batch). */
  onProgress?: (done: number) => void;
}

/** A pluggable pseudo-query generator. */
export interface PseudoQuerySource {
  /** Short identifier, e.g. `rake`; names the cache folder. Letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /**
   * Every setting that changes the output (JSON-serialisable). Part of the cache key: a cache
   * written with other params is stale.
   */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * Pseudo-queries for `passages`, as `[pid, text]` pairs in passage order. A source may skip a
   * passage (e.g. the training-query source for a passage no training query judged relevant).
   */
  generate(passages: Iterable<Passage> | AsyncIterable<Passage>, options: SourceGenerateOptions): AsyncIterable<[string, string]>;
}
