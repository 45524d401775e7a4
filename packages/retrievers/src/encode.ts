/**
 * Batched encoding with a bi-encoder (the dual-encoder, or I3, whose passage side computes p*):
 * token rows in, one vector per row out, in eval mode.
 */
import { padBatch, passageText, type Collection, type EncodedBatch, type I3Tokenizer } from "@i3/data";
import { tf, type DualEncoder } from "@i3/encoders";

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

/** A padded batch as the encoders' int32 input tensors. */
export function toTensors(batch: EncodedBatch) {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  return { inputIds: tf.tensor2d(batch.inputIds, shape, "int32"), attentionMask: tf.tensor2d(batch.attentionMask, shape, "int32") };
}

/**
 * Vectors [n, H] (row-major) of token-id `rows` (already cut to `maxLength`, [CLS]/[SEP]
 * included) encoded as queries (E_q) or passages (E_p; I3: p*), `batchSize` rows at a time,
 * each batch padded to its longest row.
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
  for (let start = 0; start < rows.length; start += batchSize) {
    const slice = rows.slice(start, start + batchSize).map((ids) => ({ ids, typeIds: new Int32Array(ids.length) }));
    const encoded = padBatch(slice, tokenizer.special.pad, { maxLength });
    const vectors = tf.tidy(() => {
      const inputs = toTensors(encoded);
      return side === "queries" ? model.encodeQueries(inputs) : model.encodePassages(inputs);
    });
    out.set(vectors.dataSync() as Float32Array, start * dim);
    vectors.dispose();
  }
  return out;
}

/** Passage vectors [n, H] of the whole corpus (title and text, `passageMaxLength` tokens), in corpus order, with their ids. */
export async function encodeCorpusVectors(
  retriever: DenseRetriever,
  collection: Collection,
  passageMaxLength: number,
): Promise<{ ids: string[]; vectors: Float32Array; dim: number }> {
  const ids: string[] = [];
  const rows: Int32Array[] = [];
  for await (const p of collection.corpus()) {
    ids.push(p.id);
    rows.push(retriever.tokenizer.encode(passageText(p), passageMaxLength).ids);
  }
  return { ids, vectors: encodeTokenRows(retriever, rows, passageMaxLength, "passages"), dim: retriever.model.passageEncoder.config.hidden };
}
