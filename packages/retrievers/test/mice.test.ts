/**
 * trainMice and rerankWithMice: the first step's loss is MarginMSE computed by hand from the
 * model's own scores; steps on a fixed batch lower it; the tensor count stays flat; the same seed
 * gives the same weights bit for bit (another seed does not); the objective's KL term is the
 * formula; re-ranking from a float32 store equals `Mice.score` on each pair with the document
 * encoded directly (no store), bit for bit, and from a float16 store within float16 rounding.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, trainWordPiece, type Collection, type I3Tokenizer, type Passage } from "@i3/data";
import type { KdRecord } from "@i3/distill";
import { CrossEncoder, encoderConfig, initBackend, Mice, tf } from "@i3/encoders";
import { TokenStateStore } from "@i3/search";
import { buildMiceStateStore, encodeAlone, miceLoss, openMiceInference, rerankWithMice, toTensors, trainMice, type PhaseStep, type TrainMiceInputs } from "../src/index.js";
import { tempRoot } from "./helpers.js";

const root = tempRoot("i3-mice-");

const topics = ["apple", "river", "engine", "violin", "desert", "planet"];
const passages = new Map<string, Passage>();
topics.forEach((t, i) => {
  passages.set(`pos-${t}`, { id: `pos-${t}`, title: "", text: `${t} facts about the ${t} and more` });
  passages.set(`neg-${t}`, { id: `neg-${t}`, title: i % 2 === 0 ? "Ads" : "", text: `buy cheap ${t} now click here ${topics[(i + 1) % topics.length]}` });
});
const queries = new Map(topics.map((t) => [t, `${t} facts`]));
// Teacher: the positive 4, its own topic's ad 1, other ads -1 (a margin MICE can learn).
const records: KdRecord[] = topics.map((t) => ({
  queryId: t,
  positives: [{ docId: `pos-${t}`, score: 4 }],
  negatives: topics.slice(0, 3).map((o) => ({ docId: `neg-${o}`, score: o === t ? 1 : -1 })),
}));

let tokenizer: I3Tokenizer;
beforeAll(async () => {
  await initBackend({ device: "js" });
  tokenizer = await trainWordPiece([...passages.values()].map(passageText), { vocabSize: 200 });
});

/** A fresh MICE (l1 + 1 of a 2 x 16 cross-encoder of seed 3); `dropout` 0 makes a batch's loss a function of the weights. */
function freshMice(dropout = 0.1): Mice {
  const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 2, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, hiddenDropout: dropout, attentionDropout: dropout });
  const ce = new CrossEncoder(config, { seed: 3 });
  try {
    return Mice.fromCrossEncoder(ce, { split: 1, interactionLayers: 1, seed: 4 });
  } finally {
    ce.dispose();
  }
}

const base = (model: Mice): TrainMiceInputs => ({ model, tokenizer, records, queries, passages, seed: 5, negatives: 3, batchSize: 6, queryMaxLength: 8, passageMaxLength: 16, log: () => {} });

function weightBits(model: Mice): string {
  const hash = createHash("sha256");
  for (const p of model.namedParameters()) hash.update(p.name).update(new Uint8Array((p.variable.dataSync() as Float32Array).slice().buffer));
  return hash.digest("hex");
}

/** Scores of (query, passage) pairs with `Mice.forward` (eval mode). */
function scorePairs(model: Mice, pairs: [string, string][]): number[] {
  return tf.tidy(() => {
    const q = toTensors(encodeAlone(tokenizer, pairs.map(([qid]) => queries.get(qid)!), 8));
    const d = toTensors(encodeAlone(tokenizer, pairs.map(([, id]) => passageText(passages.get(id)!)), 16));
    return Array.from(model.forward(q, d).dataSync());
  });
}

