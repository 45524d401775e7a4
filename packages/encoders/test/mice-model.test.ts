/**
 * MICE beyond the PyTorch fixture: settings and their errors, scores independent of the batch
 * (the reference's padding artefact removed), the stored-state path equal to the direct one,
 * seeded dropout, parameter groups, checkpoint round trip and flat tensor counts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { loadMice, saveCrossEncoder, saveMice } from "../src/checkpoint/index.js";
import { miceConfig, MiceConfigError } from "../src/mice/config.js";
import { batchDocumentStates, unbatchDocumentStates } from "../src/mice/document-states.js";
import { Mice } from "../src/mice/model.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";
import type { EncoderInputs } from "../src/model/encoder.js";

const cfg = encoderConfig({ vocabSize: 40, hidden: 16, layers: 4, heads: 2, intermediate: 32, maxPositions: 16, initializerRange: 0.3 });

function inputs(rows: number[][]): EncoderInputs {
  const S = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...r, ...Array<number>(S - r.length).fill(0)]);
  return { inputIds: tf.tensor2d(ids, undefined, "int32"), attentionMask: tf.tensor2d(ids.map((r, b) => r.map((_, s) => (s < rows[b]!.length ? 1 : 0))), undefined, "int32") };
}

const QUERIES = [[2, 7, 8, 9, 3], [2, 11, 3], [2, 5, 6, 3]];
const DOCS = [[2, 20, 21, 22, 23, 24, 3], [2, 30, 3], [2, 14, 15, 16, 3]];

function freeInputs(x: EncoderInputs): void {
  tf.dispose([x.inputIds, x.attentionMask]);
}

/** Scores of (QUERIES[b], DOCS[b]) as one batch. */
function batchScores(model: Mice): Float32Array {
  const q = inputs(QUERIES);
  const d = inputs(DOCS);
  const docs = model.encodeDocuments(d);
  const s = model.score(q, docs);
  const out = s.dataSync() as Float32Array;
  tf.dispose([s, docs.states, docs.mask]);
  freeInputs(q);
  freeInputs(d);
  return out;
}

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("miceConfig", () => {
  it("defaults to the reference: seed layers right after the split, both masks, [CLS] head", () => {
    expect(miceConfig({ split: 4 }, 6)).toEqual({ split: 4, interactionLayers: 2, seedLayers: [4, 5], maskClsToDocument: true, maskQueryToCls: true, headInput: "cls" });
    expect(miceConfig({ split: 4, interactionLayers: 3 }, 12).seedLayers).toEqual([4, 5, 6]); // MICE-l4+3 on a 12-layer backbone
    expect(miceConfig({ split: 1, seedLayers: [3, 0] }, 4).interactionLayers).toBe(2);
  });

  it("reports every problem at once", () => {
    const err = (() => {
      try {
        miceConfig({ split: 0, interactionLayers: 2, seedLayers: [9], maskQueryToCls: "yes" as unknown as boolean }, 4);
      } catch (e) {
        return e as MiceConfigError;
      }
      throw new Error("no error");
    })();
    expect(err).toBeInstanceOf(MiceConfigError);
    expect(err.problems.join("\n")).toMatch(/split must be an integer in \[1, 3\]/);
    expect(err.problems.join("\n")).toMatch(/seedLayers has 1 entries for 2 interaction layers/);
    expect(err.problems.join("\n")).toMatch(/seedLayers must be backbone layers in \[0, 3\], got 9/);
    expect(err.problems.join("\n")).toMatch(/maskQueryToCls must be a boolean/);
    expect(() => miceConfig({ split: 4 }, 4)).toThrow(/split must be an integer in \[1, 3\]/);
  });
});

