/**
 * Causal (autoregressive) attention for the doc2query decoder (Vaswani et al. 2017, sec. 3.2.3:
 * "masking out ... all values in the input of the softmax which correspond to illegal
 * connections"). `@i3/encoders`' `attentionBias` only encodes key padding; the causal part is
 * an additive lower-triangular bias added to it.
 */
import { MASK_BIAS, attentionBias, tf } from "@i3/encoders";

/** [1, 1, T, T]: 0 where key k <= query q, `MASK_BIAS` (-1e9) where k > q. */
export function causalBias(length: number): tf.Tensor4D {
  const values = new Float32Array(length * length);
  for (let q = 0; q < length; q++) for (let k = q + 1; k < length; k++) values[q * length + k] = MASK_BIAS;
  return tf.tensor4d(values, [1, 1, length, length]);
}

/**
 * Self-attention bias of a right-padded decoder input: causal bias plus key padding,
 * mask [B, T] (1 token, 0 pad) -> [B, 1, T, T].
 */
export function decoderSelfBias(mask: tf.Tensor2D): tf.Tensor4D {
  const length = mask.shape[1];
  return tf.tidy(() => tf.add(causalBias(length), attentionBias(mask)) as tf.Tensor4D);
}
