/** I3Retriever checkpoint folders: exact round trips for every variant, config.json, strict errors, memory. */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { CheckpointMismatchError, SafetensorsError, loadI3Retriever, readCheckpoint, saveI3Retriever, serializeSafetensors, toFloat32 } from "../src/checkpoint/index.js";
import * as pkg from "../src/index.js";
import type { Float32Entry } from "../src/checkpoint/safetensors.js";
import { i3Config, type I3ConfigInput } from "../src/i3/config.js";
import { I3Retriever } from "../src/i3/retriever.js";
import { encoderConfig } from "../src/model/config.js";
import type { EncoderInputs } from "../src/model/encoder.js";
import type { NamedParam } from "../src/model/params.js";

let root: string;
beforeAll(async () => {
  await initBackend({ device: "js" });
  root = await mkdtemp(join(tmpdir(), "i3-ckpt-i3-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const V = 50;
const cfg = encoderConfig({ vocabSize: V, hidden: 16, layers: 1, heads: 2, intermediate: 32, maxPositions: 16, hiddenDropout: 0.1 });
const specialTokens = { cls: 1, sep: 2, mask: 3 };

/** Raw float32 bits of every parameter, by name. */
function bits(params: NamedParam[]): Map<string, number[]> {
  return new Map(params.map((p) => [p.name, Array.from(new Uint32Array(Float32Array.from(p.variable.dataSync()).buffer))]));
}

/** Perturbs every parameter so biases/LayerNorms are not at their init values. */
function randomize(params: NamedParam[], seed: number): void {
  tf.tidy(() => params.forEach((p, i) => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.5, "float32", seed + i))));
}

function inputs(ids: number[][]): EncoderInputs {
  return {
    inputIds: tf.tensor2d(ids, undefined, "int32"),
    attentionMask: tf.tensor2d(ids.map((r) => r.map((t) => (t === 0 ? 0 : 1))), undefined, "int32"),
  };
}

/** A small random batch of [CLS] w... [SEP] rows with padding. */
function randomBatch(rows: number, len: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s);
  return Array.from({ length: rows }, (_, r) => {
    const n = Math.max(1, len - 2 - r);
    const row = [1, ...Array.from({ length: n }, () => 4 + (next() % (V - 4))), 2];
    return [...row, ...new Array<number>(len - row.length).fill(0)];
  });
}

/** Outputs of both towers, exactly. */
function outputs(model: I3Retriever): { q: number[]; p: number[]; logits: number[] } {
  const qx = inputs(randomBatch(2, 6, 11));
  const px = inputs(randomBatch(3, 9, 29));
  const q = model.encodeQueries(qx);
  const p = model.encodePassages(px);
  const out = model.forwardPassages(px);
  const res = { q: Array.from(q.dataSync()), p: Array.from(p.dataSync()), logits: Array.from(out.logits!.dataSync()) };
  tf.dispose([q, p, out.vectors, out.pooled, out.z, out.logits!, qx.inputIds, qx.attentionMask, px.inputIds, px.attentionMask]);
  return res;
}

async function rewriteWeights(dir: string, edit: (entries: Map<string, Float32Entry>) => void): Promise<void> {
  const { weights } = await readCheckpoint(dir);
  const entries = new Map<string, Float32Entry>([...weights.tensors].map(([n, t]) => [n, { shape: t.shape, data: toFloat32(t) }]));
  edit(entries);
  await writeFile(join(dir, "model.safetensors"), serializeSafetensors(entries, { format: "pt" }));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("I3Retriever checkpoints", () => {
  it("are exported from the package entry point", () => {
    expect(pkg.saveI3Retriever).toBe(saveI3Retriever);
    expect(pkg.loadI3Retriever).toBe(loadI3Retriever);
  });

  const variants: { shared: boolean; i3: I3ConfigInput }[] = [];
  for (const shared of [true, false])
    for (const memory of ["tokens", "pooled"] as const)
      for (const interactor of [{ enabled: true, input: "tokens" as const }, { enabled: true, input: "pooled" as const }, { enabled: false }])
        for (const tied of [false, true]) variants.push({ shared, i3: { specialTokens, slots: 6, reconstructor: { layers: memory === "tokens" ? 2 : 1, memory }, interactor: interactor.enabled ? { ...interactor, layers: memory === "tokens" ? 1 : 2 } : interactor, mlmHead: { tied } } });

  for (const { shared, i3 } of variants) {
    const name = `shared=${shared} memory=${i3.reconstructor!.memory} interactor=${i3.interactor!.enabled ? i3.interactor!.input : "off"} tied=${i3.mlmHead!.tied}`;
    it(`${name}: every weight bit-equal, same outputs, config.json i3 section`, async () => {
      const start = tf.memory().numTensors;
      const model = new I3Retriever(cfg, i3, { shared, seed: 5 });
      randomize(model.namedParameters(), 1000);
      const dir = join(root, name.replace(/[ =]/g, "_"));
      await saveI3Retriever(dir, model);
      expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors"]);
      const json = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
      expect(json).toMatchObject({ architectures: ["I3Retriever"], model_type: "bert", vocab_size: V, hidden_size: 16, num_hidden_layers: 1, hidden_dropout_prob: 0.1, shared_towers: shared });
      expect(json.i3).toEqual(i3Config(i3));
      // reference state-dict names
      const { weights } = await readCheckpoint(dir);
      const names = [...weights.tensors.keys()];
      expect(names.sort()).toEqual(model.namedParameters().map((p) => p.name).sort());
      expect(names.some((n) => n.startsWith("lm_q."))).toBe(!shared);
      expect(names.some((n) => n.startsWith("d_head.0."))).toBe(i3.interactor!.enabled);
      if (i3.interactor!.enabled) expect(names.some((n) => n.startsWith(`d_head.${i3.interactor!.layers! - 1}.`))).toBe(true);
      expect(names.includes("cls.predictions.decoder.weight")).toBe(!i3.mlmHead!.tied);
      expect(names).toContain("lm_p.embeddings.word_embeddings.weight");
      expect(names).toContain(`c_head.${i3.reconstructor!.layers! - 1}.crossattention.self.query.weight`);
      expect(names).toContain("cls.predictions.transform.dense.weight");

      const back = await loadI3Retriever(dir);
      expect(back.shared).toBe(shared);
      expect(back.config).toEqual(model.config);
      expect(back.encoder).toEqual(cfg);
      expect(back.interactor === undefined).toBe(!i3.interactor!.enabled);
      if (i3.mlmHead!.tied) expect(back.mlmHead.decoder).toBeUndefined();
      expect(bits(back.namedParameters())).toEqual(bits(model.namedParameters()));
      expect(outputs(back)).toEqual(outputs(model));
      model.dispose();
      back.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it("copies tokenizer files, replaces an existing folder and leaves no temp folders", async () => {
    const tok = join(root, "tokenizer-src.json");
    const vocab = join(root, "vocab.txt");
    await writeFile(tok, '{"version":"1.0"}');
    await writeFile(vocab, "[PAD]\n[CLS]\n");
    const model = new I3Retriever(cfg, { specialTokens, slots: 4 }, { seed: 1 });
    const dir = join(root, "with-tokenizer");
    await saveI3Retriever(dir, model, { tokenizerFile: tok, extraFiles: [vocab] });
    expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"]);
    await saveI3Retriever(dir, model);
    expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors"]);
    expect((await readdir(root)).filter((n) => n.includes(".tmp-") || n.includes(".old-"))).toEqual([]);
    model.dispose();
  });

  describe("errors", () => {
    const i3: I3ConfigInput = { specialTokens, slots: 4, mlmHead: { tied: true } };
    let dir: string;
    let start: number;
    beforeAll(async () => {
      const model = new I3Retriever(cfg, i3, { shared: false, seed: 2 });
      dir = join(root, "errors-src");
      await saveI3Retriever(dir, model);
      model.dispose();
    });
    const copy = async (tag: string) => {
      const d = join(root, `errors-${tag}`);
      const back = await loadI3Retriever(dir);
      await saveI3Retriever(d, back);
      back.dispose();
      start = tf.memory().numTensors;
      return d;
    };

    it("a missing weight names the file and the parameter; nothing leaks", async () => {
      const d = await copy("missing");
      await rewriteWeights(d, (e) => e.delete("c_head.0.crossattention.output.dense.bias"));
      const err = await rejection(loadI3Retriever(d));
      expect(err).toBeInstanceOf(CheckpointMismatchError);
      expect((err as CheckpointMismatchError).missing).toEqual(["c_head.0.crossattention.output.dense.bias"]);
      expect(err.message).toContain(join(d, "model.safetensors"));
      expect(err.message).toMatch(/missing from checkpoint \(1\): c_head\.0\.crossattention\.output\.dense\.bias/);
      expect(tf.memory().numTensors).toBe(start);
    });

    it("an unexpected weight is an error, cls.* included (no default ignore list)", async () => {
      const d = await copy("unexpected");
      // a tied checkpoint must not carry a decoder matrix
      await rewriteWeights(d, (e) => e.set("cls.predictions.decoder.weight", { shape: [V, 16], data: new Float32Array(V * 16) }));
      const err = await rejection(loadI3Retriever(d));
      expect(err).toBeInstanceOf(CheckpointMismatchError);
      expect((err as CheckpointMismatchError).unexpected).toEqual(["cls.predictions.decoder.weight"]);
      expect(err.message).toContain(join(d, "model.safetensors"));
      expect(tf.memory().numTensors).toBe(start);
      // opt-in ignore, as for a converted reference checkpoint
      const back = await loadI3Retriever(d, { ignore: [/^cls\.predictions\.decoder\./] });
      back.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

    it("a mis-shaped weight is listed with both shapes", async () => {
      const d = await copy("shape");
      await rewriteWeights(d, (e) => e.set("lm_q.embeddings.word_embeddings.weight", { shape: [V - 1, 16], data: new Float32Array((V - 1) * 16) }));
      const err = await rejection(loadI3Retriever(d));
      expect((err as CheckpointMismatchError).badShapes).toEqual([`lm_q.embeddings.word_embeddings.weight: checkpoint [${V - 1}, 16], model expects [${V}, 16]`]);
      expect(tf.memory().numTensors).toBe(start);
    });

    it("a corrupted safetensors file names the file", async () => {
      const d = await copy("corrupt");
      const buf = await readFile(join(d, "model.safetensors"));
      await writeFile(join(d, "model.safetensors"), buf.subarray(0, buf.length - 100));
      const err = await rejection(loadI3Retriever(d));
      expect(err).toBeInstanceOf(SafetensorsError);
      expect(err.message).toContain(join(d, "model.safetensors"));
      expect(tf.memory().numTensors).toBe(start);
    });

    it("config.json without an i3 section, or with an invalid one, is rejected clearly", async () => {
      const d = await copy("config");
      const path = join(d, "config.json");
      const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
      const { i3: section, ...plain } = json;
      await writeFile(path, JSON.stringify(plain));
      await expect(loadI3Retriever(d)).rejects.toThrow(/config\.json: no "i3" section, not an I3 retriever checkpoint/);
      await writeFile(path, JSON.stringify({ ...json, i3: { ...(section as object), reconstructor: { layers: 7, memory: "cls" } } }));
      await expect(loadI3Retriever(d)).rejects.toThrow(/config\.json: invalid I3 config: reconstructor\.layers must be 1, 2 or 3/);
      // a checkpoint written before the interactor depth and the "pooled" name existed loads as depth 1, memory "pooled"
      const old = section as { reconstructor: object; interactor: { layers?: number } };
      await writeFile(path, JSON.stringify({ ...json, i3: { ...old, reconstructor: { ...old.reconstructor, memory: "cls" }, interactor: { ...old.interactor, layers: undefined } } }));
      const legacy = await loadI3Retriever(d);
      expect(legacy.config.reconstructor.memory).toBe("pooled");
      expect(legacy.config.interactor.layers).toBe(1);
      legacy.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

    it("a missing weights file is reported", async () => {
      const d = await copy("nofile");
      await rm(join(d, "model.safetensors"));
      await expect(loadI3Retriever(d)).rejects.toThrow(/model\.safetensors not found/);
    });
  });
});
