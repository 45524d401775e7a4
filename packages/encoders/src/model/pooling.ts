/**
 * Sequence pooling: token states [B, S, H] -> one vector [B, H].
 * - cls: h[:, 0] (the [CLS] state; DPR/Tevatron, no BERT pooler dense/tanh).
 * - mean: sum_s m_s h_s / max(sum_s m_s, 1e-9) over the attention mask m
 *   (sentence-transformers' mean pooling).
 */
import { tf } from "../backend/tf.js";
import type { Pooling } from "./config.js";

/** The first position's state, [B, H]. */
export function clsPool(hidden: tf.Tensor3D): tf.Tensor2D {
  const [B, , H] = hidden.shape;
  return tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]);
}

/** Attention-masked mean of token states, [B, H]; `mask` [B, S] is 1 for tokens, 0 for pads. */
export function meanPool(hidden: tf.Tensor3D, mask: tf.Tensor): tf.Tensor2D {
  const m = tf.expandDims(tf.cast(mask, "float32"), -1);
  const summed = tf.sum(tf.mul(hidden, m), 1);
  const count = tf.maximum(tf.sum(m, 1), 1e-9);
  return tf.div(summed, count) as tf.Tensor2D;
}

/** Pools by `mode`. */
export function pool(mode: Pooling, hidden: tf.Tensor3D, mask: tf.Tensor): tf.Tensor2D {
  return mode === "cls" ? clsPool(hidden) : meanPool(hidden, mask);
}
