/** BertEncoder, DualEncoder, CrossEncoder: names, init, padding invariance, pooling, memory. */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";
import { DualEncoder } from "../src/model/dual-encoder.js";
import { BertEncoder, type EncoderInputs } from "../src/model/encoder.js";
import { pairInputs, truncateLongestFirst } from "../src/model/pair-inputs.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

const cfg = encoderConfig({ vocabSize: 32, hidden: 8, layers: 2, heads: 2, intermediate: 16, maxPositions: 12, initializerRange: 0.3 });

function inputs(ids: number[][], mask: number[][], types?: number[][]): EncoderInputs {
  const out: EncoderInputs = { inputIds: tf.tensor2d(ids, undefined, "int32"), attentionMask: tf.tensor2d(mask, undefined, "int32") };
  if (types !== undefined) out.tokenTypeIds = tf.tensor2d(types, undefined, "int32");
  return out;
}

function disposeInputs(x: EncoderInputs): void {
  tf.dispose([x.inputIds, x.attentionMask, ...(x.tokenTypeIds ? [x.tokenTypeIds] : [])]);
}

describe("BertEncoder", () => {
  it("names every parameter as HF BertModel does", () => {
    const enc = new BertEncoder(encoderConfig({ ...cfg, layers: 1 }));
    const layer = [
      "attention.self.query",
      "attention.self.key",
      "attention.self.value",
      "attention.output.dense",
      "attention.output.LayerNorm",
      "intermediate.dense",
      "output.dense",
      "output.LayerNorm",
    ].flatMap((m) => [`encoder.layer.0.${m}.weight`, `encoder.layer.0.${m}.bias`]);
    expect(enc.namedParameters().map((p) => p.name)).toEqual([
      "embeddings.word_embeddings.weight",
      "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight",
      "embeddings.LayerNorm.weight",
      "embeddings.LayerNorm.bias",
      ...layer,
    ]);
    expect(enc.variableGroups().backbone).toHaveLength(5 + 16);
    expect(enc.variableGroups().heads).toHaveLength(0);
    enc.dispose();
  });

  it("initialises deterministically: truncated normal(0, std) weights, zero biases, LayerNorm 1/0", () => {
    const big = encoderConfig({ ...cfg, vocabSize: 2000, hidden: 16, initializerRange: 0.02 });
    const a = new BertEncoder(big, { seed: 5 });
    const b = new BertEncoder(big, { seed: 5 });
    const c = new BertEncoder(big, { seed: 6 });
    const values = (e: BertEncoder) => e.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    expect(values(a)).toEqual(values(b));
    expect(values(a)[0]).not.toEqual(values(c)[0]);
    for (const p of a.namedParameters()) {
      const v = p.variable.dataSync();
      if (p.name.endsWith("LayerNorm.weight")) expect(v.every((x) => x === 1)).toBe(true);
      else if (p.name.endsWith("bias")) expect(v.every((x) => x === 0)).toBe(true);
      else expect(v.every((x) => Math.abs(x) <= 0.04)).toBe(true);
    }
    // std of a normal truncated at +-2 sigma is 0.8796 sigma
    const w = Array.from(a.embeddings.word.dataSync() as Float32Array);
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(5e-4);
    expect(std / (0.8796 * 0.02)).toBeGreaterThan(0.97);
    expect(std / (0.8796 * 0.02)).toBeLessThan(1.03);
    [a, b, c].forEach((e) => e.dispose());
  });

  it("gives the same states for real tokens with or without padding (any pad ids)", async () => {
    const enc = new BertEncoder(cfg, { seed: 1 });
    const alone = inputs([[2, 7, 9, 4]], [[1, 1, 1, 1]], [[0, 0, 1, 1]]);
    const padded = inputs(
      [
        [2, 7, 9, 4, 31, 17, 5],
        [3, 3, 3, 3, 3, 3, 3],
      ],
      [
        [1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 1, 1, 1],
      ],
      [
        [0, 0, 1, 1, 1, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
      ],
    );
    const a = enc.forward(alone);
    const b = enc.forward(padded);
    const ha = (await a.hidden.array())[0]!;
    const hb = (await b.hidden.array())[0]!;
    for (let s = 0; s < 4; s++) for (let d = 0; d < 8; d++) expect(Math.abs(ha[s]![d]! - hb[s]![d]!)).toBeLessThan(1e-5);
    const pa = a.pooled.dataSync();
    const pb = b.pooled.dataSync();
    for (let d = 0; d < 8; d++) expect(pb[d]).toBeCloseTo(pa[d]!, 5);
    // CLS pooling = position 0
    for (let d = 0; d < 8; d++) expect(pa[d]).toBe(ha[0]![d]);
    tf.dispose([a.hidden, a.pooled, b.hidden, b.pooled]);
    disposeInputs(alone);
    disposeInputs(padded);
    enc.dispose();
  });

  it("mean pooling averages the non-pad states", async () => {
    const enc = new BertEncoder(encoderConfig({ ...cfg, pooling: "mean" }), { seed: 2 });
    const x = inputs([[5, 6, 7, 0, 0]], [[1, 1, 1, 0, 0]]);
    const { hidden, pooled } = enc.forward(x);
    const h = (await hidden.array())[0]!;
    const p = pooled.dataSync();
    for (let d = 0; d < 8; d++) expect(p[d]).toBeCloseTo((h[0]![d]! + h[1]![d]! + h[2]![d]!) / 3, 5);
    tf.dispose([hidden, pooled]);
    disposeInputs(x);
    enc.dispose();
  });

  it("rejects over-long sequences and mismatched masks", () => {
    const enc = new BertEncoder(cfg);
    const long = inputs([new Array<number>(13).fill(1)], [new Array<number>(13).fill(1)]);
    expect(() => enc.forward(long)).toThrow(/maxPositions/);
    const bad = { inputIds: tf.zeros([2, 3], "int32"), attentionMask: tf.ones([2, 4]) };
    expect(() => enc.forward(bad)).toThrow(/attentionMask shape/);
    disposeInputs(long);
    disposeInputs(bad);
    enc.dispose();
  });

  it("training mode applies seeded dropout: reproducible per (seed, step), off in eval", () => {
    const enc = new BertEncoder(cfg, { seed: 3 });
    const x = inputs([[1, 2, 3, 4]], [[1, 1, 1, 1]]);
    const run = (o?: { training: boolean; seed: number; step: number }) => {
      const v = enc.encode(x, o);
      const d = Array.from(v.dataSync());
      v.dispose();
      return d;
    };
    const evalA = run();
    expect(run()).toEqual(evalA);
    const t1 = run({ training: true, seed: 9, step: 1 });
    expect(run({ training: true, seed: 9, step: 1 })).toEqual(t1);
    expect(run({ training: true, seed: 9, step: 2 })).not.toEqual(t1);
    expect(t1).not.toEqual(evalA);
    disposeInputs(x);
    enc.dispose();
  });

  it("keeps the tensor count flat across repeated forward/backward passes", () => {
    const model = new CrossEncoder(cfg, { seed: 4 });
    const x = inputs(
      [
        [1, 2, 3, 4, 5],
        [6, 7, 8, 0, 0],
      ],
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
      [
        [0, 0, 1, 1, 1],
        [0, 0, 1, 1, 1],
      ],
    );
    const vars = [...model.variableGroups().backbone, ...model.variableGroups().heads];
    const step = (i: number) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.forward(x, { training: true, seed: 1, step: i })) as tf.Scalar, vars);
      value.dispose();
      tf.dispose(grads);
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 3; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    disposeInputs(x);
    model.dispose();
  });
});

