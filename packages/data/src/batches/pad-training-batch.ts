import { padBatch } from "../tokenizer/index.js";
import type { EncodedBatch, Padding } from "../tokenizer/index.js";
import type { TrainingBatch } from "./training-batches.js";

/** Options of {@link padTrainingBatch}. */
export interface PadTrainingBatchOptions {
  /** The tokenizer's pad id (`I3Tokenizer` special tokens). */
  padId: number;
  /** Longest query row allowed (token lookups must already truncate). Default 32. */
  queryMaxLength?: number;
  /** Longest passage row allowed. Default 128. */
  passageMaxLength?: number;
  /** `longest` (default) or `max_length`. */
  padding?: Padding;
}

/**
 * Pads a batch's unpadded token rows into row-major `[B, Lq]` and `[B*(1+n), Lp]` arrays with
 * attention masks, using the tokenizer module's `padBatch` (token type ids all 0: single texts).
 * Mirrors Tevatron's `QPCollator` (texttron/tevatron `src/tevatron/data.py`), which pads queries
 * and passages separately. A row longer than its maximum throws: truncation belongs to tokenizing.
 */
export function padTrainingBatch(
  batch: TrainingBatch,
  options: PadTrainingBatchOptions,
): { queries: EncodedBatch; passages: EncodedBatch } {
  const rows = (list: readonly Int32Array[]) => list.map((ids) => ({ ids, typeIds: new Int32Array(ids.length) }));
  const padding = options.padding ?? "longest";
  return {
    queries: padBatch(rows(batch.queryTokens), options.padId, { maxLength: options.queryMaxLength ?? 32, padding }),
    passages: padBatch(rows(batch.passageTokens), options.padId, { maxLength: options.passageMaxLength ?? 128, padding }),
  };
}
