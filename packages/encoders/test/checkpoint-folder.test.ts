/** HF checkpoint folders: exact round trips, name mapping, error listing, atomic saves. */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import {
  CheckpointMismatchError,
  HfConfigError,
  assignWeights,
  collectWeights,
  fromHfConfig,
  loadBertEncoder,
  loadCrossEncoder,
  loadDualEncoder,
  parseSafetensors,
  readCheckpoint,
  saveBertEncoder,
  saveCrossEncoder,
  saveDualEncoder,
  serializeSafetensors,
  toHfConfig,
} from "../src/checkpoint/index.js";
import type { RawTensor } from "../src/checkpoint/safetensors.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";
import { DualEncoder } from "../src/model/dual-encoder.js";
import { BertEncoder } from "../src/model/encoder.js";
import type { NamedParam } from "../src/model/params.js";

let root: string;
beforeAll(async () => {
  await initBackend({ device: "js" });
  root = await mkdtemp(join(tmpdir(), "i3-ckpt-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cfg = encoderConfig({ vocabSize: 20, hidden: 8, layers: 2, heads: 2, intermediate: 12, maxPositions: 10, pooling: "mean", hiddenDropout: 0.2 });

/** Raw float32 bits of every parameter, by name. */
function bits(params: NamedParam[]): Map<string, number[]> {
  return new Map(params.map((p) => [p.name, Array.from(new Uint32Array(Float32Array.from(p.variable.dataSync()).buffer))]));
}

/** Perturbs every parameter so biases/LayerNorms are not at their init values. */
function randomize(params: NamedParam[], seed: number): void {
  params.forEach((p, i) => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 1, "float32", seed + i)));
}

function rawMap(entries: Map<string, { shape: readonly number[]; data: Float32Array }>): Map<string, RawTensor> {
  return parseSafetensors(serializeSafetensors(entries)).tensors;
}

describe("BertEncoder checkpoints", () => {
  it("save -> load round-trips config and every weight bitwise, in HF layout", async () => {
    const enc = new BertEncoder(cfg, { seed: 1 });
    randomize(enc.namedParameters(), 100);
    const tok = join(root, "tokenizer-src.json");
    await writeFile(tok, '{"version":"1.0"}');
    const dir = join(root, "bert");
    await saveBertEncoder(dir, enc, { tokenizerFile: tok });
    expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors", "tokenizer.json"]);
    const json = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(json).toMatchObject({
      model_type: "bert",
      architectures: ["BertModel"],
      vocab_size: 20,
      hidden_size: 8,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 12,
      max_position_embeddings: 10,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      hidden_act: "gelu",
      hidden_dropout_prob: 0.2,
    });
    // PyTorch layout: Linear weights [out, in]
    const { weights } = await readCheckpoint(dir);
    const w = weights.tensors.get("encoder.layer.0.intermediate.dense.weight")!;
    expect(w.shape).toEqual([12, 8]);
    const ours = (await enc.layers[0]!.ffn.intermediate.weight.array()) as number[][]; // [in=8, out=12]
    const stored = new Float32Array(w.bytes.slice().buffer);
    expect(stored[3 * 8 + 5]).toBe(ours[5]![3]); // [out=3, in=5]
    const { encoder: back, config, report } = await loadBertEncoder(dir);
    expect(config).toEqual(cfg);
    expect(report.loaded).toHaveLength(5 + 2 * 16);
    expect(bits(back.namedParameters())).toEqual(bits(enc.namedParameters()));
    // saving again over the folder replaces it atomically and leaves no temp folders
    await saveBertEncoder(dir, back);
    expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors"]);
    expect((await readdir(root)).filter((n) => n.includes(".tmp-") || n.includes(".old-"))).toEqual([]);
    enc.dispose();
    back.dispose();
  });

  it("a failed save leaves the existing folder untouched", async () => {
    const enc = new BertEncoder(cfg, { seed: 2 });
    const dir = join(root, "keep");
    await saveBertEncoder(dir, enc);
    const before = await readFile(join(dir, "model.safetensors"));
    randomize(enc.namedParameters(), 7);
    await expect(saveBertEncoder(dir, enc, { tokenizerFile: join(root, "does-not-exist.json") })).rejects.toThrow(/ENOENT/);
    expect(Buffer.compare(await readFile(join(dir, "model.safetensors")), before)).toBe(0);
    expect((await readdir(root)).filter((n) => n.includes(".tmp-"))).toEqual([]);
    enc.dispose();
  });

  it("accepts the bert. prefix, LayerNorm gamma/beta names and F16 data; ignores pooler/cls/position_ids", () => {
    const src = new BertEncoder(cfg, { seed: 3 });
    const entries = collectWeights(src.namedParameters());
    const renamed = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [name, e] of entries) renamed.set(`bert.${name.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta")}`, e);
    renamed.set("cls.predictions.bias", { shape: [20], data: new Float32Array(20) });
    renamed.set("bert.pooler.dense.bias", { shape: [8], data: new Float32Array(8) });
    const tensors = rawMap(renamed);
    // an int64 buffer as old checkpoints carry it
    tensors.set("bert.embeddings.position_ids", { dtype: "I64", shape: [1, 10], bytes: new Uint8Array(80) });
    const dst = new BertEncoder(cfg, { seed: 4 });
    const report = assignWeights(dst.namedParameters(), tensors);
    expect(report.ignored.sort()).toEqual(["bert.embeddings.position_ids", "bert.pooler.dense.bias", "cls.predictions.bias"]);
    expect(bits(dst.namedParameters())).toEqual(bits(src.namedParameters()));
    // F16 storage of a LayerNorm gain: converted to float32 on load
    const h = new Uint8Array(16);
    new DataView(h.buffer).setUint16(0, 0x3c00, true); // 1.0
    new DataView(h.buffer).setUint16(2, 0xc000, true); // -2.0
    tensors.set("bert.embeddings.LayerNorm.gamma", { dtype: "F16", shape: [8], bytes: h });
    assignWeights(dst.namedParameters(), tensors);
    expect(Array.from(dst.embeddings.norm.gamma.dataSync())).toEqual([1, -2, 0, 0, 0, 0, 0, 0]);
    src.dispose();
    dst.dispose();
  });

  it("lists every missing, unknown and mis-shaped name, and changes nothing", () => {
    const enc = new BertEncoder(cfg, { seed: 5 });
    const before = bits(enc.namedParameters());
    const entries = collectWeights(new BertEncoder(cfg, { seed: 6 }).namedParameters());
    entries.delete("encoder.layer.1.output.dense.bias");
    entries.delete("embeddings.word_embeddings.weight");
    entries.set("encoder.layer.0.attention.self.rotary.weight", { shape: [1], data: new Float32Array(1) });
    entries.set("encoder.layer.0.intermediate.dense.weight", { shape: [8, 12], data: new Float32Array(96) }); // transposed by mistake
    let err: unknown;
    try {
      assignWeights(enc.namedParameters(), rawMap(entries));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckpointMismatchError);
    const e = err as CheckpointMismatchError;
    expect(e.missing.sort()).toEqual(["embeddings.word_embeddings.weight", "encoder.layer.1.output.dense.bias"]);
    expect(e.unexpected).toEqual(["encoder.layer.0.attention.self.rotary.weight"]);
    expect(e.badShapes).toEqual(["encoder.layer.0.intermediate.dense.weight: checkpoint [8, 12], model expects [12, 8]"]);
    expect(e.message).toMatch(/missing from checkpoint \(2\)/);
    expect(bits(enc.namedParameters())).toEqual(before);
    enc.dispose();
  });

  it("config.json mapping rejects what it cannot reproduce", () => {
    const hf = toHfConfig(cfg);
    expect(fromHfConfig(hf)).toEqual(cfg);
    expect(fromHfConfig(hf, { pooling: "cls" }).pooling).toBe("cls");
    expect(() => fromHfConfig({ ...hf, hidden_act: "relu" })).toThrow(HfConfigError);
    expect(() => fromHfConfig({ ...hf, position_embedding_type: "relative_key" })).toThrow(/position_embedding_type/);
    expect(() => fromHfConfig({ ...hf, model_type: "roberta" })).toThrow(/model_type/);
    const { hidden_size: _drop, ...noHidden } = hf;
    expect(() => fromHfConfig(noHidden)).toThrow(/hidden_size/);
  });
});

describe("CrossEncoder and DualEncoder checkpoints", () => {
  const x = () => ({
    inputIds: tf.tensor2d([[1, 4, 2, 7, 9, 2]], undefined, "int32"),
    attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 1]], undefined, "int32"),
    tokenTypeIds: tf.tensor2d([[0, 0, 0, 1, 1, 1]], undefined, "int32"),
  });

  it.each([false, true])("cross-encoder (pooler %s) round-trips as BertForSequenceClassification", async (pooler) => {
    const ce = new CrossEncoder(cfg, { seed: 8, pooler });
    randomize(ce.namedParameters(), 50);
    const dir = join(root, `ce-${pooler}`);
    await saveCrossEncoder(dir, ce);
    const json = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(json).toMatchObject({ architectures: ["BertForSequenceClassification"], num_labels: 1, i3_head_input: pooler ? "pooler" : "cls" });
    const { weights } = await readCheckpoint(dir);
    expect(weights.tensors.get("classifier.weight")!.shape).toEqual([1, 8]);
    expect(weights.tensors.has("bert.encoder.layer.0.attention.self.query.weight")).toBe(true);
    const back = await loadCrossEncoder(dir);
    expect(back.pooler !== undefined).toBe(pooler);
    expect(bits(back.namedParameters())).toEqual(bits(ce.namedParameters()));
    const inp = x();
    const a = ce.forward(inp);
    const b = back.forward(inp);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, ...Object.values(inp)]);
    ce.dispose();
    back.dispose();
  });

  it.each([true, false])("dual encoder (shared %s) round-trips", async (shared) => {
    const de = new DualEncoder(cfg, { shared, seed: 9 });
    randomize(de.namedParameters(), 70);
    const dir = join(root, `de-${shared}`);
    await saveDualEncoder(dir, de);
    expect((await readdir(dir)).sort()).toEqual(shared ? ["config.json", "model.safetensors"] : ["i3_dual_encoder.json", "passage", "query"]);
    // Tokenizer files sit at the top in both layouts (and in each tower's folder).
    const vocab = join(root, `vocab-${shared}.txt`);
    await writeFile(vocab, "[PAD]\n[UNK]\n");
    const withTok = join(root, `de-tok-${shared}`);
    await saveDualEncoder(withTok, de, { extraFiles: [vocab] });
    expect(await readFile(join(withTok, `vocab-${shared}.txt`), "utf8")).toBe("[PAD]\n[UNK]\n");
    if (!shared) for (const tower of ["query", "passage"]) expect(await readFile(join(withTok, tower, `vocab-${shared}.txt`), "utf8")).toBe("[PAD]\n[UNK]\n");
    const back = await loadDualEncoder(dir);
    expect(back.shared).toBe(shared);
    expect(bits(back.namedParameters())).toEqual(bits(de.namedParameters()));
    de.dispose();
    back.dispose();
  });
});