describe("Mice", () => {
  it("scores a pair the same alone or in a padded batch, and from stored states", () => {
    const model = new Mice(cfg, { split: 2 }, { seed: 3 });
    const batch = batchScores(model);
    QUERIES.forEach((qRow, b) => {
      const q = inputs([qRow]);
      const d = inputs([DOCS[b]!]);
      const docs = model.encodeDocuments(d);
      const alone = model.score(q, docs);
      expect(Math.abs(alone.dataSync()[0]! - batch[b]!)).toBeLessThan(1e-6);
      tf.dispose([alone, docs.states, docs.mask]);
      freeInputs(q);
      freeInputs(d);
    });
    // Stored per-passage states (real tokens only), batched again in another order.
    const d = inputs(DOCS);
    const docs = model.encodeDocuments(d);
    const rows = unbatchDocumentStates(docs);
    expect(rows.map((r) => r.length / 16)).toEqual(DOCS.map((r) => r.length));
    const q = inputs([QUERIES[2]!, QUERIES[0]!]);
    const restored = batchDocumentStates([rows[2]!, rows[0]!], 16);
    const s = model.score(q, restored);
    expect(Math.abs(s.dataSync()[0]! - batch[2]!)).toBeLessThan(1e-6);
    expect(Math.abs(s.dataSync()[1]! - batch[0]!)).toBeLessThan(1e-6);
    tf.dispose([s, docs.states, docs.mask, restored.states, restored.mask]);
    freeInputs(q);
    freeInputs(d);
    model.dispose();
  });

  it("scores one encoded query against many documents as the same query repeated", () => {
    const model = new Mice(cfg, { split: 2 }, { seed: 6 });
    const one = inputs([QUERIES[0]!]);
    const repeated = inputs(DOCS.map(() => QUERIES[0]!));
    const d = inputs(DOCS);
    const docs = model.encodeDocuments(d);
    const q = model.encodeQueries(one);
    const [a, b] = [model.scoreEncoded(q, docs), model.score(repeated, docs)];
    expect(a.shape).toEqual([3]);
    Array.from(a.dataSync()).forEach((x, i) => expect(Math.abs(x - b.dataSync()[i]!)).toBeLessThan(1e-6));
    tf.dispose([a, b, q.states, q.mask, docs.states, docs.mask]);
    [one, repeated, d].forEach(freeInputs);
    model.dispose();
  });

  it("scores differently when [CLS] attends to the document (maskClsToDocument off)", () => {
    const masked = new Mice(cfg, { split: 3 }, { seed: 5 });
    const plain = new Mice(cfg, { ...masked.config, maskClsToDocument: false }, { seed: 5 });
    const a = batchScores(masked);
    const b = batchScores(plain);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeGreaterThan(1e-4);
    masked.dispose();
    plain.dispose();
  });

  it("starts from a cross-encoder: bottom and interaction layers copied, classifier fresh unless copyHead", () => {
    const ce = new CrossEncoder(cfg, { seed: 9 });
    const fresh = Mice.fromCrossEncoder(ce, { split: 1, seedLayers: [2] });
    const copied = Mice.fromCrossEncoder(ce, { split: 1, seedLayers: [2], copyHead: true });
    expect(fresh.config.headInput).toBe("cls");
    const same = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
    expect(same(copied.head.linear.weight, ce.head.linear.weight)).toBe(0);
    expect(same(fresh.head.linear.weight, ce.head.linear.weight)).toBeGreaterThan(0);
    const layer = fresh.interaction[0]!;
    expect(same(layer.crossAttention.attention.key.weight, ce.encoder.layers[2]!.attention.attention.key.weight)).toBe(0);
    expect(same(layer.ffn.variables()[0]!, ce.encoder.layers[2]!.ffn.variables()[0]!)).toBe(0);
    expect(same(fresh.bottom.layers[0]!.attention.attention.query.weight, ce.encoder.layers[0]!.attention.attention.query.weight)).toBe(0);
    expect(fresh.bottom.layers).toHaveLength(1);
    ce.dispose();
    fresh.dispose();
    copied.dispose();
  });

  it("names parameters as the reference state dict and groups the head apart", () => {
    const model = new Mice(cfg, { split: 2, interactionLayers: 1, headInput: "pooler" });
    const names = model.namedParameters().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("embeddings.word_embeddings.weight");
    expect(names).toContain("bottom_layers.1.output.LayerNorm.bias");
    expect(names).toContain("top_layers.0.crossattention.self.value.weight");
    expect(names.some((n) => n.startsWith("bottom_layers.2"))).toBe(false);
    const { backbone, heads } = model.variableGroups();
    expect(heads).toHaveLength(4); // pooler.dense.{weight,bias}, classifier.{weight,bias}
    expect(backbone.length + heads.length).toBe(names.length);
    const before = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - names.length);
  });

  it("draws seeded dropout in training and keeps the tensor count flat", () => {
    const model = new Mice(cfg, { split: 2 }, { seed: 1 });
    const q = inputs(QUERIES);
    const d = inputs(DOCS);
    const run = (step: number) => tf.tidy(() => model.forward(q, d, { training: true, seed: 7, step }).dataSync() as Float32Array);
    expect(Array.from(run(0))).toEqual(Array.from(run(0)));
    expect(Array.from(run(0))).not.toEqual(Array.from(run(1)));
    const evalScores = tf.tidy(() => Array.from(model.forward(q, d).dataSync()));
    expect(evalScores.map((x, i) => Math.abs(x - batchScores(model)[i]!)).every((x) => x < 1e-6)).toBe(true);
    const vars = model.namedParameters().map((p) => p.variable);
    const step = (i: number) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.forward(q, d, { training: true, seed: 1, step: i })) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
      const docs = model.encodeDocuments(d);
      tf.dispose([model.score(q, docs), docs.states, docs.mask]);
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i < 4; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    freeInputs(q);
    freeInputs(d);
    model.dispose();
  });

  it("rejects document states that do not pair with the queries", () => {
    const model = new Mice(cfg, { split: 2 });
    const q = inputs(QUERIES);
    const docs = batchDocumentStates([new Float32Array(16 * 3), new Float32Array(16 * 2)], 16);
    expect(() => model.score(q, docs)).toThrow(/document states \[2,3,16\] do not pair with queries \[3, 5, 16\]/);
    expect(() => batchDocumentStates([new Float32Array(15)], 16)).toThrow(/document #0 has 15 values/);
    tf.dispose([docs.states, docs.mask]);
    freeInputs(q);
    model.dispose();
  });
});

