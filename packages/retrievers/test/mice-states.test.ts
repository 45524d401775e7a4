/**
 * MICE's document-state store: built from a model and a collection, it reads back each passage's
 * layer-l states as the model computes them for that passage alone, to float16 precision; the
 * fingerprint follows the bottom layers only; one encoded query scored against stored candidates
 * matches the directly encoded pairs.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, trainWordPiece, type Collection, type Passage } from "@i3/data";
import { CrossEncoder, encoderConfig, initBackend, Mice, tf } from "@i3/encoders";
import { TokenStateStore } from "@i3/search";
import { buildMiceStateStore, miceStatesFingerprint, readDocumentStates } from "../src/index.js";
import { tempRoot } from "./helpers.js";

const root = tempRoot("i3-mice-states-");
const PASSAGES: Passage[] = ["apples grow on trees in the orchard", "rivers run to the sea", "the engine needs oil", "a violin has four strings and a bow", "deserts are dry"].map(
  (text, i) => ({ id: `d${i}`, title: i === 1 ? "Rivers" : "", text }),
);
const collection: Collection = {
  name: "mice-test",
  dir: root,
  splits: [],
  fingerprint: async () => "mice-test",
  async *corpus() {
    yield* PASSAGES;
  },
  queries: async () => [],
  qrels: async () => new Map(),
};

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("buildMiceStateStore", () => {
  it("stores every passage's layer-l states (real tokens) to float16 precision, and scores from them", async () => {
    const tokenizer = await trainWordPiece(PASSAGES.map(passageText), { vocabSize: 120 });
    const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 3, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, initializerRange: 0.2 });
    const ce = new CrossEncoder(config, { seed: 2 });
    const model = Mice.fromCrossEncoder(ce, { split: 2 });
    const progress: number[] = [];
    const out = join(root, "states");
    const manifest = await buildMiceStateStore(model, tokenizer, collection, { out, passageMaxLength: 8, batchSize: 2, description: "test", backend: "js", onProgress: (n) => progress.push(n) });
    expect(progress).toEqual([2, 4, 5]);
    expect(manifest).toMatchObject({ layer: 2, hidden: 16, dtype: "float16", count: 5 });
    expect(manifest.encoder.fingerprint).toBe(miceStatesFingerprint(model, 8));

    const store = await TokenStateStore.open(out);
    const stored = await store.read(PASSAGES.map((p) => p.id));
    PASSAGES.forEach((p, i) => {
      const ids = tokenizer.encode(passageText(p), 8).ids;
      const alone = tf.tidy(() => {
        const docs = model.encodeDocuments({ inputIds: tf.tensor2d([Array.from(ids)], undefined, "int32"), attentionMask: tf.ones([1, ids.length], "int32") });
        return docs.states.dataSync() as Float32Array;
      });
      expect(stored[i]!.length).toBe(ids.length * 16);
      alone.forEach((x, j) => expect(Math.abs(stored[i]![j]! - x), `${p.id}[${j}]`).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-6));
    });
    expect(store.bytesPerPassage()).toBe((manifest.tokens * 16 * 2) / 5);

    // Scores of one query against the stored candidates vs the directly encoded ones.
    const ids = ["d3", "d0", "d4"];
    const q = tokenizer.encode("violin strings", 8).ids;
    const queries = { inputIds: tf.tensor2d(ids.map(() => Array.from(q)), undefined, "int32"), attentionMask: tf.ones([ids.length, q.length], "int32") };
    const fromStore = await readDocumentStates(store, ids);
    const direct = tf.tidy(() => {
      const rows = ids.map((id) => tokenizer.encode(passageText(PASSAGES[Number(id.slice(1))]!), 8).ids);
      const S = Math.max(...rows.map((r) => r.length));
      const inputIds = tf.tensor2d(rows.map((r) => [...r, ...Array<number>(S - r.length).fill(tokenizer.special.pad)]), undefined, "int32");
      const attentionMask = tf.tensor2d(rows.map((r) => [...r.map(() => 1), ...Array<number>(S - r.length).fill(0)]), undefined, "int32");
      return model.score(queries, model.encodeDocuments({ inputIds, attentionMask }));
    });
    const viaStore = tf.tidy(() => model.scoreEncoded(model.encodeQueries({ inputIds: tf.tensor2d([Array.from(q)], undefined, "int32"), attentionMask: tf.ones([1, q.length], "int32") }), fromStore));
    const [a, b] = [direct.dataSync(), viaStore.dataSync()];
    a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-2 * (1 + Math.abs(x))));
    tf.dispose([direct, viaStore, fromStore.states, fromStore.mask, queries.inputIds, queries.attentionMask]);
    await store.close();

    // The fingerprint follows the states' inputs: bottom weights and length, not the head.
    const before = miceStatesFingerprint(model, 8);
    model.head.linear.weight.assign(tf.zerosLike(model.head.linear.weight));
    expect(miceStatesFingerprint(model, 8)).toBe(before);
    expect(miceStatesFingerprint(model, 16)).not.toBe(before);
    model.bottom.embeddings.norm.gamma.assign(tf.onesLike(model.bottom.embeddings.norm.gamma).mul(2));
    expect(miceStatesFingerprint(model, 8)).not.toBe(before);
    ce.dispose();
    model.dispose();
  });
});
