import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { marginMSELoss } from "../src/index.js";
import { expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { marginMseRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe("marginMSELoss", () => {
  it("matches hand-computed values", () => {
    // student margins [2, 0, -2], teacher margins [1, -1, 0]: errors [1, 1, -2], mean square 6/3 = 2
    const sp = tf.tensor1d([3, 1, 0]);
    const sn = tf.tensor1d([1, 1, 2]);
    const tp = tf.tensor1d([2, 0, 0]);
    const tn = tf.tensor1d([1, 1, 0]);
    expect(value(marginMSELoss(sp, sn, tp, tn))).toBeCloseTo(2, 6);
    // equal margins give 0 even when the scores differ by a constant
    expect(value(marginMSELoss(tf.add(tp, 5) as tf.Tensor1D, tf.add(tn, 5) as tf.Tensor1D, tp, tn))).toBeCloseTo(0, 6);
    // [N, k]: row 0 negatives [1, 3] vs teacher [1, 1]: errors [0, -2]; rows 1, 2: errors [0, 0], [-2, -2]
    const sn2 = tf.tensor2d([[1, 3], [1, 1], [2, 2]]);
    const tn2 = tf.tensor2d([[1, 1], [1, 1], [0, 0]]);
    expect(value(marginMSELoss(sp, sn2, tp, tn2))).toBeCloseTo((0 + 4 + 0 + 0 + 4 + 4) / 6, 6);
    tf.dispose([sp, sn, tp, tn, sn2, tn2]);
  });

  it("agrees with the float64 reference and its gradients", () => {
    const n = 5;
    const inputs = [
      { values: randoms(n, 21, 4), shape: [n] },
      { values: randoms(n * 2, 22, 4), shape: [n, 2] },
      { values: randoms(n, 23, 4), shape: [n] },
      { values: randoms(n * 2, 24, 4), shape: [n, 2] },
    ];
    gradCheck(
      (a, b, c, d) => marginMSELoss(a as tf.Tensor1D, b as tf.Tensor2D, c as tf.Tensor1D, d as tf.Tensor2D),
      (a, b, c, d) => marginMseRef(a, b, c, d),
      inputs,
      [0, 1],
    );
    const flat = inputs.map((x, i) => (i % 2 === 1 ? { values: x.values.slice(0, n), shape: [n] } : x));
    gradCheck(
      (a, b, c, d) => marginMSELoss(a as tf.Tensor1D, b as tf.Tensor1D, c as tf.Tensor1D, d as tf.Tensor1D),
      (a, b, c, d) => marginMseRef(a, b, c, d),
      flat,
      [0, 1],
    );
  });

  it("leaves the tensor count flat", () => {
    const xs = [tf.tensor1d(randoms(4, 25)), tf.tensor1d(randoms(4, 26)), tf.tensor1d(randoms(4, 27)), tf.tensor1d(randoms(4, 28))];
    const [c, d] = [xs[2] as tf.Tensor1D, xs[3] as tf.Tensor1D];
    expectFlatTensorCount(() => lossAndGrads((a, b) => marginMSELoss(a as tf.Tensor1D, b as tf.Tensor1D, c, d), xs.slice(0, 2)));
    tf.dispose(xs);
  });

  it("rejects bad shapes", () => {
    const v3 = tf.zeros([3]) as tf.Tensor1D;
    const v2 = tf.zeros([2]) as tf.Tensor1D;
    expect(() => marginMSELoss(v3, v3, v2, v3)).toThrow(/teacherPos must have shape \[3\], got \[2\]/);
    expect(() => marginMSELoss(v3, v2, v3, v2)).toThrow(/studentNeg must have shape \[3\] or \[3, k\]/);
    expect(() => marginMSELoss(v3, tf.zeros([3, 2]) as tf.Tensor2D, v3, v3)).toThrow(/teacherNeg must have shape \[3, 2\], got \[3\]/);
  });
});
