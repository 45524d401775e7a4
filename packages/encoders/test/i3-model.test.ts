/** I3Retriever: variants' shapes and masks, slot/target ids, dual-encoder equivalence, groups, memory. */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { encoderConfig } from "../src/model/config.js";
import { RunContext } from "../src/model/context.js";
import { DualEncoder } from "../src/model/dual-encoder.js";
import type { EncoderInputs } from "../src/model/encoder.js";
import { i3Config, I3ConfigError, type I3ConfigInput } from "../src/i3/config.js";
import { I3Retriever } from "../src/i3/retriever.js";
import { reconstructionTargets, slotIds } from "../src/i3/slots.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

const V = 40;
const cfg = encoderConfig({ vocabSize: V, hidden: 8, layers: 1, heads: 2, intermediate: 16, maxPositions: 16, initializerRange: 0.3 });
const specialTokens = { cls: 1, sep: 2, mask: 3 };

/** Token ids with a mask (default: 0 = padding). */
function inputs(ids: number[][], maskOf: number[][] = ids): EncoderInputs {
  return {
    inputIds: tf.tensor2d(ids, undefined, "int32"),
    attentionMask: tf.tensor2d(maskOf.map((r) => r.map((t) => (t === 0 ? 0 : 1))), undefined, "int32"),
  };
}
const dispose = (x: EncoderInputs) => tf.dispose([x.inputIds, x.attentionMask]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

const passages = [
  [1, 9, 10, 11, 12, 2],
  [1, 5, 6, 2, 0, 0],
  [1, 7, 2, 0, 0, 0],
];
// same real tokens, different ids under the padding
const passagesOtherPads = [
  [1, 9, 10, 11, 12, 2],
  [1, 5, 6, 2, 30, 31],
  [1, 7, 2, 33, 34, 35],
];
const queries = [
  [1, 9, 10, 2],
  [1, 5, 2, 0],
];

describe("slot ids and reconstruction targets", () => {
  it("slots are [CLS] [MASK]^(m-2) [SEP]", () => {
    expect([...slotIds(5, specialTokens)]).toEqual([1, 3, 3, 3, 2]);
    expect([...slotIds(2, specialTokens)]).toEqual([1, 2]);
    expect(() => slotIds(1, specialTokens)).toThrow(/slots/);
  });

  it("targets drop [CLS]/[SEP], left-align, truncate to m, pad with -100", () => {
    expect([...reconstructionTargets([1, 7, 8, 9, 2], 5, specialTokens)]).toEqual([7, 8, 9, -100, -100]);
    expect([...reconstructionTargets([1, 7, 8, 9, 10, 11, 12, 2], 4, specialTokens)]).toEqual([7, 8, 9, 10]);
    expect([...reconstructionTargets([7, 8], 3, specialTokens)]).toEqual([7, 8, -100]);
    expect([...reconstructionTargets(undefined, 3, specialTokens)]).toEqual([-100, -100, -100]);
    expect([...reconstructionTargets([1, 2], 2, specialTokens, 0)]).toEqual([0, 0]);
  });
});

describe("I3Config", () => {
  it("defaults to the final reference code", () => {
    const c = i3Config({ specialTokens });
    expect(c).toEqual({ slots: 32, specialTokens, reconstructor: { layers: 1, memory: "pooled" }, interactor: { enabled: true, input: "pooled", layers: 1 }, mlmHead: { tied: false } });
  });
  it('reads the deprecated memory "cls" as "pooled"; an explicit undefined takes the default', () => {
    expect(i3Config({ specialTokens, reconstructor: { memory: "cls" } }).reconstructor.memory).toBe("pooled");
    expect(i3Config({ specialTokens, interactor: { layers: undefined as unknown as number } }).interactor.layers).toBe(1);
  });
  it("reports every problem", () => {
    try {
      i3Config({ specialTokens: { cls: 1, sep: -1, mask: 3 }, slots: 1, reconstructor: { layers: 4, memory: "all" as "pooled" }, interactor: { layers: 0 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(I3ConfigError);
      expect((e as I3ConfigError).problems).toHaveLength(5);
      expect((e as I3ConfigError).problems).toContain("interactor.layers must be 1, 2 or 3, got 0");
    }
  });
});

describe("I3Retriever variants", () => {
  const variants: I3ConfigInput[] = [];
  for (const memory of ["tokens", "pooled"] as const)
    for (const interactor of [{ enabled: true, input: "tokens" as const }, { enabled: true, input: "pooled" as const }, { enabled: false }])
      for (const layers of [1, 3]) variants.push({ specialTokens, slots: 5, reconstructor: { layers, memory }, interactor: interactor.enabled ? { ...interactor, layers } : interactor });
  variants.push({ specialTokens, slots: 2, reconstructor: { layers: 2, memory: "tokens" }, mlmHead: { tied: true } });

  for (const v of variants) {
    const name = `memory=${v.reconstructor?.memory} interactor=${v.interactor?.enabled === false ? "off" : (v.interactor?.input ?? "pooled")} layers=${v.reconstructor?.layers} m=${v.slots}${v.mlmHead?.tied ? " tied" : ""}`;
    it(`${name}: shapes, index vector size, padding ignored`, () => {
      const model = new I3Retriever(cfg, v, { seed: 3 });
      const x = inputs(passages);
      const xo = inputs(passagesOtherPads, passages);
      const out = model.forwardPassages(x);
      const m = v.slots!;
      expect(out.vectors.shape).toEqual([3, cfg.hidden]);
      expect(out.pooled.shape).toEqual([3, cfg.hidden]);
      expect(out.z.shape).toEqual([3, m, cfg.hidden]);
      expect(out.logits!.shape).toEqual([3, m, V]);
      // the index holds one H-dim vector per passage, as the dual-encoder's
      const p = model.encodePassages(x);
      expect(p.shape).toEqual([3, cfg.hidden]);
      expect(maxDiff(p, out.vectors)).toBeLessThan(1e-6);
      // padded passage positions change nothing (reconstructor memory and interactor masks)
      const other = model.forwardPassages(xo);
      expect(maxDiff(other.z, out.z)).toBeLessThan(1e-6);
      expect(maxDiff(other.vectors, out.vectors)).toBeLessThan(1e-6);
      expect(maxDiff(other.logits!, out.logits!)).toBeLessThan(1e-6);
      // each passage is encoded independently of the batch
      const single = inputs([passages[1]!.slice(0, 4)]);
      const alone = model.encodePassages(single);
      expect(maxDiff(alone, tf.slice(p, [1, 0], [1, cfg.hidden]))).toBeLessThan(1e-5);
      // no logits requested: none computed
      const noLogits = model.forwardPassages(x, {}, { logits: false });
      expect(noLogits.logits).toBeUndefined();
      tf.dispose([out.vectors, out.pooled, out.z, out.logits!, p, other.vectors, other.pooled, other.z, other.logits!, alone, noLogits.vectors, noLogits.pooled, noLogits.z]);
      [x, xo, single].forEach(dispose);
      model.dispose();
    });
  }

  it("memory=pooled: Z reads only p0; memory=tokens: Z reads the unmasked token states", () => {
    const ctx = new RunContext();
    for (const memory of ["pooled", "tokens"] as const) {
      const model = new I3Retriever(cfg, { specialTokens, slots: 4, reconstructor: { memory } }, { seed: 5 });
      const [B, S, H, m] = [2, 5, cfg.hidden, 4];
      const slots = tf.randomNormal([B, m, H], 0, 1, "float32", 1) as tf.Tensor3D;
      const hidden = tf.randomNormal([B, S, H], 0, 1, "float32", 2) as tf.Tensor3D;
      const pooled = tf.randomNormal([B, H], 0, 1, "float32", 3) as tf.Tensor2D;
      const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], undefined, "int32");
      const z = model.reconstructor.apply(slots, { hidden, pooled, mask }, ctx);
      // change the padded states of passage 0 only
      const padNoise = tf.mul(tf.randomNormal([B, S, H], 0, 5, "float32", 4), tf.reshape(tf.tensor2d([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]), [B, S, 1]));
      const zPad = model.reconstructor.apply(slots, { hidden: tf.add(hidden, padNoise) as tf.Tensor3D, pooled, mask }, ctx);
      expect(maxDiff(z, zPad)).toBeLessThan(1e-6);
      // change a real token state (position 1) of both passages
      const realNoise = tf.mul(tf.randomNormal([B, S, H], 0, 5, "float32", 5), tf.reshape(tf.tensor2d([[0, 1, 0, 0, 0], [0, 1, 0, 0, 0]]), [B, S, 1]));
      const zReal = model.reconstructor.apply(slots, { hidden: tf.add(hidden, realNoise) as tf.Tensor3D, pooled, mask }, ctx);
      if (memory === "pooled") expect(maxDiff(z, zReal)).toBeLessThan(1e-6);
      else expect(maxDiff(z, zReal)).toBeGreaterThan(1e-3);
      tf.dispose([slots, hidden, pooled, mask, z, padNoise, zPad, realNoise, zReal]);
      model.dispose();
    }
  });

  it("interactor inputs: pooled = [p0 ; mean Z] without mask; tokens = [p0 ; H_p[1:] ; Z] with [mask ; 1]", () => {
    const hidden = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]);
    // p0 as mean pooling over the unmasked tokens gives it; with cls pooling p0 = hidden[0] (next test)
    const pooled = tf.tensor2d([[2, 3]]);
    const mask = tf.tensor2d([[1, 1, 0]], undefined, "int32");
    const z = tf.tensor3d([[[0, 2], [4, 6]]]);
    const c = encoderConfig({ vocabSize: 8, hidden: 2, layers: 1, heads: 1, intermediate: 4, maxPositions: 8 });
    for (const input of ["pooled", "tokens"] as const) {
      const model = new I3Retriever(c, { specialTokens, slots: 2, interactor: { input } });
      const { x, bias } = model.interactor!.inputs({ hidden, pooled, mask }, z);
      if (input === "pooled") {
        expect(x.arraySync()).toEqual([[[2, 3], [2, 4]]]);
        expect(bias).toBeUndefined();
      } else {
        expect(x.arraySync()).toEqual([[[2, 3], [3, 4], [5, 6], [0, 2], [4, 6]]]);
        expect(bias!.shape).toEqual([1, 1, 1, 5]);
        expect(Array.from(bias!.dataSync(), (b) => b + 0)).toEqual([0, 0, -1e9, 0, 0]);
      }
      tf.dispose([x, ...(bias ? [bias] : [])]);
      model.dispose();
    }
    tf.dispose([hidden, pooled, mask, z]);
  });

  it("interactor=tokens with cls pooling (p0 = H_p[0]) feeds exactly the paper's [H_p ; Z]", () => {
    const c = encoderConfig({ vocabSize: 8, hidden: 2, layers: 1, heads: 1, intermediate: 4, maxPositions: 8 });
    const model = new I3Retriever(c, { specialTokens, slots: 2, interactor: { input: "tokens" } });
    const hidden = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    const pooled = tf.tidy(() => tf.reshape(tf.slice(hidden, [0, 0, 0], [2, 1, 2]), [2, 2]) as tf.Tensor2D);
    const mask = tf.tensor2d([[1, 1, 0], [1, 1, 1]], undefined, "int32");
    const z = tf.tensor3d([[[0, 2], [4, 6]], [[1, 3], [5, 7]]]);
    const { x, bias } = model.interactor!.inputs({ hidden, pooled, mask }, z);
    const paper = tf.concat([hidden, z], 1);
    expect(x.arraySync()).toEqual(paper.arraySync());
    tf.dispose([x, bias!, paper, hidden, pooled, mask, z]);
    model.dispose();
  });

  it("interactor.layers = L stacks L encoder layers (reference d_head, n_head_layers): p* = X_L[:, 0], with the key mask in every layer", () => {
    for (const input of ["pooled", "tokens"] as const) {
      const model = new I3Retriever(cfg, { specialTokens, slots: 3, interactor: { input, layers: 2 } }, { seed: 9 });
      expect(model.interactor!.layers).toHaveLength(2);
      expect(model.namedParameters().some((p) => p.name.startsWith("d_head.1."))).toBe(true);
      expect(model.namedParameters().some((p) => p.name.startsWith("d_head.2."))).toBe(false);
      const hidden = tf.randomNormal([2, 4, cfg.hidden], 0, 1, "float32", 1) as tf.Tensor3D;
      const pooled = tf.randomNormal([2, cfg.hidden], 0, 1, "float32", 3) as tf.Tensor2D;
      const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]], undefined, "int32");
      const z = tf.randomNormal([2, 3, cfg.hidden], 0, 1, "float32", 2) as tf.Tensor3D;
      const ctx = new RunContext();
      const pStar = model.interactor!.apply({ hidden, pooled, mask }, z, ctx);
      const manual = tf.tidy(() => {
        const { x, bias } = model.interactor!.inputs({ hidden, pooled, mask }, z);
        const h = model.interactor!.layers[1]!.apply(model.interactor!.layers[0]!.apply(x, bias, ctx), bias, ctx);
        return tf.reshape(tf.slice(h, [0, 0, 0], [2, 1, cfg.hidden]), [2, cfg.hidden]);
      });
      expect(maxDiff(pStar, manual)).toBeLessThan(1e-6);
      // the second layer matters
      const one = tf.tidy(() => {
        const { x, bias } = model.interactor!.inputs({ hidden, pooled, mask }, z);
        return tf.reshape(tf.slice(model.interactor!.layers[0]!.apply(x, bias, ctx), [0, 0, 0], [2, 1, cfg.hidden]), [2, cfg.hidden]);
      });
      expect(maxDiff(pStar, one)).toBeGreaterThan(1e-3);
      tf.dispose([hidden, pooled, mask, z, pStar, manual, one]);
      model.dispose();
    }
  });

  it("interactor=pooled sees Z only through its mean; interactor=tokens sees every slot", () => {
    for (const input of ["pooled", "tokens"] as const) {
      const model = new I3Retriever(cfg, { specialTokens, slots: 4, interactor: { input } }, { seed: 8 });
      const hidden = tf.randomNormal([1, 3, cfg.hidden], 0, 1, "float32", 1) as tf.Tensor3D;
      const pooled = tf.reshape(tf.slice(hidden, [0, 0, 0], [1, 1, cfg.hidden]), [1, cfg.hidden]) as tf.Tensor2D;
      const mask = tf.ones([1, 3], "int32");
      const z = tf.randomNormal([1, 4, cfg.hidden], 0, 1, "float32", 2) as tf.Tensor3D;
      // same mean, different slots
      const shift = tf.tensor3d([[[1], [-1], [2], [-2]]]).mul(tf.ones([1, 4, cfg.hidden]));
      const ctx = new RunContext();
      const a = model.interactor!.apply({ hidden, pooled, mask }, z, ctx);
      const b = model.interactor!.apply({ hidden, pooled, mask }, tf.add(z, shift) as tf.Tensor3D, ctx);
      if (input === "pooled") expect(maxDiff(a, b)).toBeLessThan(1e-6);
      else expect(maxDiff(a, b)).toBeGreaterThan(1e-4);
      tf.dispose([hidden, pooled, mask, z, shift, a, b]);
      model.dispose();
    }
  });
});

