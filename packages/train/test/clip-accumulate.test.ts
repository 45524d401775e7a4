import { tf } from "@i3/encoders";
import { describe, expect, it } from "vitest";
import { AdamW, GradAccumulator, clipGradsByGlobalNorm, globalGradNorm } from "../src/index.js";
import { expectClose, randoms, refClip } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

describe("clipGradsByGlobalNorm (torch.nn.utils.clip_grad_norm_)", () => {
  it("scales by max_norm / (norm + 1e-6) when the norm exceeds max_norm", () => {
    // grads [3, 4] and [12]: norm sqrt(9 + 16 + 144) = 13; max 6.5 -> coef 6.5 / (13 + 1e-6)
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor1d([12]);
    const r = clipGradsByGlobalNorm({ a, b }, 6.5);
    expect(r.totalNorm).toBeCloseTo(13, 5);
    expect(r.clipped).toBe(true);
    const coef = 6.5 / (13 + 1e-6);
    expectClose(r.grads.a!.dataSync(), [3 * coef, 4 * coef], 1e-6, 1e-6);
    expectClose(r.grads.b!.dataSync(), [12 * coef], 1e-6, 1e-6);
    expect(globalGradNorm(r.grads)).toBeCloseTo(6.5, 4);
    tf.dispose([a, b, ...Object.values(r.grads)]);
  });

  it("leaves small gradients unchanged and matches the float64 reference on random tensors", () => {
    const g1 = randoms(12, 3, 0.1);
    const g2 = randoms(5, 4, 0.1);
    const t1 = tf.tensor2d(g1, [3, 4]);
    const t2 = tf.tensor1d(g2);
    const small = clipGradsByGlobalNorm({ t1, t2 }, 100);
    expect(small.clipped).toBe(false);
    expect(Array.from(small.grads.t1!.dataSync())).toEqual(Array.from(t1.dataSync()));
    const ref = refClip([g1, g2], 0.05);
    const big = clipGradsByGlobalNorm({ t1, t2 }, 0.05);
    expect(big.totalNorm).toBeCloseTo(ref.norm, 6);
    expectClose(big.grads.t1!.dataSync(), ref.grads[0]!, 1e-7, 1e-5);
    expectClose(big.grads.t2!.dataSync(), ref.grads[1]!, 1e-7, 1e-5);
    expect(() => clipGradsByGlobalNorm({ t1 }, 0)).toThrow(/maxNorm must be a finite number > 0/);
    tf.dispose([t1, t2, ...Object.values(small.grads), ...Object.values(big.grads)]);
  });
});

describe("GradAccumulator (mean semantics)", () => {
  it("averages micro-batch gradients and treats a missing gradient as zero", () => {
    const acc = new GradAccumulator();
    acc.add({ a: tf.tensor1d([1, 2]), b: tf.tensor1d([4]) });
    acc.add({ a: tf.tensor1d([3, 6]) });
    expect(acc.count).toBe(2);
    const mean = acc.takeMean();
    expect(Array.from(mean.a!.dataSync())).toEqual([2, 4]);
    expect(Array.from(mean.b!.dataSync())).toEqual([2]);
    expect(acc.count).toBe(0);
    expect(() => acc.takeMean()).toThrow(/no gradients added/);
    tf.dispose(Object.values(mean));
    acc.dispose();
  });

  it("two half-batches accumulated = one full-batch step, for a mean loss", () => {
    // linear regression, mean squared error over 8 rows
    const X = randoms(8 * 3, 21);
    const y = randoms(8, 22);
    const init = [0.3, -0.1, 0.2];
    const loss = (w: tf.Variable, from: number, to: number) => () =>
      tf.mean(tf.square(tf.sub(tf.matMul(tf.tensor2d(X.slice(3 * from, 3 * to), [to - from, 3]), w), tf.tensor2d(y.slice(from, to), [to - from, 1])))) as tf.Scalar;
    const w1 = tf.variable(tf.tensor2d(init, [3, 1]));
    const w2 = tf.variable(tf.tensor2d(init, [3, 1]));
    const o1 = new AdamW([{ name: "g", params: { w: w1 }, lr: 0.1 }]);
    const o2 = new AdamW([{ name: "g", params: { w: w2 }, lr: 0.1 }]);
    for (let step = 0; step < 3; step++) {
      const full = tf.variableGrads(loss(w1, 0, 8), [w1]);
      o1.step({ w: full.grads[w1.name]! });
      tf.dispose([full.value, ...Object.values(full.grads)]);
      const acc = new GradAccumulator();
      for (const [from, to] of [[0, 4], [4, 8]] as const) {
        const half = tf.variableGrads(loss(w2, from, to), [w2]);
        half.value.dispose();
        acc.add({ w: half.grads[w2.name]! });
      }
      const mean = acc.takeMean();
      o2.step(mean);
      tf.dispose(Object.values(mean));
      expectClose(w2.dataSync(), w1.dataSync(), 1e-6, 1e-5);
    }
    o1.dispose();
    o2.dispose();
    tf.dispose([w1, w2]);
  });
});
