/**
 * Numerical gradient check: analytic d loss / d w (tf.variableGrads through embeddings,
 * attention with padding, GELU FFN, LayerNorms, mean pooling) vs central differences
 * (L(w + e) - L(w - e)) / 2e on the cpu backend, float32.
 * Tolerance: float32 rounding of the loss (|L| ~ 0.1, ~1e-8 absolute) divided by 2e = 2e-2
 * gives ~1e-6 noise, and the O(e^2) truncation error is of the same order (observed
 * |analytic - numeric| <= 7e-6 for gradients of 1e-3..0.25); |analytic - numeric| <=
 * 5e-5 + 2e-3 |analytic| keeps a margin while catching any wrong gradient term. (The key
 * bias gradient is 0 in exact arithmetic: softmax is shift-invariant per query.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { BertEncoder } from "../src/model/encoder.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("gradient check (1-layer encoder, cpu backend)", () => {
  it("analytic gradients match central differences", () => {
    const cfg = encoderConfig({ vocabSize: 12, hidden: 8, layers: 1, heads: 2, intermediate: 12, maxPositions: 6, initializerRange: 0.5, pooling: "mean", layerNormEps: 1e-5 });
    const enc = new BertEncoder(cfg, { seed: 11 });
    const x = {
      inputIds: tf.tensor2d([[1, 5, 7, 2, 9], [3, 4, 0, 0, 0]], undefined, "int32"),
      attentionMask: tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], undefined, "int32"),
      tokenTypeIds: tf.tensor2d([[0, 0, 1, 1, 1], [0, 1, 0, 0, 0]], undefined, "int32"),
    };
    const R = tf.randomNormal([2, 5, 8], 0, 1, "float32", 3);
    const R2 = tf.randomNormal([2, 8], 0, 1, "float32", 4);
    const loss = () =>
      tf.tidy(() => {
        const { hidden, pooled } = enc.forward(x);
        const m = tf.expandDims(tf.cast(x.attentionMask, "float32"), -1);
        return tf.add(tf.mean(tf.mul(tf.mul(hidden, R), m)), tf.mean(tf.mul(tf.square(pooled), R2))) as tf.Scalar;
      });
    const params = enc.namedParameters();
    const { value, grads } = tf.variableGrads(loss, params.map((p) => p.variable));
    value.dispose();
    const eps = 1e-2;
    let checked = 0;
    let worst = 0;
    let rng = 12345;
    const next = (n: number) => {
      rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
      return rng % n;
    };
    for (const p of params) {
      const g = grads[p.variable.name]!.dataSync();
      const base = Float32Array.from(p.variable.dataSync());
      // word embeddings: only rows of ids present carry gradient; pick from them and one absent row
      const candidates = p.name === "embeddings.word_embeddings.weight" ? [5 * 8 + 1, 9 * 8 + 3, 11 * 8 + 2] : [next(base.length), next(base.length), next(base.length)];
      for (const i of candidates) {
        const at = (delta: number) => {
          const v = Float32Array.from(base);
          v[i] = base[i]! + delta;
          p.variable.assign(tf.tensor(v, p.variable.shape));
          const l = loss();
          const out = l.dataSync()[0]!;
          l.dispose();
          return out;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        p.variable.assign(tf.tensor(base, p.variable.shape));
        const analytic = g[i]!;
        worst = Math.max(worst, Math.abs(analytic - numeric) / (5e-5 + 2e-3 * Math.abs(analytic)));
        expect(Math.abs(analytic - numeric), `${p.name}[${i}]: analytic ${analytic} numeric ${numeric}`).toBeLessThanOrEqual(5e-5 + 2e-3 * Math.abs(analytic));
        checked++;
      }
    }
    expect(checked).toBe(3 * params.length);
    expect(worst).toBeLessThanOrEqual(1);
    // the gradient of an unused vocabulary row is exactly 0
    expect(grads[params[0]!.variable.name]!.dataSync()[11 * 8 + 2]).toBe(0);
    tf.dispose([R, R2, ...Object.values(x)]);
    tf.dispose(grads);
    enc.dispose();
  });
});
