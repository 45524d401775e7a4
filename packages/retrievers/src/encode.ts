/**
 * Batched encoding with a bi-encoder (the dual-encoder, or I3, whose passage side computes p*):
 * token rows in, one vector per row out, in eval mode.
 */
import { passageText, type Collection, type I3Tokenizer } from "@i3/data";
import { tf, type DualEncoder } from "@i3/encoders";
import type { DenseInference } from "./inference.js";
import { paddedRowBatches, toTensors } from "./token-batches.js";

/**
 * What indexing and retrieval need of a model: E_q, the passage-side index vector and its size.
 * The dual-encoder and the I3 retriever (whose p* is computed at index time) both are one.
 */
export type BiEncoderModel = Pick<DualEncoder, "encodeQueries" | "encodePassages" | "passageEncoder">;

/** A trained bi-encoder and the tokenizer it was trained with. */
export interface DenseRetriever {
  model: BiEncoderModel;
  tokenizer: I3Tokenizer;
}

/**
 * Vectors [n, H] (row-major) of token-id `rows` (already cut to `maxLength`, [CLS]/[SEP]
 * included) encoded as queries (E_q) or passages (E_p; I3: p*) on TensorFlow.js, `batchSize`
 * rows at a time, each batch padded to its longest row ({@link paddedRowBatches}).
 */
export function encodeTokenRows(
  retriever: DenseRetriever,
  rows: readonly Int32Array[],
  maxLength: number,
  side: "queries" | "passages",
  batchSize = 64,
): Float32Array {
  const { model, tokenizer } = retriever;
  const dim = model.passageEncoder.config.hidden;
  const out = new Float32Array(rows.length * dim);
  for (const { start, batch } of paddedRowBatches(rows, tokenizer.special.pad, maxLength, batchSize)) {
    const vectors = tf.tidy(() => {
      const inputs = toTensors(batch);
      return side === "queries" ? model.encodeQueries(inputs) : model.encodePassages(inputs);
    });
    out.set(vectors.dataSync() as Float32Array, start * dim);
    vectors.dispose();
  }
  return out;
}

/**
 * Passage vectors [n, H] of the whole corpus (title and text, `passageMaxLength` tokens), in
 * corpus order, with their ids; encoded by `inference` when given, else by tfjs.
 */
export async function encodeCorpusVectors(
  retriever: DenseRetriever,
  collection: Collection,
  passageMaxLength: number,
  inference?: DenseInference,
): Promise<{ ids: string[]; vectors: Float32Array; dim: number }> {
  const ids: string[] = [];
  const rows: Int32Array[] = [];
  for await (const p of collection.corpus()) {
    ids.push(p.id);
    rows.push(retriever.tokenizer.encode(passageText(p), passageMaxLength).ids);
  }
  return { ids, vectors: await encodeRows(retriever, rows, passageMaxLength, "passages", inference), dim: retriever.model.passageEncoder.config.hidden };
}

/**
 * Token rows encoded by `inference` when given (opened on `retriever.model`: `openDenseInference`),
 * else by `retriever.model` on TensorFlow.js (`encodeTokenRows`); the same batches either way.
 */
export async function encodeRows(
  retriever: DenseRetriever,
  rows: readonly Int32Array[],
  maxLength: number,
  side: "queries" | "passages",
  inference?: DenseInference,
): Promise<Float32Array> {
  return inference !== undefined ? inference.encode(rows, maxLength, side) : encodeTokenRows(retriever, rows, maxLength, side);
}
