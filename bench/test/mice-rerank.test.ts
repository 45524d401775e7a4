/**
 * The MICE latency bench's pieces (bench/mice-rerank.ts), for correctness, not speed: seeded
 * synthetic texts of the asked lengths; dot products against stored vectors equal hand-computed
 * ones; and each re-ranker, on onnxruntime and on tfjs, gives the scores its model computes
 * directly in TensorFlow.js for the same (query, candidate) pairs, in the order the ids were
 * asked (the cross-encoder's `forward` on the pairs; MICE's `score` on the directly encoded
 * documents, to the float16 store's precision; the dual-encoder's query . passage vectors).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SeededRandom } from "@i3/core";
import { encodePairs, trainWordPiece, type Collection, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import { CrossEncoder, DualEncoder, encoderConfig, initBackend, Mice, tf, type EncoderConfig } from "@i3/encoders";
import { buildMiceStateStore } from "@i3/retrievers";
import { DenseIndex, TokenStateStore } from "@i3/search";
import { crossEncoderReranker, dotScores, dualEncoderReranker, miceReranker, pseudoWords, syntheticTexts, type RerankerOptions } from "../mice-rerank.js";

describe("synthetic texts", () => {
  it("draws distinct pseudo-words and texts of the asked word counts, the same for the same seed", () => {
    const a = new SeededRandom(5);
    const words = pseudoWords(200, 3, () => a.float());
    expect(new Set(words).size).toBe(200);
    expect(words.every((w) => /^[a-z]{3}$/.test(w))).toBe(true);
    const texts = syntheticTexts(50, 4, 9, words, () => a.float());
    const counts = texts.map((t) => t.split(" ").length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...counts)).toBeLessThanOrEqual(9);
    expect(new Set(counts).size).toBeGreaterThan(3); // the range is used, not one length
    expect(texts.every((t) => t.split(" ").every((w) => words.includes(w)))).toBe(true);
    const b = new SeededRandom(5);
    const again = pseudoWords(200, 3, () => b.float());
    expect(again).toEqual(words);
    expect(syntheticTexts(50, 4, 9, again, () => b.float())).toEqual(texts);
    expect(() => pseudoWords(30, 1, Math.random)).toThrow(/only 26 words of 1 letters/);
  });
});

describe("dotScores", () => {
  it("is the inner product with each asked row, in the asked order; an unknown id throws", () => {
    const index = DenseIndex.fromVectors(["a", "b", "c"], Float32Array.from([1, 0, 2, 0.5, -1, 3, 2, 2, 2]), 3);
    const rowOf = new Map(index.ids.map((id, i) => [id, i]));
    // q = [2, 1, -1]: a 2 + 0 - 2 = 0; b 1 - 1 - 3 = -3; c 4 + 2 - 2 = 4
    expect(dotScores(Float32Array.from([2, 1, -1]), index, rowOf, ["c", "a", "b"])).toEqual([4, 0, -3]);
    expect(() => dotScores(Float32Array.from([2, 1, -1]), index, rowOf, ["z"])).toThrow(/passage z is not in the index/);
    expect(() => dotScores(Float32Array.from([2, 1]), index, rowOf, ["a"])).toThrow(/query has 2 values, the index is 3-d/);
  });
});

describe("re-rankers: each engine gives the model's own scores", () => {
  const root = mkdtempSync(join(tmpdir(), "i3-mice-bench-test-"));
  let tok: I3Tokenizer;
  let passages: Passage[];
  let query: Query;
  let cfg: EncoderConfig;
  const opts = (inference: "onnxruntime" | "tfjs"): RerankerOptions => ({ inference, queryMaxLength: 12, pairMaxLength: 40, batchSize: 4 });

  beforeAll(async () => {
    await initBackend({ device: "wasm" });
    const rand = new SeededRandom(11);
    const words = pseudoWords(60, 3, () => rand.float());
    passages = syntheticTexts(10, 10, 30, words, () => rand.float()).map((text, i) => ({ id: `p${i}`, title: "", text }));
    query = { id: "q", text: syntheticTexts(1, 4, 8, words, () => rand.float())[0]! };
    tok = await trainWordPiece([...passages.map((p) => p.text), query.text], { vocabSize: 300, minFrequency: 1 });
    cfg = encoderConfig({ vocabSize: tok.vocabSize, layers: 3, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, initializerRange: 0.2 });
  }, 60_000);

  const ids = ["p7", "p2", "p9", "p0", "p4", "p5"];
  const maxAbsDiff = (a: number[], b: number[]) => (expect(a.length).toBe(b.length), Math.max(...a.map((x, i) => Math.abs(x - b[i]!))));

  it("cross-encoder: forward on the encoded pairs", async () => {
    const ce = new CrossEncoder(cfg, { seed: 2, pooler: true });
    const byId = new Map(passages.map((p) => [p.id, p]));
    const chosen = ids.map((id) => byId.get(id)!);
    const enc = encodePairs(tok, chosen.map(() => query.text), chosen, { maxLength: 40 });
    const shape: [number, number] = [enc.batchSize, enc.seqLength];
    const direct = tf.tidy(() =>
      Array.from(ce.forward({ inputIds: tf.tensor2d(enc.inputIds, shape, "int32"), attentionMask: tf.tensor2d(enc.attentionMask, shape, "int32"), tokenTypeIds: tf.tensor2d(enc.tokenTypeIds, shape, "int32") }).dataSync()),
    );
    expect(Math.max(...direct) - Math.min(...direct)).toBeGreaterThan(1e-3);
    for (const inference of ["onnxruntime", "tfjs"] as const) {
      const r = await crossEncoderReranker(ce, tok, byId, opts(inference));
      expect([r.system, r.engine]).toEqual(["cross-encoder", inference]);
      expect(maxAbsDiff(await r.rerank(query, ids), direct)).toBeLessThan(1e-5);
      await expect(r.rerank(query, ["nope"])).rejects.toThrow(/passage nope unknown/);
      await r.dispose();
    }
    ce.dispose();
  });

  it("MICE: score on the directly encoded documents, to float16 store precision", async () => {
    const ce = new CrossEncoder(cfg, { seed: 3 });
    const mice = Mice.fromCrossEncoder(ce, { split: 2, interactionLayers: 1, seed: 3 });
    ce.dispose();
    const collection: Collection = { name: "t", dir: root, splits: [], fingerprint: async () => "t", corpus: async function* () { yield* passages; }, queries: async () => [], qrels: async () => new Map() };
    await buildMiceStateStore(mice, tok, collection, { out: join(root, "states"), passageMaxLength: 40, description: "test", backend: "wasm" });
    const store = await TokenStateStore.open(join(root, "states"));
    expect(store.manifest.dtype).toBe("float16");
    const direct = tf.tidy(() => {
      const rows = ids.map((id) => Array.from(tok.encode(passages.find((p) => p.id === id)!.text, 40).ids));
      const S = Math.max(...rows.map((r) => r.length));
      const docs = mice.encodeDocuments({
        inputIds: tf.tensor2d(rows.map((r) => [...r, ...Array<number>(S - r.length).fill(tok.special.pad)]), undefined, "int32"),
        attentionMask: tf.tensor2d(rows.map((r) => [...r.map(() => 1), ...Array<number>(S - r.length).fill(0)]), undefined, "int32"),
      });
      const q = Array.from(tok.encode(query.text, 12).ids);
      return Array.from(mice.score({ inputIds: tf.tensor2d(ids.map(() => q), undefined, "int32"), attentionMask: tf.ones([ids.length, q.length], "int32") }, docs).dataSync());
    });
    expect(Math.max(...direct) - Math.min(...direct)).toBeGreaterThan(1e-3);
    const got: number[][] = [];
    for (const inference of ["onnxruntime", "tfjs"] as const) {
      const r = await miceReranker(mice, tok, store, opts(inference));
      expect([r.system, r.engine]).toEqual(["mice", inference]);
      got.push(await r.rerank(query, ids));
      await r.dispose();
    }
    for (const g of got) g.forEach((x, i) => expect(Math.abs(x - direct[i]!)).toBeLessThan(1e-2 * (1 + Math.abs(direct[i]!))));
    expect(maxAbsDiff(got[0]!, got[1]!)).toBeLessThan(1e-5); // same stored states on both engines
    await store.close();
    mice.dispose();
  });

  it("dual-encoder: the query vector . each candidate's stored vector", async () => {
    const de = new DualEncoder(cfg, { shared: true, seed: 4 });
    const vectors = tf.tidy(() => {
      const rows = passages.map((p) => Array.from(tok.encode(p.text, 40).ids));
      const S = Math.max(...rows.map((r) => r.length));
      return de
        .encodePassages({
          inputIds: tf.tensor2d(rows.map((r) => [...r, ...Array<number>(S - r.length).fill(tok.special.pad)]), undefined, "int32"),
          attentionMask: tf.tensor2d(rows.map((r) => [...r.map(() => 1), ...Array<number>(S - r.length).fill(0)]), undefined, "int32"),
        })
        .dataSync() as Float32Array;
    });
    const index = DenseIndex.fromVectors(passages.map((p) => p.id), Float32Array.from(vectors), cfg.hidden);
    const qv = tf.tidy(() => {
      const q = Array.from(tok.encode(query.text, 12).ids);
      return de.encodeQueries({ inputIds: tf.tensor2d([q], undefined, "int32"), attentionMask: tf.ones([1, q.length], "int32") }).dataSync() as Float32Array;
    });
    const direct = ids.map((id) => {
      const row = passages.findIndex((p) => p.id === id);
      let s = 0;
      for (let i = 0; i < cfg.hidden; i++) s += qv[i]! * vectors[row * cfg.hidden + i]!;
      return s;
    });
    expect(Math.max(...direct) - Math.min(...direct)).toBeGreaterThan(1e-3);
    for (const inference of ["onnxruntime", "tfjs"] as const) {
      const r = await dualEncoderReranker(de, tok, index, opts(inference));
      expect([r.system, r.engine]).toEqual(["dual-encoder", inference]);
      expect(maxAbsDiff(await r.rerank(query, ids), direct)).toBeLessThan(1e-4);
      await r.dispose();
    }
    de.dispose();
  });
});