describe("I3Retriever vs DualEncoder", () => {
  for (const shared of [true, false]) {
    it(`interactor off: scores equal the dual-encoder's with the same towers (${shared ? "shared" : "separate"})`, () => {
      const de = new DualEncoder(cfg, { shared, seed: 21 });
      const i3 = new I3Retriever(cfg, { specialTokens, slots: 6, interactor: { enabled: false } }, { towers: { query: de.queryEncoder, passage: de.passageEncoder } });
      expect(i3.shared).toBe(shared);
      const q = inputs(queries);
      const p = inputs(passages);
      const deScores = tf.tidy(() => de.scores(de.encodeQueries(q), de.encodePassages(p)));
      const i3Scores = tf.tidy(() => i3.scores(i3.encodeQueries(q), i3.encodePassages(p)));
      expect(i3Scores.shape).toEqual([2, 3]);
      expect(maxDiff(deScores, i3Scores)).toBeLessThan(1e-6);
      // the training path's vectors too (p* = p0 whatever Z is)
      const out = i3.forwardPassages(p);
      const trainScores = tf.tidy(() => i3.scores(i3.encodeQueries(q), out.vectors));
      expect(maxDiff(deScores, trainScores)).toBeLessThan(1e-6);
      tf.dispose([deScores, i3Scores, trainScores, out.vectors, out.pooled, out.z, out.logits!]);
      [q, p].forEach(dispose);
      // the I3 heads are freed, the towers belong to the dual-encoder
      de.dispose();
      tf.disposeVariables();
    });
  }

  it("fresh towers with the same seed are the dual-encoder's", () => {
    const de = new DualEncoder(cfg, { shared: false, seed: 4 });
    const i3 = new I3Retriever(cfg, { specialTokens, interactor: { enabled: false }, slots: 3 }, { shared: false, seed: 4 });
    const q = inputs(queries);
    const p = inputs(passages);
    const a = tf.tidy(() => de.scores(de.encodeQueries(q), de.encodePassages(p)));
    const b = tf.tidy(() => i3.scores(i3.encodeQueries(q), i3.encodePassages(p)));
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    [q, p].forEach(dispose);
    de.dispose();
    i3.dispose();
  });
});

