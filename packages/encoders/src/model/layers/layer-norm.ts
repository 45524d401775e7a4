/**
 * Layer normalisation (Ba et al. 2016), `torch.nn.LayerNorm(H, eps)` as in HF BERT:
 * y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta over the last axis, with the
 * biased variance var(x) = mean((x - mean(x))^2). HF names: `LayerNorm.weight` (gamma),
 * `LayerNorm.bias` (beta).
 */
import { tf } from "../../backend/tf.js";
import type { ParamScope } from "../params.js";

/** LayerNorm over the last axis with learned gain and bias. */
export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  /** Creates gamma = 1 and beta = 0 of size `dim` under `scope` (`weight`, `bias`). */
  constructor(
    scope: ParamScope,
    readonly dim: number,
    readonly eps: number,
  ) {
    this.gamma = scope.ones("weight", [dim]);
    this.beta = scope.zeros("bias", [dim]);
  }

  /** x [..., dim] -> normalised, same shape. */
  apply(x: tf.Tensor): tf.Tensor {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.gamma), this.beta);
  }
}
