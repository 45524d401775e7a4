/**
 * The I3 objective (`i3Loss`, `betaAt`): each term against a float64 computation by hand from
 * the model's own outputs (q, p*, the full MLM logits), beta = 0 with the interactor off = the
 * dual-encoder's loss on the same weights, padded targets ignored, and the beta schedules.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { contrastiveLoss, maskedTokenCrossEntropy } from "@i3/losses";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { DualEncoder } from "../src/model/dual-encoder.js";
import { betaAt, i3Loss } from "../src/i3/objective.js";
import { I3Retriever } from "../src/i3/retriever.js";

const cfg = encoderConfig({ vocabSize: 30, hidden: 8, layers: 1, heads: 2, intermediate: 16, maxPositions: 16, initializerRange: 0.3 });
const specialTokens = { cls: 1, sep: 2, mask: 3 };
const batch = (ids: number[][]) => ({
  inputIds: tf.tensor2d(ids, undefined, "int32"),
  attentionMask: tf.tensor2d(ids.map((r) => r.map((t) => (t === 0 ? 0 : 1))), undefined, "int32"),
});
const rows = (t: tf.Tensor) => t.arraySync() as number[][];
const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("i3Loss", () => {
  it("each term equals a float64 computation by hand; total = contrastive + beta * reconstruction", () => {
    const i3 = new I3Retriever(cfg, { specialTokens, slots: 4 }, { shared: false, seed: 5 });
    const q = batch([[1, 9, 2], [1, 8, 2]]);
    // group-major: q0's positive and negative, then q1's
    const p = batch([[1, 9, 10, 2], [1, 11, 2, 0], [1, 8, 12, 2], [1, 13, 2, 0]]);
    const targets = Int32Array.from([9, 10, -100, -100, 11, -100, -100, -100, 8, 12, -100, -100, 13, -100, -100, -100]);
    const temperature = 0.5;
    const beta = 0.3;
    const terms = i3Loss(i3, q, p, targets, { beta, temperature });

    // Contrastive: softmax over the 4 passages' p*, positive of query i at 2i.
    const [qv, pv] = [rows(i3.encodeQueries(q)), rows(i3.encodePassages(p))];
    const contrastive =
      qv.map((qi, i) => {
        const scores = pv.map((pj) => pj.reduce((s, x, k) => s + x * qi[k]!, 0) / temperature);
        return logSumExp(scores) - scores[2 * i]!;
      }).reduce((s, x) => s + x, 0) / qv.length;
    // Reconstruction: mean NLL over the 6 non-ignored slots of the full [4, m, V] logits.
    const logits = i3.forwardPassages(p).logits!.arraySync() as number[][][];
    let nll = 0;
    let n = 0;
    targets.forEach((t, i) => {
      if (t === -100) return;
      const slot = logits[Math.floor(i / 4)]![i % 4]!;
      nll += logSumExp(slot) - slot[t]!;
      n += 1;
    });
    const reconstruction = nll / n;

    expect(n).toBe(6);
    expect(terms.contrastive.dataSync()[0]).toBeCloseTo(contrastive, 5);
    expect(terms.reconstruction.dataSync()[0]).toBeCloseTo(reconstruction, 5);
    expect(terms.total.dataSync()[0]).toBeCloseTo(contrastive + beta * reconstruction, 5);
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask, terms.total, terms.contrastive, terms.reconstruction]);
    i3.dispose();
  });

  it("beta = 0 with the interactor off is the dual-encoder's contrastive loss (same weights)", () => {
    const de = new DualEncoder(cfg, { shared: false, seed: 3 });
    const i3 = new I3Retriever(cfg, { specialTokens, slots: 4, interactor: { enabled: false } }, { towers: { query: de.queryEncoder, passage: de.passageEncoder } });
    const q = batch([[1, 9, 2], [1, 8, 2]]);
    const p = batch([[1, 9, 10, 2], [1, 11, 2, 0], [1, 8, 12, 2], [1, 13, 2, 0]]);
    const targets = new Int32Array(16).fill(-100);
    const deLoss = tf.tidy(() => contrastiveLoss(de.encodeQueries(q), de.encodePassages(p)));
    const terms = i3Loss(i3, q, p, targets, { beta: 0 });
    expect(Math.abs(terms.total.dataSync()[0]! - deLoss.dataSync()[0]!)).toBeLessThan(1e-6);
    expect(terms.reconstruction.dataSync()[0]).toBe(0);
    // beta > 0: the contrastive term is still the dual-encoder's, L_rec = maskedTokenCrossEntropy over the full logits
    const t2 = Int32Array.from([9, 10, -100, -100, 11, -100, -100, -100, 8, 12, -100, -100, 13, -100, -100, -100]);
    const terms2 = i3Loss(i3, q, p, t2, { beta: 0.3 });
    const [c, r] = [terms2.contrastive, terms2.reconstruction].map((t) => t.dataSync()[0]!);
    expect(Math.abs(c! - deLoss.dataSync()[0]!)).toBeLessThan(1e-6);
    const full = tf.tidy(() => maskedTokenCrossEntropy(i3.forwardPassages(p).logits!, tf.tensor2d(t2, [4, 4], "int32")));
    expect(Math.abs(r! - full.dataSync()[0]!)).toBeLessThan(1e-5);
    full.dispose();
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask, deLoss, ...new Set([...Object.values(terms), ...Object.values(terms2)])]);
    i3.dispose();
  });

  it("the reconstruction loss ignores padded targets: changing their logits changes neither loss nor gradient", () => {
    const targets = tf.tensor2d([[5, 7, -100, -100], [9, -100, -100, -100]], undefined, "int32");
    const logits = tf.randomNormal([2, 4, 12], 0, 1, "float32", 1);
    const ignoredMask = tf.reshape(tf.tensor2d([[0, 0, 1, 1], [0, 1, 1, 1]]), [2, 4, 1]);
    const changed = tf.add(logits, tf.mul(tf.randomNormal([2, 4, 12], 0, 10, "float32", 2), ignoredMask));
    const grad = tf.grad((z: tf.Tensor) => maskedTokenCrossEntropy(z as tf.Tensor3D, targets));
    const [l1, l2] = [maskedTokenCrossEntropy(logits as tf.Tensor3D, targets), maskedTokenCrossEntropy(changed as tf.Tensor3D, targets)];
    expect(l2.dataSync()[0]).toBeCloseTo(l1.dataSync()[0]!, 6);
    const [g1, g2] = [grad(logits), grad(changed)];
    expect(tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0]).toBeLessThan(1e-7);
    // no gradient at all at the ignored positions
    expect(tf.max(tf.abs(tf.mul(g1, ignoredMask))).dataSync()[0]).toBe(0);
    tf.dispose([targets, logits, ignoredMask, changed, l1, l2, g1, g2]);
  });

  it("checks the number of targets against the slots", () => {
    const i3 = new I3Retriever(cfg, { specialTokens, slots: 4 }, { seed: 1 });
    const q = batch([[1, 9, 2]]);
    const p = batch([[1, 9, 10, 2]]);
    expect(() => i3Loss(i3, q, p, new Int32Array(3), { beta: 1 })).toThrow(/i3Loss: 3 targets for \[1,4\] slots/);
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
    i3.dispose();
  });
});

describe("betaAt", () => {
  it("constant keeps the weight; ten-power-minus-epoch is weight x 10^-(epoch+1)", () => {
    expect(betaAt({ weight: 0.5, schedule: "constant" }, 3)).toBe(0.5);
    expect(betaAt({ weight: 1, schedule: "ten-power-minus-epoch" }, 0)).toBeCloseTo(0.1, 12);
    expect(betaAt({ weight: 2, schedule: "ten-power-minus-epoch" }, 2)).toBeCloseTo(0.002, 12);
    expect(betaAt({ weight: 0, schedule: "ten-power-minus-epoch" }, 0)).toBe(0);
  });
});