describe("trainMice", () => {
  it("starts at MarginMSE of the model's own scores and lowers it on a fixed batch, with a flat tensor count", async () => {
    const model = freshMice(0);
    // One batch of all 6 queries, each with all 3 pool negatives (the same list every epoch, in another order: MarginMSE ignores it).
    const pairs = records.flatMap((r) => [r.positives[0]!, ...r.negatives].map((d) => [r.queryId, d.docId] as [string, string]));
    const s = scorePairs(model, pairs);
    const t = records.flatMap((r) => [r.positives[0]!, ...r.negatives].map((d) => d.score));
    let sum = 0;
    for (let b = 0; b < records.length; b++) for (let j = 1; j <= 3; j++) sum += (s[b * 4]! - s[b * 4 + j]! - (t[b * 4]! - t[b * 4 + j]!)) ** 2;
    const byHand = sum / (records.length * 3);
    const tensors: number[] = [];
    const { history } = await trainMice({ ...base(model), epochs: 8, optimizer: { lr: 1e-2, schedule: "constant", warmupRatio: 0 }, onStep: () => void tensors.push(tf.memory().numTensors) });
    expect(history).toHaveLength(8);
    expect(history[0]!.loss).toBeCloseTo(byHand, 4);
    for (let i = 1; i < history.length; i++) expect(history[i]!.loss, `step ${i + 1}`).toBeLessThan(history[i - 1]!.loss);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss * 0.5);
    expect(new Set(tensors.slice(1)).size).toBe(1);
    model.dispose();
  });

  it("gives the same weights for the same seed (dropout on), other weights for another", async () => {
    const run = async (seed: number) => {
      const model = freshMice();
      const { history } = await trainMice({ ...base(model), seed, batchSize: 4, epochs: 2, optimizer: { lr: 1e-2 } });
      const out = { bits: weightBits(model), losses: history.map((h: PhaseStep) => h.loss) };
      model.dispose();
      return out;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect((await run(6)).bits).not.toBe(a.bits);
  });

  it("adds the KL term: KL(softmax(t / T) || softmax(s / T)) averaged over lists", () => {
    const s = [[1, 0, -1], [0.5, 0.2, 0]];
    const t = [[3, 1, 0], [2, 2, -1]];
    const T = 2;
    const softmax = (row: number[]) => {
      const e = row.map((x) => Math.exp(x / T));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    const kl = s.map((row, b) => {
      const p = softmax(t[b]!);
      const q = softmax(row);
      return p.reduce((acc, pi, i) => acc + pi * Math.log(pi / q[i]!), 0);
    });
    const mm = s.map((row, b) => [1, 2].map((j) => (row[0]! - row[j]! - (t[b]![0]! - t[b]![j]!)) ** 2)).flat();
    const expected = 0.5 * (mm.reduce((a, b) => a + b, 0) / mm.length) + 2 * ((kl[0]! + kl[1]!) / 2);
    const loss = miceLoss(tf.tensor2d(s), tf.tensor2d(t), { marginMse: { weight: 0.5 }, kl: { weight: 2, temperature: T } });
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose();
  });

  it("names bad inputs", async () => {
    const model = freshMice();
    await expect(trainMice({ ...base(model), objective: {} })).rejects.toThrow(/marginMse and\/or kl/);
    await expect(trainMice({ ...base(model), passageMaxLength: 64 })).rejects.toThrow(/passageMaxLength must be an integer in \[2, 32\]/);
    await expect(trainMice({ ...base(model), queries: new Map() })).rejects.toThrow(/query "apple" of the teacher scores/);
    model.dispose();
  });
});

describe("rerankWithMice", () => {
  const collection: Collection = {
    name: "mice-rerank",
    dir: root,
    splits: [],
    fingerprint: async () => "mice-rerank",
    async *corpus() {
      yield* passages.values();
    },
    queries: async () => [],
    qrels: async () => new Map(),
  };

  /** `Mice.score` of one pair, the document encoded directly (alone, unpadded), no store. */
  function direct(model: Mice, qid: string, id: string): number {
    return tf.tidy(() => {
      const docs = model.encodeDocuments(toTensors(encodeAlone(tokenizer, [passageText(passages.get(id)!)], 16)));
      return model.score(toTensors(encodeAlone(tokenizer, [queries.get(qid)!], 8)), docs).dataSync()[0]!;
    });
  }

  it("scores each candidate as Mice.score does without the store: float32 equal, float16 within rounding", async () => {
    const model = freshMice(0);
    const candidates = new Map(topics.slice(0, 3).map((t, i) => [t, [...passages.keys()].slice(i, i + 7)]));
    const qs = topics.slice(0, 3).map((t) => ({ id: t, text: queries.get(t)! }));
    for (const dtype of ["float32", "float16"] as const) {
      const out = join(root, dtype);
      await buildMiceStateStore(model, tokenizer, collection, { out, passageMaxLength: 16, dtype, batchSize: 5, description: "test", backend: "js" });
      const store = await TokenStateStore.open(out);
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const scorer = await openMiceInference(model, tokenizer, { inference: "tfjs", queryMaxLength: 8, batchSize: 3 });
      const run = await rerankWithMice(scorer, store, qs, candidates, { onProgress: (done) => progress.push(done) });
      await scorer.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(progress).toEqual([1, 2, 3]);
      for (const [qid, ids] of candidates) {
        expect([...run.get(qid)!.keys()]).toEqual(ids);
        for (const id of ids) {
          const want = direct(model, qid, id);
          const got = run.get(qid)!.get(id)!;
          if (dtype === "float32") expect(got, `${qid} ${id}`).toBe(want);
          else expect(Math.abs(got - want), `${qid} ${id}`).toBeLessThan(5e-3 * (1 + Math.abs(want)));
        }
      }
      await store.close();
    }
    model.dispose();
  });

  it("refuses a store of another layer and names a candidate missing from it", async () => {
    const model = freshMice(0);
    const out = join(root, "f32-missing");
    await buildMiceStateStore(model, tokenizer, collection, { out, passageMaxLength: 16, dtype: "float32", description: "test", backend: "js" });
    const store = await TokenStateStore.open(out);
    const scorer = await openMiceInference(model, tokenizer, { inference: "tfjs", queryMaxLength: 8 });
    await expect(rerankWithMice(scorer, store, [{ id: "apple", text: "apple" }], new Map([["apple", ["pos-apple", "nope"]]]))).rejects.toThrow(/nope/);
    const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 3, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32 });
    const other = new Mice(config, { split: 2 });
    const otherScorer = await openMiceInference(other, tokenizer, { inference: "tfjs", queryMaxLength: 8 });
    await expect(rerankWithMice(otherScorer, store, [], new Map())).rejects.toThrow(/layer 1 states .* needs layer 2/);
    await Promise.all([scorer.dispose(), otherScorer.dispose()]);
    other.dispose();
    await store.close();
    model.dispose();
  });
});
