import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { klDistillationLoss } from "../src/index.js";
import { expectClose, expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { klRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe("klDistillationLoss", () => {
  it("matches hand-computed values", () => {
    // teacher [ln 3, 0] -> p_t = [3/4, 1/4]; student [0, 0] -> p_s = [1/2, 1/2]
    // KL = 3/4 ln(3/2) + 1/4 ln(1/2) = 0.1308120
    const s = tf.tensor2d([[0, 0]]);
    const t = tf.tensor2d([[Math.log(3), 0]]);
    expect(value(klDistillationLoss(s, t))).toBeCloseTo(0.130812, 6);
    // identical lists: 0; batch mean: second query identical -> (0.1308120 + 0) / 2
    const s2 = tf.tensor2d([[0, 0], [1, 2]]);
    const t2 = tf.tensor2d([[Math.log(3), 0], [1, 2]]);
    expect(value(klDistillationLoss(s2, t2))).toBeCloseTo(0.065406, 6);
    // T = 2 on both sides: teacher [ln 3 / 2, 0] -> p_t = [sqrt3, 1] / (sqrt3 + 1); times T^2 = 4
    const a = Math.sqrt(3) / (Math.sqrt(3) + 1);
    const kl2 = a * Math.log(a / 0.5) + (1 - a) * Math.log((1 - a) / 0.5);
    expect(value(klDistillationLoss(s, t, { temperature: 2 }))).toBeCloseTo(kl2, 6);
    expect(value(klDistillationLoss(s, t, { temperature: 2, scaleByTemperatureSquared: true }))).toBeCloseTo(4 * kl2, 6);
    tf.dispose([s, t, s2, t2]);
  });

  it("masks padded candidates out of both softmaxes", () => {
    // third column is padding (arbitrary values); result equals the unpadded [[0,0]] vs [[ln3,0]]
    const s = tf.tensor2d([[0, 0, 50]]);
    const t = tf.tensor2d([[Math.log(3), 0, -7]]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    expect(value(klDistillationLoss(s, t, { mask }))).toBeCloseTo(0.130812, 6);
    tf.dispose([s, t, mask]);
  });

  it("agrees with the float64 reference and its gradients", () => {
    const [b, l] = [3, 5];
    const s = { values: randoms(b * l, 31, 3), shape: [b, l] };
    const t = { values: randoms(b * l, 32, 3), shape: [b, l] };
    const cases = [
      [{}, {}],
      [{ temperature: 3 }, { ts: 3, tt: 3 }],
      [{ studentTemperature: 0.5, teacherTemperature: 1 }, { ts: 0.5, tt: 1 }],
      [{ temperature: 2, scaleByTemperatureSquared: true }, { ts: 2, tt: 2, t2: 4 }],
    ] as const;
    for (const [opts, ref] of cases) {
      gradCheck(
        (x, y) => klDistillationLoss(x as tf.Tensor2D, y as tf.Tensor2D, opts),
        (x, y) => klRef(x, y, b, ref),
        [s, t],
        [0],
      );
    }
    const maskValues = [1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1];
    const mask = tf.tensor2d(maskValues, [b, l]);
    gradCheck(
      (x, y) => klDistillationLoss(x as tf.Tensor2D, y as tf.Tensor2D, { mask }),
      (x, y) => klRef(x, y, b, { mask: maskValues }),
      [s, t],
      [0],
    );
    mask.dispose();
  });

  it("is stable for large score ranges", () => {
    const s = tf.tensor2d([[1000, -1000, 0]]);
    const t = tf.tensor2d([[-1000, 1000, 0]]);
    const v = value(klDistillationLoss(s, t));
    expect(Number.isFinite(v)).toBe(true);
    expectClose([v], [2000], 0, 1e-5); // p_t ~ one-hot on column 1: log p_t - log p_s = 0 - (-2000)
    tf.dispose([s, t]);
  });

  it("leaves the tensor count flat", () => {
    const s = tf.tensor2d(randoms(8, 33), [2, 4]);
    const t = tf.tensor2d(randoms(8, 34), [2, 4]);
    const mask = tf.tensor2d([1, 1, 1, 0, 1, 1, 1, 1], [2, 4]);
    expectFlatTensorCount(() => lossAndGrads((a) => klDistillationLoss(a as tf.Tensor2D, t, { temperature: 2, mask }), [s]));
    tf.dispose([s, t, mask]);
  });

  it("rejects bad shapes and options", () => {
    const s = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => klDistillationLoss(s, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/teacher must have shape \[2, 3\], got \[2, 4\]/);
    expect(() => klDistillationLoss(s, s, { temperature: -1 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => klDistillationLoss(s, s, { mask: tf.ones([3, 2]) as tf.Tensor2D })).toThrow(/mask must have shape \[2, 3\]/);
    expect(() => klDistillationLoss(tf.zeros([6]) as never, s)).toThrow(/student must have rank 2/);
  });
});
