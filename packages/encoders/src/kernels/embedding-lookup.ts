/**
 * `embeddingLookup(table, ids)`: rows of `table` gathered by `ids`, differentiable on every
 * backend. tfjs's own gradient of `gather` needs UnsortedSegmentSum, which the wasm backend
 * lacks; here the table gradient is a `scatterND` of the output gradient (duplicate ids sum),
 * which is O(n * D) and beat a one-hot matMul at every vocabulary size measured (docs/kernels.md).
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Looks up `table` [V, D] rows for int32 `ids` of any shape; returns [...ids.shape, D].
 * Gradient flows to `table` only (ids are indices). Ids must lie in [0, V).
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  if (table.rank !== 2) throw new Error(`embeddingLookup: table must be [V, D], got [${table.shape}]`);
  if (ids.dtype !== "int32") throw new Error(`embeddingLookup: ids must be int32, got ${ids.dtype}`);
  const [V, D] = table.shape;
  const outShape = [...ids.shape, D];
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, i, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const flat = tf.reshape(i, [-1]);
    save([flat]);
    return {
      value: tf.reshape(tf.gather(t, flat), outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = saved[0]!;
        const n = idx.size;
        const dTable = tf.scatterND(tf.reshape(idx, [n, 1]), tf.reshape(dy, [n, D]), [V, D]);
        return [dTable, tf.zerosLike(i)];
      },
    };
  });
  return lookup(table, ids);
}

/**
 * The alternative gradient, for comparison in benchmarks: dTable = oneHot(ids, V)^T . dy
 * (a [V, n] x [n, D] matMul). Same forward as `embeddingLookup`.
 */
export function embeddingLookupOneHot(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const [V, D] = table.shape;
  const outShape = [...ids.shape, D];
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, i, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const flat = tf.reshape(i, [-1]);
    save([flat]);
    return {
      value: tf.reshape(tf.gather(t, flat), outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = saved[0]!;
        // Not tf.oneHot(..., "float32"): the wasm kernel writes int32 bits under a float32 label.
        const oneHot = tf.cast(tf.oneHot(idx, V), "float32");
        return [tf.matMul(oneHot, tf.reshape(dy, [idx.size, D]), true, false), tf.zerosLike(i)];
      },
    };
  });
  return lookup(table, ids);
}