describe("MICE checkpoints", () => {
  it("save then load reproduces every weight and score; errors name the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mice-ckpt-"));
    const model = new Mice(cfg, { split: 1, seedLayers: [3, 1], maskQueryToCls: false, headInput: "pooler" }, { seed: 4 });
    await saveMice(join(dir, "m"), model);
    const loaded = await loadMice(join(dir, "m"));
    expect(loaded.config).toEqual(model.config);
    const a = model.namedParameters();
    const b = loaded.namedParameters();
    expect(b.map((p) => p.name)).toEqual(a.map((p) => p.name));
    a.forEach((p, i) => expect(Array.from(b[i]!.variable.dataSync())).toEqual(Array.from(p.variable.dataSync())));
    expect(Array.from(batchScores(loaded))).toEqual(Array.from(batchScores(model)));

    const ce = new CrossEncoder(cfg);
    await saveCrossEncoder(join(dir, "ce"), ce);
    await expect(loadMice(join(dir, "ce"))).rejects.toThrow(/config\.json: no "mice" section/);
    const configPath = join(dir, "m", "config.json");
    const config = JSON.parse(readFileSync(configPath, "utf8")) as { mice: { split: number } };
    config.mice.split = 7;
    writeFileSync(configPath, JSON.stringify(config));
    await expect(loadMice(join(dir, "m"))).rejects.toThrow(/m\/config\.json: invalid MICE config: split must be/);
    model.dispose();
    loaded.dispose();
    ce.dispose();
  });
});
