import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { contrastiveLoss, contrastiveLossFromScores } from "../src/index.js";
import { expectClose, expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { contrastiveRef, contrastiveScoresRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe("contrastiveLoss", () => {
  it("matches hand-computed values", () => {
    // q = [1], [2]; p = [1], [0] (g = 1): scores [[1, 0], [2, 0]], targets columns 0 and 1.
    // query 0: log(e^1 + e^0) - 1 = log(1 + e^-1); query 1: log(e^2 + 1) - 0.
    const q = tf.tensor2d([[1], [2]]);
    const p = tf.tensor2d([[1], [0]]);
    const expected = (Math.log(1 + Math.exp(-1)) + Math.log(Math.exp(2) + 1)) / 2; // 1.2200948...
    expect(value(contrastiveLoss(q, p))).toBeCloseTo(expected, 6);
    expect(expected).toBeCloseTo(1.2200948, 6);
    // temperature 0.5 doubles the scores: (log(1 + e^-2) + log(e^4 + 1)) / 2 = 2.0725390...
    expect(value(contrastiveLoss(q, p, { temperature: 0.5 }))).toBeCloseTo(2.072539, 5);
    // without in-batch negatives each group has one passage: loss log(1) = 0
    expect(value(contrastiveLoss(q, p, { inBatchNegatives: false }))).toBeCloseTo(0, 7);
    tf.dispose([q, p]);
  });

  it("uses column i*(1+n) as target and masks other groups when asked", () => {
    // B = 2, g = 2, d = 2. q0 = [1, 0], q1 = [0, 1]; passages: g0 = ([1,0], [0,0]), g1 = ([0,2], [1,1])
    const q = tf.tensor2d([[1, 0], [0, 1]]);
    const p = tf.tensor2d([[1, 0], [0, 0], [0, 2], [1, 1]]);
    // scores row0 = [1, 0, 0, 1] target col 0; row1 = [0, 0, 2, 1] target col 2
    const row0 = Math.log(2 * Math.E + 2) - 1;
    const row1 = Math.log(2 + Math.exp(2) + Math.E) - 2;
    expect(value(contrastiveLoss(q, p))).toBeCloseTo((row0 + row1) / 2, 6);
    // own group only: row0 over [1, 0] target 0; row1 over [2, 1] target 0
    const own = (Math.log(Math.E + 1) - 1 + Math.log(Math.exp(2) + Math.E) - 2) / 2;
    expect(value(contrastiveLoss(q, p, { inBatchNegatives: false }))).toBeCloseTo(own, 6);
    const scores = tf.tensor2d([[1, 0, 0, 1], [0, 0, 2, 1]]);
    expect(value(contrastiveLossFromScores(scores))).toBeCloseTo((row0 + row1) / 2, 6);
    expect(value(contrastiveLossFromScores(scores, { inBatchNegatives: false }))).toBeCloseTo(own, 6);
    tf.dispose([q, p, scores]);
  });

  it("agrees with the float64 reference on random inputs", () => {
    const [b, g, d] = [3, 3, 4];
    const qv = randoms(b * d, 1);
    const pv = randoms(b * g * d, 2);
    const q = tf.tensor2d(qv, [b, d]);
    const p = tf.tensor2d(pv, [b * g, d]);
    for (const opts of [{}, { temperature: 0.05 }, { inBatchNegatives: false }, { inBatchNegatives: false, temperature: 0.3 }]) {
      expectClose([value(contrastiveLoss(q, p, opts))], [contrastiveRef(qv, pv, b, d, opts)], 1e-5, 1e-5);
    }
    tf.dispose([q, p]);
  });

  it("is stable for large scores", () => {
    const q = tf.tensor2d([[100], [100]]);
    const p = tf.tensor2d([[100], [-100]]);
    // scores [[1e4, -1e4], [1e4, -1e4]]: query 0 loss 0, query 1 loss 2e4 / tau
    const v = value(contrastiveLoss(q, p, { temperature: 0.01 }));
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(1e6, 0);
    tf.dispose([q, p]);
  });

  it("gradients match float64 finite differences", () => {
    const [b, g, d] = [2, 3, 3];
    const q = { values: randoms(b * d, 3), shape: [b, d] };
    const p = { values: randoms(b * g * d, 4), shape: [b * g, d] };
    for (const opts of [{}, { temperature: 0.5 }, { inBatchNegatives: false }]) {
      gradCheck(
        (qq, pp) => contrastiveLoss(qq as tf.Tensor2D, pp as tf.Tensor2D, opts),
        (qq, pp) => contrastiveRef(qq, pp, b, d, opts),
        [q, p],
        [0, 1],
      );
    }
    const s = { values: randoms(b * b * g, 5, 3), shape: [b, b * g] };
    for (const opts of [{}, { temperature: 2 }, { inBatchNegatives: false }]) {
      gradCheck(
        (ss) => contrastiveLossFromScores(ss as tf.Tensor2D, opts),
        (ss) => contrastiveScoresRef(ss, b, opts),
        [s],
        [0],
      );
    }
  });

  it("leaves the tensor count flat", () => {
    const q = tf.tensor2d(randoms(8, 6), [2, 4]);
    const p = tf.tensor2d(randoms(32, 7), [8, 4]);
    const s = tf.matMul(q, p, false, true);
    for (const opts of [{}, { inBatchNegatives: false, temperature: 0.1 }]) {
      expectFlatTensorCount(() => lossAndGrads((a, c) => contrastiveLoss(a as tf.Tensor2D, c as tf.Tensor2D, opts), [q, p]));
      expectFlatTensorCount(() => lossAndGrads((a) => contrastiveLossFromScores(a as tf.Tensor2D, opts), [s]));
      expectFlatTensorCount(() => contrastiveLoss(q, p, opts).dispose());
    }
    tf.dispose([q, p, s]);
  });

  it("rejects bad shapes and options", () => {
    const q = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => contrastiveLoss(q, tf.zeros([5, 3]) as tf.Tensor2D)).toThrow(/5 passages, not a positive multiple of the 2 queries/);
    expect(() => contrastiveLoss(q, tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(/queries are 3-d but passages are 2-d/);
    expect(() => contrastiveLoss(tf.zeros([3]) as never, q)).toThrow(/queries must have rank 2, got shape \[3\]/);
    expect(() => contrastiveLoss(q, tf.zeros([4, 3]) as tf.Tensor2D, { temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => contrastiveLossFromScores(tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/scores has 3 passages/);
  });
});
