/**
 * Shared by the ONNX export tests: real text (test/fixtures/onnx/texts.json, BEIR SciFact queries
 * and abstracts) tokenized by a WordPiece vocabulary trained on it, padded batches as TensorFlow.js
 * inputs and as onnxruntime int64 feeds, weights moved off their init values, max |a - b|.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeBatch, encodePairs, trainWordPiece, type EncodedBatch, type I3Tokenizer } from "@i3/data";
import * as ort from "onnxruntime-node";
import { tf } from "../src/backend/tf.js";
import type { EncoderInputs } from "../src/model/encoder.js";
import type { NamedParam } from "../src/model/params.js";

/** The fixture texts. */
export const TEXTS = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "fixtures", "onnx", "texts.json"), "utf8")) as {
  queries: string[];
  passages: string[];
};

/** A WordPiece tokenizer trained on the fixture texts. */
export function fixtureTokenizer(): Promise<I3Tokenizer> {
  return trainWordPiece([...TEXTS.queries, ...TEXTS.passages], { vocabSize: 300, minFrequency: 1 });
}

/**
 * Three padded batches of different shapes: 5 queries (short rows), 4 passages cut at 48 tokens,
 * 3 passages cut at 20 (every row but the longest padded).
 */
export function textBatches(tok: I3Tokenizer): EncodedBatch[] {
  return [
    encodeBatch(tok, TEXTS.queries.slice(0, 5), { maxLength: 32 }),
    encodeBatch(tok, TEXTS.passages.slice(0, 4), { maxLength: 48 }),
    encodeBatch(tok, [TEXTS.queries[5]!, TEXTS.passages[4]!, TEXTS.queries[6]!], { maxLength: 20 }),
  ];
}

/** The (query, passage) pair batches: 4 pairs cut at 40 tokens, 3 at 24. */
export const PAIR_SETS = [
  { queries: TEXTS.queries.slice(0, 4), passages: TEXTS.passages.slice(0, 4), maxLength: 40 },
  { queries: TEXTS.queries.slice(4, 7), passages: TEXTS.passages.slice(5, 8), maxLength: 24 },
];

/** PAIR_SETS as padded batches with segment ids (longest-first truncation). */
export function pairBatches(tok: I3Tokenizer): EncodedBatch[] {
  return PAIR_SETS.map((set) => encodePairs(tok, set.queries, set.passages, { maxLength: set.maxLength }));
}

/** A batch as the toolkit's input tensors (segment ids included). */
export function tfInputs(b: EncodedBatch): EncoderInputs {
  const shape: [number, number] = [b.batchSize, b.seqLength];
  return {
    inputIds: tf.tensor2d(b.inputIds, shape, "int32"),
    attentionMask: tf.tensor2d(b.attentionMask, shape, "int32"),
    tokenTypeIds: tf.tensor2d(b.tokenTypeIds, shape, "int32"),
  };
}

/** Frees a batch's tensors. */
export function disposeInputs(x: EncoderInputs): void {
  tf.dispose([x.inputIds, x.attentionMask, ...(x.tokenTypeIds ? [x.tokenTypeIds] : [])]);
}

/** A batch as onnxruntime int64 feeds (`input_ids`, `attention_mask`, `token_type_ids`). */
export function ortFeeds(b: EncodedBatch): Record<string, ort.Tensor> {
  const dims = [b.batchSize, b.seqLength];
  const int64 = (a: Int32Array) => new ort.Tensor("int64", BigInt64Array.from(a, (x) => BigInt(x)), dims);
  return { input_ids: int64(b.inputIds), attention_mask: int64(b.attentionMask), token_type_ids: int64(b.tokenTypeIds) };
}

/**
 * Adds seeded noise N(0, std) to every parameter, so biases are non-zero and LayerNorm gains
 * differ from 1 (a fresh init would let a dropped bias or gain go unnoticed).
 */
export function perturb(params: readonly NamedParam[], seed: number, std = 0.2): void {
  const seen = new Set<tf.Variable>();
  params.forEach((p, i) => {
    if (seen.has(p.variable)) return;
    seen.add(p.variable);
    tf.tidy(() => p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, std, "float32", seed + i))));
  });
}

/** max_i |a_i - b_i|; throws when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
