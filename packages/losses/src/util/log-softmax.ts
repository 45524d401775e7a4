import * as tf from "@tensorflow/tfjs-core";

/**
 * Numerically stable log-softmax over the last axis: x - logSumExp(x), where tfjs'
 * logSumExp subtracts the row max before exponentiating. Built from primitive ops so its
 * gradient exists on every backend (wasm included).
 */
export function logSoftmaxLastAxis<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sub(x, tf.logSumExp(x, -1, true)) as T);
}
