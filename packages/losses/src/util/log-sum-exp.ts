import * as tf from "@tensorflow/tfjs-core";

/**
 * Row-wise log-sum-exp of x [N, V] -> [N]: lse[n] = max_v x[n, v] + log sum_v exp(x[n, v] - max),
 * with the analytic gradient d lse[n] / d x[n, v] = softmax(x[n])[v] = exp(x[n, v] - lse[n]).
 *
 * Same value as `tf.logSumExp(x, 1)`; the gradient is the same function, computed in one exp
 * instead of through the max: tfjs differentiates the subtracted max too (an `Equal` mask over
 * [N, V] whose contribution cancels exactly), which on the wasm backend cost more than the
 * rest of the loss for the MLM head's [tokens, vocabulary] logits (I3's reconstruction loss).
 */
export function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  const lse = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.logSumExp(input, 1) as tf.Tensor1D;
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, v] = saved as [tf.Tensor2D, tf.Tensor1D];
        return tf.mul(tf.exp(tf.sub(xs, tf.expandDims(v, 1))), tf.expandDims(dy, 1));
      },
    };
  });
  return lse(x) as tf.Tensor1D;
}
