/**
 * A batch of stored document states as MICE's cross-attention memory, and back (and the
 * same container for a query's layer-l states).
 * On disk (and in a document-state store) a passage is its layer-l token states [len, H], real
 * tokens only; in a batch the rows are padded to the longest with zero states and a mask.
 */
import { tf } from "../backend/tf.js";

/** One layer's token states of a batch of sequences, with their mask. */
export interface LayerStates {
  /** States [B, S, H] (padding rows are ignored). */
  states: tf.Tensor3D;
  /** 1 for a real token, 0 for padding, float32 [B, S]. */
  mask: tf.Tensor2D;
}

/** Layer-l states of a batch of documents (what a store holds, padded into a batch). */
export type DocumentStates = LayerStates;

/** Frees both tensors. */
export function disposeDocumentStates(docs: LayerStates): void {
  docs.states.dispose();
  docs.mask.dispose();
}

/** Per-document states padded into one batch, as plain arrays (what `batchDocumentStates` and an ONNX feed take). */
export interface PaddedDocumentStates {
  /** Row-major [batch, length, hidden], zero rows for padding. */
  states: Float32Array;
  /** 1 for a real token, 0 for padding, [batch, length]. */
  mask: Float32Array;
  batch: number;
  /** The longest document's token count. */
  length: number;
}

/**
 * Pads per-document states (each row-major [len_i, hidden], len_i >= 1) into one batch:
 * states [B, max len, hidden] with zero padding and its mask, as plain arrays.
 */
export function padDocumentStates(rows: readonly Float32Array[], hidden: number): PaddedDocumentStates {
  if (rows.length === 0) throw new Error("batchDocumentStates: no documents");
  const lengths = rows.map((r, i) => {
    if (r.length === 0 || r.length % hidden !== 0) throw new Error(`batchDocumentStates: document #${i} has ${r.length} values, not a positive multiple of hidden ${hidden}`);
    return r.length / hidden;
  });
  const S = Math.max(...lengths);
  const states = new Float32Array(rows.length * S * hidden);
  const mask = new Float32Array(rows.length * S);
  rows.forEach((r, b) => {
    states.set(r, b * S * hidden);
    mask.fill(1, b * S, b * S + lengths[b]!);
  });
  return { states, mask, batch: rows.length, length: S };
}

/**
 * Pads per-document states (each row-major [len_i, hidden], len_i >= 1) into one batch:
 * states [B, max len, hidden] with zero padding and its mask (`padDocumentStates` as tensors).
 */
export function batchDocumentStates(rows: readonly Float32Array[], hidden: number): DocumentStates {
  const { states, mask, batch, length } = padDocumentStates(rows, hidden);
  return { states: tf.tensor3d(states, [batch, length, hidden]), mask: tf.tensor2d(mask, [batch, length]) };
}

/** The inverse of {@link batchDocumentStates}: each document's real-token states [len_i, H], row-major. */
export function unbatchDocumentStates(docs: DocumentStates): Float32Array[] {
  const [B, S, H] = docs.states.shape;
  const states = docs.states.dataSync() as Float32Array;
  const mask = docs.mask.dataSync();
  return Array.from({ length: B }, (_, b) => {
    const rows: Float32Array[] = [];
    for (let s = 0; s < S; s++) if (mask[b * S + s] !== 0) rows.push(states.subarray((b * S + s) * H, (b * S + s + 1) * H));
    const out = new Float32Array(rows.length * H);
    rows.forEach((r, i) => out.set(r, i * H));
    return out;
  });
}
