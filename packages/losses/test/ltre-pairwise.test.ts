import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { ltrePairwiseLoss } from "../src/index.js";
import { expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { ltreRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};
const sp1 = Math.log1p(Math.exp(-1)); // log(1 + e^-1) = 0.3132617

describe("ltrePairwiseLoss", () => {
  it("matches hand-computed values", () => {
    // one query, list [0, 1, 0] in retrieval order, passage 2 (rank 2) relevant.
    // pairs (2 vs 1): w = |1/2 - 1| = 1/2; (2 vs 3): w = |1/2 - 1/3| = 1/6; both cost log(1 + e^-1)
    const s = tf.tensor2d([[0, 1, 0]]);
    const y = tf.tensor2d([[0, 1, 0]]);
    expect(value(ltrePairwiseLoss(s, y, { cut: 3 }))).toBeCloseTo(((1 / 2 + 1 / 6) * sp1) / 2, 6);
    // cut 1: rr = [1, 0, 0] -> weights 1 and 0, mean over the 2 pairs (weights are not in the denominator)
    expect(value(ltrePairwiseLoss(s, y, { cut: 1 }))).toBeCloseTo(sp1 / 2, 6);
    tf.dispose([s, y]);
  });

  it("takes every (relevant, non-relevant) pair and no other (pair set on a hand-built ranking)", () => {
    // list [rel, non, rel, non] (ranks 1-4, cut 4), all scores 0 so every cost is log 2.
    // pairs: (1,2) w = 1/2, (1,4) w = 3/4, (3,2) w = 1/6, (3,4) w = 1/12; rel-rel and non-non pairs excluded
    const s = tf.tensor2d([[0, 0, 0, 0]]);
    const y = tf.tensor2d([[1, 0, 1, 0]]);
    const expected = ((1 / 2 + 3 / 4 + 1 / 6 + 1 / 12) * Math.LN2) / 4;
    expect(value(ltrePairwiseLoss(s, y, { cut: 4 }))).toBeCloseTo(expected, 6);
    // moving a non-relevant passage's score changes only its own pairs: raise passage 4 by 1
    const s2 = tf.tensor2d([[0, 0, 0, 1]]);
    const up = Math.log1p(Math.E); // log(1 + exp(1))
    expect(value(ltrePairwiseLoss(s2, y, { cut: 4 }))).toBeCloseTo(((1 / 2 + 1 / 6) * Math.LN2 + (3 / 4 + 1 / 12) * up) / 4, 6);
    tf.dispose([s, y, s2]);
  });

  it("weights an appended (unretrieved) relevant passage with 1/r = 0", () => {
    // top-2 retrieved [a, b] both non-relevant, relevant c appended at position 3, cut = K = 2.
    // rr = [1, 1/2, 0]: pairs (c, a) w = 1, (c, b) w = 1/2; scores a = 1, b = 0, c = 0
    const s = tf.tensor2d([[1, 0, 0]]);
    const y = tf.tensor2d([[0, 0, 1]]);
    const expected = (1 * Math.log1p(Math.exp(1)) + 0.5 * Math.LN2) / 2;
    expect(value(ltrePairwiseLoss(s, y, { cut: 2 }))).toBeCloseTo(expected, 6);
    // explicit ranks: same list given out of order, ranks [2, 1, 0] for [b, a, c]
    const s2 = tf.tensor2d([[0, 1, 0]]);
    const ranks = tf.tensor2d([[2, 1, 0]]);
    expect(value(ltrePairwiseLoss(s2, y, { cut: 2, ranks }))).toBeCloseTo(expected, 6);
    tf.dispose([s, y, s2, ranks]);
  });

  it("averages pairs per query, then queries; skips queries without pairs", () => {
    // q0: as in the first test (cut 3) -> (2/3 * sp1) / 2; q1: every entry relevant -> no pair, skipped;
    // q2: [rel, non] scores [1, 0], w = 1/2 -> 0.5 * sp1 over 1 pair
    const s = tf.tensor2d([[0, 1, 0], [5, 5, 5], [1, 0, 9]]);
    const y = tf.tensor2d([[0, 1, 0], [1, 1, 1], [1, 0, 0]]);
    const mask = tf.tensor2d([[1, 1, 1], [1, 1, 1], [1, 1, 0]]); // q2's third entry is padding
    const q0 = ((2 / 3) * sp1) / 2;
    const q2 = 0.5 * sp1;
    expect(value(ltrePairwiseLoss(s, y, { cut: 3, mask }))).toBeCloseTo((q0 + q2) / 2, 6);
    const none = tf.tensor2d([[1, 1, 1]]);
    expect(value(ltrePairwiseLoss(tf.tensor2d([[1, 2, 3]]), none, { cut: 3 }))).toBe(0);
    tf.dispose([s, y, mask, none]);
  });

  it("agrees with the float64 reference and its gradients", () => {
    const [b, l] = [3, 6];
    const labels = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0];
    const maskValues = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const ranksValues = [1, 2, 3, 4, 5, 0, 3, 1, 2, 4, 5, 0, 5, 4, 3, 2, 1, 6];
    const y = tf.tensor2d(labels, [b, l]);
    const mask = tf.tensor2d(maskValues, [b, l]);
    const ranks = tf.tensor2d(ranksValues, [b, l]);
    const s = { values: randoms(b * l, 51, 3), shape: [b, l] };
    gradCheck((x) => ltrePairwiseLoss(x as tf.Tensor2D, y, { cut: 4 }), (x) => ltreRef(x, labels, b, 4), [s], [0]);
    gradCheck(
      (x) => ltrePairwiseLoss(x as tf.Tensor2D, y, { cut: 5, mask, ranks }),
      (x) => ltreRef(x, labels, b, 5, { mask: maskValues, ranks: ranksValues }),
      [s],
      [0],
    );
    tf.dispose([y, mask, ranks]);
  });

  it("is stable for large score gaps", () => {
    const s = tf.tensor2d([[-1000, 1000]]);
    const y = tf.tensor2d([[1, 0]]);
    // w = 1/2, cost softplus(2000) = 2000
    expect(value(ltrePairwiseLoss(s, y, { cut: 2 }))).toBeCloseTo(1000, 2);
    tf.dispose([s, y]);
  });

  it("leaves the tensor count flat", () => {
    const s = tf.tensor2d(randoms(8, 52), [2, 4]);
    const y = tf.tensor2d([1, 0, 0, 0, 0, 0, 1, 0], [2, 4]);
    expectFlatTensorCount(() => lossAndGrads((x) => ltrePairwiseLoss(x as tf.Tensor2D, y, { cut: 3 }), [s]));
    tf.dispose([s, y]);
  });

  it("rejects bad shapes and options", () => {
    const s = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => ltrePairwiseLoss(s, tf.zeros([2, 2]) as tf.Tensor2D, { cut: 3 })).toThrow(/labels must have shape \[2, 3\]/);
    expect(() => ltrePairwiseLoss(s, s, { cut: 0 })).toThrow(/cut must be an integer >= 1/);
    expect(() => ltrePairwiseLoss(s, s, { cut: 3, ranks: tf.zeros([3]) as never })).toThrow(/ranks must have shape \[2, 3\]/);
  });
});
