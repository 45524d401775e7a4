// The same losses on the wasm backend (the fast CPU path here): values and gradients
// against the float64 references, and the tensor count. The wasm backend registers no
// UnsortedSegmentSum kernel, so tfjs' own gather gradient fails there; the losses avoid it.
import { currentBackend, tf as sharedTf } from "@i3/encoders";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import {
  contrastiveLoss,
  klDistillationLoss,
  ltrePairwiseLoss,
  marginMSELoss,
  maskedTokenCrossEntropy,
  pairwiseSoftplusLoss,
  pickTargets,
} from "../src/index.js";
import { expectFlatTensorCount, gradCheck, lossAndGrads, randoms } from "./helpers.js";
import { contrastiveRef, klRef, ltreRef, marginMseRef, maskedCeRef, pairwiseRef } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("wasm");

describe("losses on wasm", () => {
  it("runs on the wasm backend with the shared tfjs-core instance", () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(currentBackend()?.device).toBe("wasm");
    expect(sharedTf.Tensor).toBe(tf.Tensor);
    const loss = pairwiseSoftplusLoss(tf.tensor1d([1]), tf.tensor1d([0]));
    expect(loss).toBeInstanceOf(sharedTf.Tensor);
    loss.dispose();
  });

  it("tfjs' gather gradient is missing on wasm (why pickTargets exists)", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const idx = tf.tensor1d([2, 0], "int32");
    expect(() => tf.grad((v) => tf.sum(tf.gather(v, idx)))(x)).toThrow(/UnsortedSegmentSum/);
    // the custom gradient: d/dx sum(x[n, idx[n]]) is one-hot rows
    const x2 = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const g = tf.grad((v) => tf.sum(pickTargets(v as tf.Tensor2D, idx)))(x2);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
    tf.dispose([x, idx, x2, g]);
  });

  it("tfjs 4.22 wasm OneHot ignores a float32 dtype (why contrastive casts an int32 one-hot)", () => {
    const idx = tf.tensor1d([0, 2], "int32");
    const asFloat = tf.oneHot(idx, 3, 1, 0, "float32");
    const cast = tf.cast(tf.oneHot(idx, 3), "float32");
    expect(Array.from(asFloat.dataSync())).not.toEqual([1, 0, 0, 0, 0, 1]); // int32 bits read as float32
    expect(Array.from(cast.dataSync())).toEqual([1, 0, 0, 0, 0, 1]);
    tf.dispose([idx, asFloat, cast]);
  });

  it("masked token cross-entropy: value and gradient", () => {
    const [b, m, v] = [2, 3, 11];
    const ids = [3, -100, 0, 10, 2, -100];
    const targets = tf.tensor2d(ids, [b, m], "int32");
    gradCheck(
      (x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets),
      (x) => maskedCeRef(x, ids, v),
      [{ values: randoms(b * m * v, 61, 4), shape: [b, m, v] }],
      [0],
    );
    const logits = tf.tensor3d(randoms(b * m * v, 62), [b, m, v]);
    expectFlatTensorCount(() => lossAndGrads((x) => maskedTokenCrossEntropy(x as tf.Tensor3D, targets), [logits]));
    tf.dispose([targets, logits]);
  });

  it("contrastive: value and gradient", () => {
    const [b, g, d] = [2, 3, 4];
    const q = { values: randoms(b * d, 63), shape: [b, d] };
    const p = { values: randoms(b * g * d, 64), shape: [b * g, d] };
    for (const opts of [{ temperature: 0.5 }, { inBatchNegatives: false }]) {
      gradCheck(
        (a, c) => contrastiveLoss(a as tf.Tensor2D, c as tf.Tensor2D, opts),
        (a, c) => contrastiveRef(a, c, b, d, opts),
        [q, p],
        [0, 1],
      );
    }
  });

  it("pairwise, MarginMSE, KL, LTRe: value and gradient", () => {
    const pos = { values: randoms(3, 65, 2), shape: [3] };
    const neg = { values: randoms(6, 66, 2), shape: [3, 2] };
    gradCheck((a, c) => pairwiseSoftplusLoss(a as tf.Tensor1D, c as tf.Tensor2D), pairwiseRef, [pos, neg], [0, 1]);
    const tPos = { values: randoms(3, 67, 2), shape: [3] };
    const tNeg = { values: randoms(6, 68, 2), shape: [3, 2] };
    gradCheck(
      (a, c, e, f) => marginMSELoss(a as tf.Tensor1D, c as tf.Tensor2D, e as tf.Tensor1D, f as tf.Tensor2D),
      marginMseRef,
      [pos, neg, tPos, tNeg],
      [0, 1],
    );
    const s = { values: randoms(12, 69, 3), shape: [2, 6] };
    const t = { values: randoms(12, 70, 3), shape: [2, 6] };
    gradCheck(
      (a, c) => klDistillationLoss(a as tf.Tensor2D, c as tf.Tensor2D, { temperature: 2 }),
      (a, c) => klRef(a, c, 2, { ts: 2, tt: 2 }),
      [s, t],
      [0],
    );
    const labels = [0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0];
    const y = tf.tensor2d(labels, [2, 6]);
    gradCheck((a) => ltrePairwiseLoss(a as tf.Tensor2D, y, { cut: 4 }), (a) => ltreRef(a, labels, 2, 4), [s], [0]);
    y.dispose();
  });
});
