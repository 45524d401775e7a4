/**
 * Batch encoding into plain row-major typed arrays (no tensors): `[CLS] text [SEP]` rows,
 * truncated to a maximum length that keeps the special tokens, padded with the pad id, with an
 * attention mask (1 = token, 0 = padding) and token type ids, like transformers'
 * `tokenizer(texts, padding=..., truncation=True, max_length=...)`.
 */
import type { Passage } from "../types.js";
import type { EncodedIds, I3Tokenizer } from "./i3-tokenizer.js";

/** Row-major `[batchSize, seqLength]` arrays ready to become int32 tensors. */
export interface EncodedBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  batchSize: number;
  seqLength: number;
}

/** `longest`: pad to the longest row of the batch; `max_length`: pad every row to `maxLength`. */
export type Padding = "longest" | "max_length";

/** Options of {@link encodeBatch} and {@link encodePairs}. */
export interface BatchEncodingOptions {
  /** Maximum tokens per row, special tokens included. */
  maxLength: number;
  /** Default `longest`. */
  padding?: Padding;
}

/** Maximum lengths and padding for queries, passages and (cross-encoder) pairs. */
export interface EncodingConfig {
  queryMaxLength: number;
  passageMaxLength: number;
  pairMaxLength: number;
  padding: Padding;
}

/** Tevatron/DPR-style defaults: queries 32, passages 128, pairs 160, pad to the longest row. */
export const DEFAULT_ENCODING_CONFIG: Readonly<EncodingConfig> = Object.freeze({
  queryMaxLength: 32,
  passageMaxLength: 128,
  pairMaxLength: 160,
  padding: "longest",
});

/** The text a passage is encoded from: `title text` (BEIR style), or `text` when untitled. */
export function passageText(passage: Passage): string {
  return passage.title ? `${passage.title} ${passage.text}` : passage.text;
}

/**
 * Pads already encoded rows (e.g. from a token cache) into an {@link EncodedBatch}. A row longer
 * than `maxLength` is an error: truncate when encoding, not here.
 */
export function padBatch(rows: readonly EncodedIds[], padId: number, options: BatchEncodingOptions): EncodedBatch {
  const { maxLength, padding = "longest" } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  let longest = 0;
  for (const [i, row] of rows.entries()) {
    if (row.ids.length > maxLength) throw new RangeError(`row ${i} has ${row.ids.length} tokens, more than maxLength ${maxLength}`);
    longest = Math.max(longest, row.ids.length);
  }
  const seqLength = padding === "max_length" ? maxLength : longest;
  const batchSize = rows.length;
  const inputIds = new Int32Array(batchSize * seqLength).fill(padId);
  const attentionMask = new Int32Array(batchSize * seqLength);
  const tokenTypeIds = new Int32Array(batchSize * seqLength);
  rows.forEach((row, r) => {
    const at = r * seqLength;
    inputIds.set(row.ids, at);
    tokenTypeIds.set(row.typeIds, at);
    attentionMask.fill(1, at, at + row.ids.length);
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize, seqLength };
}

/** Encodes single texts as `[CLS] text [SEP]` rows, truncated to `maxLength` and padded. */
export function encodeBatch(tok: I3Tokenizer, texts: readonly string[], options: BatchEncodingOptions): EncodedBatch {
  return padBatch(
    texts.map((t) => tok.encode(t, options.maxLength)),
    tok.special.pad,
    options,
  );
}

/** Encodes queries with `config.queryMaxLength` (default 32). */
export function encodeQueries(tok: I3Tokenizer, queries: readonly string[], config: Partial<EncodingConfig> = {}): EncodedBatch {
  const c = { ...DEFAULT_ENCODING_CONFIG, ...config };
  return encodeBatch(tok, queries, { maxLength: c.queryMaxLength, padding: c.padding });
}

/** Encodes passages (texts, or {@link Passage}s through {@link passageText}) with `config.passageMaxLength` (default 128). */
export function encodePassages(
  tok: I3Tokenizer,
  passages: readonly (string | Passage)[],
  config: Partial<EncodingConfig> = {},
): EncodedBatch {
  const c = { ...DEFAULT_ENCODING_CONFIG, ...config };
  const texts = passages.map((p) => (typeof p === "string" ? p : passageText(p)));
  return encodeBatch(tok, texts, { maxLength: c.passageMaxLength, padding: c.padding });
}

/**
 * Encodes (query, passage) pairs as `[CLS] q [SEP] p [SEP]` with token types 0 then 1, the
 * longer side truncated first (HF "longest_first"), for cross-encoders.
 */
export function encodePairs(
  tok: I3Tokenizer,
  queries: readonly string[],
  passages: readonly (string | Passage)[],
  options: BatchEncodingOptions,
): EncodedBatch {
  if (queries.length !== passages.length) {
    throw new RangeError(`encodePairs: ${queries.length} queries but ${passages.length} passages`);
  }
  const rows = queries.map((q, i) => {
    const p = passages[i]!;
    return tok.encodePair(q, typeof p === "string" ? p : passageText(p), options.maxLength);
  });
  return padBatch(rows, tok.special.pad, options);
}
