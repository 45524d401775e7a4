import * as tf from "@tensorflow/tfjs-core";

/**
 * out[n] = x[n, idx[n]] for x [N, V] float32 and idx [N] int32 (every idx in [0, V)).
 *
 * The forward pass is a `gather` on the flattened x; the gradient is written by hand as
 * `scatterND(flatIdx, dy, [N*V])`, because tfjs' own gradient of `gather` needs the
 * UnsortedSegmentSum kernel, which the wasm backend does not register (DESIGN.md section 6).
 * Cost O(N) forward, instead of the O(N*V) of a one-hot product.
 */
export function pickTargets(x: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor1D {
  const [n, v] = x.shape;
  const pick = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const logits = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const flatIdx = tf.add(tf.mul(tf.range(0, n, 1, "int32"), tf.scalar(v, "int32")), idx);
    save([flatIdx]);
    return {
      value: tf.gather(tf.reshape(logits, [n * v]), flatIdx),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [fi] = saved as [tf.Tensor];
        return tf.reshape(tf.scatterND(tf.expandDims(fi, 1), dy, [n * v]), [n, v]);
      },
    };
  });
  return pick(x) as tf.Tensor1D;
}
