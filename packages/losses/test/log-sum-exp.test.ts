import * as tf from "@tensorflow/tfjs-core";
import { describe, it } from "vitest";
import { logSumExpRows } from "../src/util/log-sum-exp.js";
import { expectClose, expectFlatTensorCount, randoms } from "./helpers.js";
import { useBackend } from "./setup.js";

useBackend("js");

/** float64 reference: log sum exp of each row, and its gradient (the row softmax) weighted by w. */
function reference(x: number[], rows: number, cols: number, w: number[]) {
  const value: number[] = [];
  const grad: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * cols, (r + 1) * cols);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    value.push(lse);
    for (const v of row) grad.push(w[r]! * Math.exp(v - lse));
  }
  return { value, grad };
}

describe("logSumExpRows", () => {
  it("equals the float64 log-sum-exp and its softmax gradient, also for large logits", () => {
    for (const scale of [1, 80]) {
      const [rows, cols] = [5, 11];
      const x = randoms(rows * cols, 3, scale);
      const w = randoms(rows, 4);
      const ref = reference(x, rows, cols, w);
      const xs = tf.tensor2d(x, [rows, cols]);
      const weights = tf.tensor1d(w);
      const value = logSumExpRows(xs);
      expectClose(Array.from(value.dataSync()), ref.value, 1e-5 * scale);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), weights)))(xs);
      expectClose(Array.from(grad.dataSync()), ref.grad, 1e-6);
      // tfjs' own logSumExp has the same gradient (through its max term, which cancels).
      const tfGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, 1), weights)))(xs);
      expectClose(Array.from(grad.dataSync()), Array.from(tfGrad.dataSync()), 1e-6);
      tf.dispose([xs, weights, value, grad, tfGrad]);
    }
  });

  it("leaves the tensor count flat", () => {
    const x = tf.tensor2d(randoms(12, 9), [3, 4]);
    expectFlatTensorCount(() => {
      const g = tf.grad((t: tf.Tensor) => tf.sum(logSumExpRows(t as tf.Tensor2D)))(x);
      g.dispose();
    });
    x.dispose();
  });
});
