import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { maskedTokenCrossEntropy } from "../src/index.js";
import { expectClose, expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { maskedCeRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe("maskedTokenCrossEntropy", () => {
  it("matches hand-computed values, ignored tokens out of sum and count", () => {
    // token 0: logits [0, 0] target 1 -> ln 2; token 1 ignored; token 2: [2, 0] target 0 -> ln(1 + e^-2)
    const logits = tf.tensor3d([[[0, 0], [1, 0], [2, 0]]]);
    const targets = tf.tensor2d([[1, -100, 0]], undefined, "int32");
    expect(value(maskedTokenCrossEntropy(logits, targets))).toBeCloseTo((Math.LN2 + Math.log1p(Math.exp(-2))) / 2, 6);
    expect((Math.LN2 + Math.log1p(Math.exp(-2))) / 2).toBeCloseTo(0.4100377, 6);
    // also ignoring id 0 (a [PAD] id) leaves token 0 alone: ln 2
    expect(value(maskedTokenCrossEntropy(logits, targets, { ignoreIndex: [0, -100] }))).toBeCloseTo(Math.LN2, 6);
    // nothing ignored with a custom ignore index: -100 is then out of range
    expect(() => maskedTokenCrossEntropy(logits, targets, { ignoreIndex: 5 })).toThrow(/target id -100 at position 0,1 is outside \[0, 2\)/);
    tf.dispose([logits, targets]);
  });

  it("returns 0, still differentiable, when every token is ignored", () => {
    const logits = tf.tensor3d([[[1, 2, 3]]]);
    const targets = tf.tensor2d([[-100]], undefined, "int32");
    expect(value(maskedTokenCrossEntropy(logits, targets))).toBe(0);
    const g = tf.grad((x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets))(logits);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([logits, targets, g]);
  });

  it("is stable for large logits", () => {
    const logits = tf.tensor3d([[[1000, 0, -1000], [-1000, 1000, 0]]]);
    const targets = tf.tensor2d([[0, 2]], undefined, "int32");
    // token 0: ~0; token 1: 1000 - 0 = 1000 -> mean 500
    expectClose([value(maskedTokenCrossEntropy(logits, targets))], [500], 1e-3, 1e-6);
    tf.dispose([logits, targets]);
  });

  it("agrees with the float64 reference and its gradients", () => {
    const [b, m, v] = [2, 3, 7];
    const ids = [3, -100, 0, 6, 2, -100];
    const targets = tf.tensor2d(ids, [b, m], "int32");
    const logits = { values: randoms(b * m * v, 41, 4), shape: [b, m, v] };
    gradCheck(
      (x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets),
      (x) => maskedCeRef(x, ids, v),
      [logits],
      [0],
    );
    gradCheck(
      (x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets, { ignoreIndex: [0, -100] }),
      (x) => maskedCeRef(x, ids, v, [0, -100]),
      [logits],
      [0],
    );
    targets.dispose();
  });

  it("leaves the tensor count flat", () => {
    const logits = tf.tensor3d(randoms(2 * 4 * 5, 42), [2, 4, 5]);
    const targets = tf.tensor2d([1, 2, -100, 4, 0, -100, -100, 3], [2, 4], "int32");
    expectFlatTensorCount(() => lossAndGrads((x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets), [logits]));
    expectFlatTensorCount(() => maskedTokenCrossEntropy(logits, targets).dispose());
    tf.dispose([logits, targets]);
  });

  it("rejects bad shapes and dtypes", () => {
    const logits = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    expect(() => maskedTokenCrossEntropy(logits, tf.zeros([2, 2], "int32") as tf.Tensor2D)).toThrow(/targets must have shape \[2, 3\], got \[2, 2\]/);
    expect(() => maskedTokenCrossEntropy(logits, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/targets must be int32/);
    expect(() => maskedTokenCrossEntropy(tf.zeros([6, 4]) as never, tf.zeros([6, 1], "int32") as tf.Tensor2D)).toThrow(/logits must have rank 3/);
    expect(() => maskedTokenCrossEntropy(logits, tf.fill([2, 3], 4, "int32") as tf.Tensor2D)).toThrow(/target id 4 at position 0,0 is outside \[0, 4\)/);
  });
});
