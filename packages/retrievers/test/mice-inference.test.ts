/**
 * MICE re-ranking scores from stored document states, on onnxruntime and on TensorFlow.js, on
 * real text (the embedded default collection): both engines equal `Mice.score` on the directly
 * encoded (query, passage) pairs to 1e-5 (float32 store), and each other; chunking the
 * candidates changes nothing; a checkpoint folder scores as the model it was saved from; the
 * one-shot call equals the opened engine; bad candidates and a disposed engine are refused;
 * tensors are freed.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, resolveDataset, trainWordPiece, type Collection, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import { CrossEncoder, encoderConfig, initBackend, Mice, saveMice, tf } from "@i3/encoders";
import { TokenStateStore } from "@i3/search";
import { buildMiceStateStore, openMiceInference, scoreMiceCandidates } from "../src/index.js";
import { tempRoot } from "./helpers.js";

const root = tempRoot("i3-mice-inference-");
const PASSAGE_LEN = 48;
const QUERY_LEN = 16;
let tok: I3Tokenizer;
let passages: Passage[];
let queries: Query[];
let mice: Mice;
let store: TokenStateStore;

beforeAll(async () => {
  await initBackend({ device: "wasm" });
  const collection = await resolveDataset("default");
  passages = [];
  for await (const p of collection.corpus()) if (passages.length < 24) passages.push(p);
  queries = (await collection.queries("dev")).slice(0, 3);
  tok = await trainWordPiece([...passages.map(passageText), ...queries.map((q) => q.text)], { vocabSize: 800, minFrequency: 1 });
  const ce = new CrossEncoder(encoderConfig({ vocabSize: tok.vocabSize, hidden: 32, layers: 3, heads: 4, intermediate: 64, maxPositions: 64, initializerRange: 0.2 }), { seed: 3, pooler: true });
  mice = Mice.fromCrossEncoder(ce, { split: 2, interactionLayers: 1, seed: 4 });
  ce.dispose();
  const small: Collection = { name: "mice-inference", dir: root, splits: [], fingerprint: async () => "x", corpus: async function* () { yield* passages; }, queries: async () => [], qrels: async () => new Map() };
  await buildMiceStateStore(mice, tok, small, { out: join(root, "states"), passageMaxLength: PASSAGE_LEN, dtype: "float32", batchSize: 8, description: "test", backend: "wasm" });
  store = await TokenStateStore.open(join(root, "states"));
}, 120_000);

/** `Mice.score` of (query, passage) pairs encoded directly (no store, all candidates in one padded batch). */
function direct(query: Query, ids: readonly string[]): number[] {
  return tf.tidy(() => {
    const rows = ids.map((id) => tok.encode(passageText(passages.find((p) => p.id === id)!), PASSAGE_LEN).ids);
    const S = Math.max(...rows.map((r) => r.length));
    const pad = (r: Int32Array, v: (x: number) => number, fill: number) => [...Array.from(r, v), ...Array<number>(S - r.length).fill(fill)];
    const docs = mice.encodeDocuments({
      inputIds: tf.tensor2d(rows.map((r) => pad(r, (x) => x, tok.special.pad)), undefined, "int32"),
      attentionMask: tf.tensor2d(rows.map((r) => pad(r, () => 1, 0)), undefined, "int32"),
    });
    const q = Array.from(tok.encode(query.text, QUERY_LEN).ids);
    const queriesIn = { inputIds: tf.tensor2d(ids.map(() => q), undefined, "int32"), attentionMask: tf.ones([ids.length, q.length], "int32") };
    return Array.from(mice.score(queriesIn, docs).dataSync());
  });
}

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
};

describe("MICE inference from stored states", () => {
  it("scores a query's candidates as Mice.score on the directly encoded pairs, on both engines", async () => {
    const ort = await openMiceInference(mice, tok, { inference: "onnxruntime", queryMaxLength: QUERY_LEN });
    const tfjs = await openMiceInference(mice, tok, { inference: "tfjs", queryMaxLength: QUERY_LEN });
    const chunked = await openMiceInference(mice, tok, { inference: "onnxruntime", queryMaxLength: QUERY_LEN, batchSize: 5 });
    expect([ort.info.engine, tfjs.info.engine]).toEqual(["onnxruntime", "tfjs"]);
    const ids = passages.map((p) => p.id).reverse(); // store order reversed: scores follow the order asked
    const tensorsBefore = tf.memory().numTensors;
    for (const query of queries) {
      const expected = direct(query, ids);
      const [a, b, c] = [await ort.scoreStored(query, store, ids), await tfjs.scoreStored(query, store, ids), await chunked.scoreStored(query, store, ids)];
      const diffs = [maxAbsDiff(a, expected), maxAbsDiff(b, expected), maxAbsDiff(a, b), maxAbsDiff(c, a)];
      process.stdout.write(`mice inference ${query.id}: |ort - direct| ${diffs[0]!.toExponential(2)}, |tfjs - direct| ${diffs[1]!.toExponential(2)}, |ort - tfjs| ${diffs[2]!.toExponential(2)}, chunked ${diffs[3]!.toExponential(2)}\n`);
      for (const d of diffs) expect(d).toBeLessThan(1e-5);
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-3); // candidates scored apart
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    await Promise.all([ort.dispose(), tfjs.dispose(), chunked.dispose()]);
    await expect(ort.score(queries[0]!, [])).rejects.toThrow(/disposed/);
  });

  it("loads a checkpoint folder (freed on dispose), scores one-shot, and refuses bad candidates", async () => {
    const dir = join(root, "mice-ckpt");
    await saveMice(dir, mice);
    const ids = passages.slice(0, 6).map((p) => p.id);
    const states = await store.read(ids);
    const expected = direct(queries[1]!, ids);
    const tensorsBefore = tf.memory().numTensors;
    for (const inference of ["onnxruntime", "tfjs"] as const) {
      const fromDir = await openMiceInference(dir, tok, { inference, queryMaxLength: QUERY_LEN });
      expect(maxAbsDiff(await fromDir.score(queries[1]!, states), expected)).toBeLessThan(1e-5);
      await expect(fromDir.score(queries[1]!, [new Float32Array(mice.encoder.hidden + 1)])).rejects.toThrow(/candidate #0 has 33 state values, not a positive multiple of hidden 32/);
      await fromDir.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(maxAbsDiff(await scoreMiceCandidates(mice, tok, queries[1]!, states, { inference, queryMaxLength: QUERY_LEN }), expected)).toBeLessThan(1e-5);
    }
    expect(await (await openMiceInference(mice, tok, { inference: "tfjs", queryMaxLength: QUERY_LEN })).score(queries[0]!, [])).toEqual([]);
    await expect(openMiceInference(mice, tok, { queryMaxLength: 1 })).rejects.toThrow(/queryMaxLength must be an integer >= 2/);
  });
});