describe("DualEncoder", () => {
  it("scores are inner products of query and passage vectors", async () => {
    const de = new DualEncoder(cfg, { seed: 1 });
    expect(de.shared).toBe(true);
    const q = inputs([[1, 2, 3], [4, 5, 0]], [[1, 1, 1], [1, 1, 0]]);
    const p = inputs([[7, 8, 9, 10], [11, 12, 0, 0], [13, 0, 0, 0]], [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]);
    const qv = de.encodeQueries(q);
    const pv = de.encodePassages(p);
    const s = de.scores(qv, pv);
    expect(s.shape).toEqual([2, 3]);
    const Q = (await qv.array()) as number[][];
    const P = (await pv.array()) as number[][];
    const S = (await s.array()) as number[][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expect(S[i]![j]).toBeCloseTo(Q[i]!.reduce((a, x, d) => a + x * P[j]![d]!, 0), 5);
    // shared towers: query and passage encodings of the same input agree
    const pq = de.encodePassages(q);
    expect(Array.from(pq.dataSync())).toEqual(Array.from(qv.dataSync()));
    expect(de.variableGroups().backbone).toHaveLength(5 + 2 * 16);
    tf.dispose([qv, pv, s, pq]);
    disposeInputs(q);
    disposeInputs(p);
    de.dispose();
  });

  it("separate towers have their own weights and prefixed names", () => {
    const de = new DualEncoder(cfg, { shared: false, seed: 1 });
    expect(de.shared).toBe(false);
    const names = de.namedParameters().map((p) => p.name);
    expect(names).toContain("query.embeddings.word_embeddings.weight");
    expect(names).toContain("passage.encoder.layer.1.output.LayerNorm.bias");
    expect(de.variableGroups().backbone).toHaveLength(2 * (5 + 2 * 16));
    expect(Array.from(de.queryEncoder.embeddings.word.dataSync())).not.toEqual(Array.from(de.passageEncoder.embeddings.word.dataSync()));
    de.dispose();
  });
});

describe("CrossEncoder", () => {
  it("builds [CLS] q [SEP] p [SEP] pairs with segment ids and longest-first truncation", () => {
    const special = { cls: 101, sep: 102, pad: 0 };
    const b = pairInputs([[1, 2], [3]], [[4, 5, 6], [7]], special, 16);
    expect(b.shape).toEqual([2, 8]);
    expect(Array.from(b.inputIds)).toEqual([101, 1, 2, 102, 4, 5, 6, 102, 101, 3, 102, 7, 102, 0, 0, 0]);
    expect(Array.from(b.tokenTypeIds)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(truncateLongestFirst([1, 2, 3], [4, 5, 6, 7, 8, 9], 5)).toEqual([[1, 2, 3], [4, 5]]);
    expect(truncateLongestFirst([1, 2, 3, 4], [5], 3)).toEqual([[1, 2], [5]]);
    expect(pairInputs([[1, 2, 3]], [[4, 5, 6, 7, 8, 9]], special, 8).shape).toEqual([1, 8]);
  });

  it("scores pairs with a linear head on [CLS]; groups backbone vs heads; HF names", async () => {
    const ce = new CrossEncoder(cfg, { seed: 2 });
    const b = pairInputs([[1, 2], [3]], [[4, 5, 6], [7]], { cls: 30, sep: 31, pad: 0 }, 12);
    const x = inputs([Array.from(b.inputIds.slice(0, 8)), Array.from(b.inputIds.slice(8))], [Array.from(b.attentionMask.slice(0, 8)), Array.from(b.attentionMask.slice(8))], [Array.from(b.tokenTypeIds.slice(0, 8)), Array.from(b.tokenTypeIds.slice(8))]);
    const s = ce.forward(x);
    expect(s.shape).toEqual([2]);
    const cls = ce.encoder.encode(x);
    const w = ce.head.linear.weight.dataSync();
    const bias = ce.head.linear.bias.dataSync()[0]!;
    const C = (await cls.array()) as number[][];
    const S = s.dataSync();
    for (let i = 0; i < 2; i++) expect(S[i]).toBeCloseTo(C[i]!.reduce((a, v, d) => a + v * w[d]!, bias), 5);
    const names = ce.namedParameters().map((p) => p.name);
    expect(names[0]).toBe("bert.embeddings.word_embeddings.weight");
    expect(names.slice(-2)).toEqual(["classifier.weight", "classifier.bias"]);
    expect(ce.variableGroups().heads).toHaveLength(2);
    expect(ce.variableGroups().backbone).toHaveLength(5 + 2 * 16);
    const withPooler = new CrossEncoder(cfg, { seed: 2, pooler: true });
    expect(withPooler.namedParameters().map((p) => p.name)).toContain("bert.pooler.dense.weight");
    expect(withPooler.variableGroups().heads).toHaveLength(4);
    tf.dispose([s, cls]);
    disposeInputs(x);
    ce.dispose();
    withPooler.dispose();
  });
});
