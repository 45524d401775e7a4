/** Blocks against hand-computed values and a plain-JS attention reference. */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { RunContext } from "../src/model/context.js";
import { AttentionBlock, MultiHeadAttention, attentionBias } from "../src/model/layers/attention.js";
import { gelu } from "../src/model/layers/gelu.js";
import { LayerNorm } from "../src/model/layers/layer-norm.js";
import { DecoderStyleLayer, EncoderLayer } from "../src/model/layers/transformer-layer.js";
import { ParamScope } from "../src/model/params.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

const cfg = encoderConfig({ vocabSize: 16, hidden: 4, layers: 1, heads: 2, intermediate: 8, maxPositions: 8, initializerRange: 0.5 });
const ctx = new RunContext();

function disposeScope(scope: ParamScope): void {
  scope.params().forEach((p) => p.variable.dispose());
}

describe("LayerNorm", () => {
  it("normalises with the biased variance, then scales and shifts", () => {
    const scope = ParamScope.root(0);
    const ln = new LayerNorm(scope.child("LayerNorm"), 4, 1e-12);
    ln.gamma.assign(tf.tensor1d([1, 2, 1, 1]));
    ln.beta.assign(tf.tensor1d([0, 0, 0, 1]));
    const y = ln.apply(tf.tensor2d([[1, 2, 3, 4]])).dataSync();
    // mean 2.5, biased variance 1.25
    const s = Math.sqrt(1.25);
    const want = [-1.5 / s, (2 * -0.5) / s, 0.5 / s, 1.5 / s + 1];
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 6));
    expect(scope.params().map((p) => p.name)).toEqual(["LayerNorm.weight", "LayerNorm.bias"]);
    disposeScope(scope);
  });
});

describe("gelu", () => {
  it("is the exact erf form (values from Python math.erf)", () => {
    const xs = [1, -1, 2, 0.5, -3, 3, 0.1];
    const want = [0.8413447460685429, -0.15865525393145707, 1.9544997361036416, 0.34573123063700656, -0.00404969409489031, 2.99595030590511, 0.053982783727702904];
    const y = gelu(tf.tensor1d(xs)).dataSync();
    want.forEach((w, i) => expect(Math.abs(y[i]! - w)).toBeLessThan(3e-7));
  });
});

/** Plain-JS multi-head attention with additive mask, for one batch row. */
function referenceAttention(x: number[][], mem: number[][], mask: number[], W: Record<"q" | "k" | "v", { w: number[][]; b: number[] }>, heads: number): number[][] {
  const lin = (rows: number[][], { w, b }: { w: number[][]; b: number[] }) => rows.map((r) => b.map((bj, j) => bj + r.reduce((s, ri, i) => s + ri * w[i]![j]!, 0)));
  const q = lin(x, W.q);
  const k = lin(mem, W.k);
  const v = lin(mem, W.v);
  const H = q[0]!.length;
  const dh = H / heads;
  const out = x.map(() => new Array<number>(H).fill(0));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < x.length; i++) {
      const scores = k.map((kr, j) => {
        if (mask[j] === 0) return -Infinity;
        let s = 0;
        for (let d = 0; d < dh; d++) s += q[i]![h * dh + d]! * kr[h * dh + d]!;
        return s / Math.sqrt(dh);
      });
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < dh; d++) out[i]![h * dh + d] = e.reduce((s, ej, j) => s + (ej / z) * v[j]![h * dh + d]!, 0);
    }
  }
  return out;
}