describe("I3Retriever parameters", () => {
  it("reference names, groups (towers vs heads), tied decoder", () => {
    const untied = new I3Retriever(cfg, { specialTokens, reconstructor: { layers: 2 }, slots: 4 }, { shared: false });
    const names = untied.namedParameters().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("lm_q.embeddings.word_embeddings.weight");
    expect(names).toContain("lm_p.encoder.layer.0.output.dense.weight");
    expect(names).toContain("c_head.1.crossattention.self.query.weight");
    expect(names).toContain("d_head.0.attention.self.key.bias");
    expect(names).toContain("cls.predictions.transform.dense.weight");
    expect(names).toContain("cls.predictions.transform.LayerNorm.weight");
    expect(names).toContain("cls.predictions.decoder.weight");
    expect(names).toContain("cls.predictions.bias");
    const { backbone, heads } = untied.variableGroups();
    const towerCount = untied.queryEncoder.namedParameters().length * 2;
    expect(backbone).toHaveLength(towerCount);
    // 2 decoder-style layers (26 each: 2 attention blocks x 10 + FFN 6), interactor 16, MLM head 6
    expect(heads).toHaveLength(2 * 26 + 16 + 6);
    expect(new Set([...backbone, ...heads]).size).toBe(backbone.length + heads.length);
    untied.dispose();

    const tied = new I3Retriever(cfg, { specialTokens, mlmHead: { tied: true }, interactor: { enabled: false }, slots: 4 });
    const tiedNames = tied.namedParameters().map((p) => p.name);
    expect(tiedNames).not.toContain("cls.predictions.decoder.weight");
    expect(tiedNames.filter((n) => n.startsWith("lm_q."))).toHaveLength(0);
    expect(tied.variableGroups().heads).toHaveLength(26 + 5);
    expect(tied.mlmHead.decoder).toBeUndefined();
    tied.dispose();
  });

  it("tied decoder logits are T . W_word^T + b", () => {
    const model = new I3Retriever(cfg, { specialTokens, mlmHead: { tied: true }, slots: 3 }, { seed: 2 });
    const z = tf.randomNormal([1, 3, cfg.hidden], 0, 1, "float32", 9) as tf.Tensor3D;
    const logits = model.mlmHead.apply(z);
    const h = model.mlmHead;
    const expected = tf.tidy(() => {
      const t = h.norm.apply(tf.mul(tf.mul(h.dense.apply(z), 0.5), tf.add(tf.erf(tf.mul(h.dense.apply(z), Math.SQRT1_2)), 1)));
      return tf.add(tf.einsum("bmh,vh->bmv", t, model.passageEncoder.embeddings.word), h.bias);
    });
    expect(maxDiff(logits, expected)).toBeLessThan(1e-5);
    tf.dispose([z, logits, expected]);
    model.dispose();
  });

  it("mlmLogitsAt = the chosen rows of the full logits, with the same gradients", () => {
    const model = new I3Retriever(cfg, { specialTokens, slots: 3 }, { seed: 6 });
    const x = inputs(passages.slice(0, 2));
    const positions = [0, 2, 4]; // (b, k) = (0, 0), (0, 2), (1, 1)
    const R = tf.randomNormal([3, V], 0, 1, "float32", 5);
    // R placed at the chosen rows of a [B*m, V] matrix, zeros elsewhere
    const Rfull = tf.tidy(() => tf.concat([R.slice([0, 0], [1, V]), tf.zeros([1, V]), R.slice([1, 0], [1, V]), tf.zeros([1, V]), R.slice([2, 0], [1, V]), tf.zeros([1, V])]));
    const vars = model.variableGroups().heads.concat(model.variableGroups().backbone);
    const picked = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.mul(model.mlmLogitsAt(model.forwardPassages(x, {}, { logits: false }).z, tf.tensor1d(positions, "int32")), R)) as tf.Scalar), vars);
    const full = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.mul(tf.reshape(model.forwardPassages(x).logits!, [6, V]), Rfull)) as tf.Scalar), vars);
    expect(Math.abs(picked.value.dataSync()[0]! - full.value.dataSync()[0]!)).toBeLessThan(1e-4);
    // the interactor does not feed the logits: no gradient on either path
    const reached = (g: Record<string, tf.Tensor | null>) => vars.filter((v) => g[v.name] != null).map((v) => v.name);
    expect(reached(picked.grads)).toEqual(reached(full.grads));
    expect(reached(picked.grads).length).toBeGreaterThan(20);
    for (const name of reached(picked.grads)) expect(maxDiff(picked.grads[name]!, full.grads[name]!)).toBeLessThan(1e-5);
    tf.dispose([R, Rfull, picked.value, full.value, ...Object.values(picked.grads), ...Object.values(full.grads)].filter((t) => t != null));
    dispose(x);
    model.dispose();
  });

  it("rejects more slots than positions", () => {
    expect(() => new I3Retriever(cfg, { specialTokens, slots: 17 })).toThrow(/maxPositions/);
    tf.disposeVariables();
  });
});

describe("memory", () => {
  it("tensor count is flat over training steps (all heads, dropout on)", () => {
    const model = new I3Retriever(cfg, { specialTokens, slots: 4, reconstructor: { memory: "tokens", layers: 2 }, interactor: { input: "tokens" } }, { seed: 1, shared: false });
    const q = inputs(queries);
    const p = inputs(passages.slice(0, 2));
    const vars = [...model.variableGroups().backbone, ...model.variableGroups().heads];
    const step = (i: number) => {
      const { value, grads } = tf.variableGrads(() => {
        const ctx = { training: true, seed: 7, step: i };
        const out = model.forwardPassages(p, ctx);
        const s = model.scores(model.encodeQueries(q, ctx), out.vectors);
        return tf.add(tf.sum(s), tf.mean(out.logits!)) as tf.Scalar;
      }, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i < 4; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    [q, p].forEach(dispose);
    model.dispose();
  });
});
