/**
 * Numerical gradient check of the I3 heads: analytic d L / d w (tf.variableGrads through the
 * slot embeddings, the reconstructor's self- and cross-attention, the interactor, the MLM head)
 * vs central differences (L(w + e) - L(w - e)) / 2e on the cpu backend, float32, with
 * L = mean(R1 * logits) + mean(R2 * p*) + mean(scores). Tolerance as model-gradcheck.test.ts:
 * |analytic - numeric| <= 5e-5 + 2e-3 |analytic| (float32 loss rounding / 2e ~ 1e-6).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { I3Retriever } from "../src/i3/retriever.js";
import type { I3ConfigInput } from "../src/i3/config.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

const cfg = encoderConfig({ vocabSize: 10, hidden: 8, layers: 1, heads: 2, intermediate: 12, maxPositions: 8, initializerRange: 0.5, layerNormEps: 1e-5 });
const specialTokens = { cls: 1, sep: 2, mask: 3 };

const variants: [string, I3ConfigInput, string[]][] = [
  [
    "memory=tokens, interactor=tokens, untied",
    { specialTokens, slots: 3, reconstructor: { memory: "tokens", layers: 1 }, interactor: { input: "tokens" } },
    ["c_head.0.crossattention.self.value.weight", "c_head.0.crossattention.self.query.weight", "c_head.0.attention.self.key.weight", "d_head.0.attention.self.query.weight", "d_head.0.output.dense.weight", "cls.predictions.transform.dense.weight", "cls.predictions.decoder.weight", "cls.predictions.bias"],
  ],
  [
    "memory=pooled, interactor=pooled (2 layers), tied, 2 layers",
    { specialTokens, slots: 4, reconstructor: { memory: "pooled", layers: 2 }, interactor: { input: "pooled", layers: 2 }, mlmHead: { tied: true } },
    ["c_head.1.crossattention.self.value.weight", "c_head.0.intermediate.dense.weight", "d_head.0.attention.output.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias", "lm_p.embeddings.word_embeddings.weight"],
  ],
];

describe("I3 gradient check (cpu backend)", () => {
  for (const [name, variant, checked] of variants) {
    it(`${name}: analytic head gradients match central differences`, () => {
      const model = new I3Retriever(cfg, variant, { seed: 17 });
      const p = { inputIds: tf.tensor2d([[1, 5, 7, 2], [1, 4, 2, 0]], undefined, "int32"), attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, "int32") };
      const q = { inputIds: tf.tensor2d([[1, 6, 2]], undefined, "int32"), attentionMask: tf.tensor2d([[1, 1, 1]], undefined, "int32") };
      const m = variant.slots!;
      const R1 = tf.randomNormal([2, m, cfg.vocabSize], 0, 1, "float32", 3);
      const R2 = tf.randomNormal([2, cfg.hidden], 0, 1, "float32", 4);
      const loss = () =>
        tf.tidy(() => {
          const out = model.forwardPassages(p);
          const s = model.scores(model.encodeQueries(q), out.vectors);
          return tf.addN([tf.mean(tf.mul(out.logits!, R1)), tf.mean(tf.mul(out.vectors, R2)), tf.mean(s)]) as tf.Scalar;
        });
      const params = model.namedParameters().filter((x) => checked.includes(x.name));
      expect(params).toHaveLength(checked.length);
      const { value, grads } = tf.variableGrads(loss, params.map((x) => x.variable));
      value.dispose();
      const eps = 1e-2;
      let rng = 99;
      const next = (n: number) => {
        rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
        return rng % n;
      };
      let count = 0;
      for (const x of params) {
        const g = grads[x.variable.name]!.dataSync();
        const base = Float32Array.from(x.variable.dataSync());
        // word embeddings: the [MASK] row (slots only, tied decoder) and a row used by nothing but the tied decoder
        const candidates = x.name.endsWith("word_embeddings.weight") ? [3 * 8 + 1, 3 * 8 + 6, 9 * 8 + 2] : [next(base.length), next(base.length), next(base.length)];
        for (const i of candidates) {
          const at = (delta: number) => {
            const v = Float32Array.from(base);
            v[i] = base[i]! + delta;
            x.variable.assign(tf.tensor(v, x.variable.shape));
            const l = loss();
            const out = l.dataSync()[0]!;
            l.dispose();
            return out;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          x.variable.assign(tf.tensor(base, x.variable.shape));
          const analytic = g[i]!;
          if (Math.abs(analytic) > 1e-4) count++;
          expect(Math.abs(analytic - numeric), `${x.name}[${i}] analytic ${analytic} numeric ${numeric}`).toBeLessThanOrEqual(5e-5 + 2e-3 * Math.abs(analytic));
        }
      }
      // most checked entries carry a real gradient (not a vacuous 0 = 0)
      expect(count).toBeGreaterThanOrEqual(checked.length);
      tf.dispose([...Object.values(grads), R1, R2, p.inputIds, p.attentionMask, q.inputIds, q.attentionMask]);
      model.dispose();
    });
  }
});