describe("MultiHeadAttention", () => {
  it("matches a plain-JS reference with a key padding mask (self and cross)", async () => {
    const scope = ParamScope.root(7);
    const mha = new MultiHeadAttention(scope.child("self"), cfg);
    const W = {
      q: { w: (await mha.query.weight.array()) as number[][], b: (await mha.query.bias.array()) as number[] },
      k: { w: (await mha.key.weight.array()) as number[][], b: (await mha.key.bias.array()) as number[] },
      v: { w: (await mha.value.weight.array()) as number[][], b: (await mha.value.bias.array()) as number[] },
    };
    // non-zero biases so they are exercised
    for (const lin of [mha.query, mha.key, mha.value]) lin.bias.assign(tf.tensor1d([0.1, -0.2, 0.3, 0.05]));
    for (const w of [W.q, W.k, W.v]) w.b = [0.1, -0.2, 0.3, 0.05];
    const x = [
      [0.5, -1, 0.2, 0.3],
      [1, 0.1, -0.4, 0.9],
      [-0.3, 0.8, 0.6, -1.2],
    ];
    const mem = [
      [0.2, 0.4, -0.6, 1],
      [-1, 0.5, 0.5, 0.1],
      [0.7, -0.3, 0.2, 0.4],
      [9, 9, 9, 9],
      [5, -5, 5, -5],
    ];
    const memMask = [1, 1, 1, 0, 0];
    const xt = tf.tensor3d([x]);
    const self = mha.apply(xt, xt, attentionBias(tf.tensor2d([[1, 1, 0]])), ctx);
    const cross = mha.apply(xt, tf.tensor3d([mem]), attentionBias(tf.tensor2d([memMask])), ctx);
    const close = (got: number[][], want: number[][]) => want.forEach((r, i) => r.forEach((w, j) => expect(Math.abs(got[i]![j]! - w)).toBeLessThan(1e-5)));
    close(((await self.array()) as number[][][])[0]!, referenceAttention(x, x, [1, 1, 0], W, 2));
    close(((await cross.array()) as number[][][])[0]!, referenceAttention(x, mem, memMask, W, 2));
    expect(cross.shape).toEqual([1, 3, 4]);
    disposeScope(scope);
  });

  it("gives finite, uniform weights when every key is padding", () => {
    const scope = ParamScope.root(1);
    const mha = new MultiHeadAttention(scope.child("self"), cfg);
    const x = tf.randomNormal([1, 3, 4], 0, 1, "float32", 5) as tf.Tensor3D;
    const out = mha.apply(x, x, attentionBias(tf.tensor2d([[0, 0, 0]])), ctx);
    const vMean = tf.mean(mha.value.apply(x), 1); // uniform weights -> mean of values
    const o = out.dataSync();
    expect(o.every(Number.isFinite)).toBe(true);
    const m = vMean.dataSync();
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(o[i * 4 + j]).toBeCloseTo(m[j]!, 5);
    disposeScope(scope);
  });

  it("records HF parameter names", () => {
    const scope = ParamScope.root(0);
    new AttentionBlock(scope.child("attention"), cfg);
    expect(scope.params().map((p) => p.name)).toEqual([
      "attention.self.query.weight",
      "attention.self.query.bias",
      "attention.self.key.weight",
      "attention.self.key.bias",
      "attention.self.value.weight",
      "attention.self.value.bias",
      "attention.output.dense.weight",
      "attention.output.dense.bias",
      "attention.output.LayerNorm.weight",
      "attention.output.LayerNorm.bias",
    ]);
    disposeScope(scope);
  });
});

describe("DecoderStyleLayer", () => {
  it("cross-attends to the memory and ignores masked memory positions", () => {
    const scope = ParamScope.root(3);
    const layer = new DecoderStyleLayer(scope.child("layer"), cfg);
    expect(scope.params().filter((p) => p.name.startsWith("layer.crossattention.")).length).toBe(10);
    const x = tf.randomNormal([2, 3, 4], 0, 1, "float32", 1) as tf.Tensor3D;
    const memA = tf.randomNormal([2, 5, 4], 0, 1, "float32", 2) as tf.Tensor3D;
    const memMask = tf.tensor2d([
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
    ]);
    // memB differs from memA only at masked positions of row 0
    const memB = tf.concat([tf.concat([tf.slice(memA, [0, 0, 0], [1, 3, 4]), tf.fill([1, 2, 4], 42)], 1), tf.slice(memA, [1, 0, 0], [1, 5, 4])], 0) as tf.Tensor3D;
    const a = layer.apply(x, undefined, memA, attentionBias(memMask), ctx);
    const b = layer.apply(x, undefined, memB, attentionBias(memMask), ctx);
    expect(a.shape).toEqual([2, 3, 4]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    const c = layer.apply(x, undefined, tf.add(memA, 1) as tf.Tensor3D, attentionBias(memMask), ctx);
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    disposeScope(scope);
  });
});

describe("dropout", () => {
  it("is the identity in eval mode and seeded in training", () => {
    const x = tf.ones([1000]);
    expect(new RunContext().dropout(x, 0.5)).toBe(x);
    const a = new RunContext({ training: true, seed: 1, step: 3 }).dropout(x, 0.5).dataSync();
    const b = new RunContext({ training: true, seed: 1, step: 3 }).dropout(x, 0.5).dataSync();
    const c = new RunContext({ training: true, seed: 1, step: 4 }).dropout(x, 0.5).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.every((v) => v === 0 || v === 2)).toBe(true);
    const kept = a.filter((v) => v !== 0).length;
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThan(600);
    // successive calls in one context draw different masks
    const ctx2 = new RunContext({ training: true, seed: 1 });
    expect(Array.from(ctx2.dropout(x, 0.5).dataSync())).not.toEqual(Array.from(ctx2.dropout(x, 0.5).dataSync()));
  });
});

describe("DecoderStyleLayer.initFromEncoderLayer", () => {
  it("copies self-attention and FFN, seeds cross-attention from self-attention", () => {
    const scope = ParamScope.root(4);
    const enc = new EncoderLayer(scope.child("enc"), cfg);
    const dec = new DecoderStyleLayer(scope.child("dec"), cfg);
    dec.initFromEncoderLayer(enc);
    const a = enc.attention.variables().map((v) => Array.from(v.dataSync()));
    expect(dec.crossAttention.variables().map((v) => Array.from(v.dataSync()))).toEqual(a);
    expect(dec.attention.variables().map((v) => Array.from(v.dataSync()))).toEqual(a);
    expect(dec.ffn.variables().map((v) => Array.from(v.dataSync()))).toEqual(enc.ffn.variables().map((v) => Array.from(v.dataSync())));
    // variables stay distinct (training one does not move the other)
    expect(dec.crossAttention.attention.query.weight).not.toBe(enc.attention.attention.query.weight);
    disposeScope(scope);
  });
});
