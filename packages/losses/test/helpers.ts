/** Test helpers: seeded inputs, float64 finite differences, closeness, tensor-count checks. */
import { mulberry32Float } from "@i3/core";
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";

/** mulberry32 floats in [0, 1) (@i3/core), so every test input is reproducible. */
export const rng = mulberry32Float;

/** n values uniform in [-scale, scale), rounded to float32 so JS and tfjs see the same inputs. */
export function randoms(n: number, seed: number, scale = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround((2 * r() - 1) * scale));
}

/** Central finite differences of a float64 function, coordinate by coordinate. */
export function numericGrad(f: (x: number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** |a - e| <= atol + rtol * |e| elementwise, with a message naming the first offender. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

export interface Input {
  values: number[];
  shape: number[];
}

/**
 * Gradient check: tf.grads of `tfLoss` (float32, current backend) against central finite
 * differences of the float64 reference `jsLoss`, for every input in `wrt` (indices into
 * `inputs`; the others are held constant). Also checks the loss value itself.
 */
export function gradCheck(
  tfLoss: (...xs: tf.Tensor[]) => tf.Scalar,
  jsLoss: (...xs: number[][]) => number,
  inputs: Input[],
  wrt: number[],
  tol = { atol: 5e-5, rtol: 1e-3 },
): void {
  const tensors = inputs.map((x) => tf.tensor(x.values, x.shape, "float32"));
  try {
    const value = tf.tidy(() => tfLoss(...tensors));
    expectClose([value.dataSync()[0] as number], [jsLoss(...inputs.map((x) => x.values))], 1e-5, 1e-5);
    value.dispose();
    const grads = tf.grads((...vars: tf.Tensor[]) => {
      const all = [...tensors];
      wrt.forEach((i, k) => {
        all[i] = vars[k] as tf.Tensor;
      });
      return tfLoss(...all);
    })(wrt.map((i) => tensors[i] as tf.Tensor));
    wrt.forEach((inputIdx, k) => {
      const g = grads[k] as tf.Tensor;
      const numeric = numericGrad(
        (x) => jsLoss(...inputs.map((inp, i) => (i === inputIdx ? x : inp.values))),
        (inputs[inputIdx] as Input).values,
      );
      expectClose(g.dataSync(), numeric, tol.atol, tol.rtol);
    });
    grads.forEach((g) => g.dispose());
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** Runs loss + gradient `reps` times and checks tf.memory().numTensors does not move. */
export function expectFlatTensorCount(run: () => void, reps = 5): void {
  run(); // warm-up: backends may cache constants on first use
  const before = tf.memory().numTensors;
  for (let i = 0; i < reps; i++) {
    run();
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** Disposes the loss and its gradients (what a training step does). */
export function lossAndGrads(loss: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[]): void {
  const { value, grads } = tf.valueAndGrads(loss)(xs);
  value.dataSync();
  value.dispose();
  grads.forEach((g) => g.dispose());
}
