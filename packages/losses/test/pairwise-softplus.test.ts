import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { pairwiseSoftplusLoss } from "../src/index.js";
import { expectClose, expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { pairwiseRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe("pairwiseSoftplusLoss", () => {
  it("matches hand-computed values", () => {
    // pairs (1 vs 0) and (0 vs 0): (log(1 + e^-1) + log 2) / 2 = (0.3132617 + 0.6931472) / 2
    const pos = tf.tensor1d([1, 0]);
    expect(value(pairwiseSoftplusLoss(pos, tf.tensor1d([0, 0])))).toBeCloseTo(0.5032044, 6);
    // [N, k]: row 0 = (1 vs 0, 1 vs 1), row 1 = (0 vs -1, 0 vs 2)
    const neg = tf.tensor2d([[0, 1], [-1, 2]]);
    const expected = (Math.log1p(Math.exp(-1)) + Math.log(2) + Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(2))) / 4;
    expect(value(pairwiseSoftplusLoss(pos, neg))).toBeCloseTo(expected, 6);
    tf.dispose([pos, neg]);
  });

  it("is stable for large margins", () => {
    const pos = tf.tensor1d([0, 0]);
    const neg = tf.tensor1d([1000, -1000]);
    // softplus(1000) = 1000, softplus(-1000) = ~0
    expect(value(pairwiseSoftplusLoss(pos, neg))).toBeCloseTo(500, 3);
    tf.dispose([pos, neg]);
  });

  it("agrees with the float64 reference and its gradients", () => {
    const pos = randoms(4, 11, 3);
    const neg = randoms(12, 12, 3);
    gradCheck(
      (p, n) => pairwiseSoftplusLoss(p as tf.Tensor1D, n as tf.Tensor2D),
      (p, n) => pairwiseRef(p, n),
      [{ values: pos, shape: [4] }, { values: neg, shape: [4, 3] }],
      [0, 1],
    );
    gradCheck(
      (p, n) => pairwiseSoftplusLoss(p as tf.Tensor1D, n as tf.Tensor1D),
      (p, n) => pairwiseRef(p, n),
      [{ values: pos, shape: [4] }, { values: neg.slice(0, 4), shape: [4] }],
      [0, 1],
    );
    const p = tf.tensor1d(pos);
    const n = tf.tensor2d(neg, [4, 3]);
    expectClose([value(pairwiseSoftplusLoss(p, n))], [pairwiseRef(pos, neg)], 1e-6, 1e-6);
    tf.dispose([p, n]);
  });

  it("leaves the tensor count flat", () => {
    const p = tf.tensor1d(randoms(4, 13));
    const n = tf.tensor2d(randoms(8, 14), [4, 2]);
    expectFlatTensorCount(() => lossAndGrads((a, b) => pairwiseSoftplusLoss(a as tf.Tensor1D, b as tf.Tensor2D), [p, n]));
    tf.dispose([p, n]);
  });

  it("rejects bad shapes", () => {
    const p = tf.zeros([3]) as tf.Tensor1D;
    expect(() => pairwiseSoftplusLoss(p, tf.zeros([2]) as tf.Tensor1D)).toThrow(/neg must have shape \[3\] or \[3, k\]/);
    expect(() => pairwiseSoftplusLoss(tf.zeros([3, 1]) as never, p)).toThrow(/pos must have rank 1/);
    expect(() => pairwiseSoftplusLoss(p, tf.zeros([3, 0]) as tf.Tensor2D)).toThrow(/neg is empty/);
    expect(() => pairwiseSoftplusLoss(p, tf.zeros([3], "int32") as tf.Tensor1D)).toThrow(/neg must be float32/);
  });
});
