/** trainCrossEncoder: the LCE loss formula, seeded groups, and a tiny model that learns to rank its positives first. */
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, trainWordPiece, type Passage } from "@i3/data";
import { CrossEncoder, encoderConfig, initBackend, tf } from "@i3/encoders";
import { localizedContrastiveLoss, sampleRerankerGroup, trainCrossEncoder, type CrossEncoderTrainingGroup } from "../src/index.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("localizedContrastiveLoss", () => {
  it("is the mean over queries of -log softmax(group)[positive]", () => {
    const rows = [[2, 1, 0], [0, 3, -1]];
    const manual = rows.map((r) => -(r[0]! - Math.log(r.reduce((s, x) => s + Math.exp(x), 0))));
    expect(localizedContrastiveLoss(tf.tensor2d(rows)).dataSync()[0]).toBeCloseTo((manual[0]! + manual[1]!) / 2, 6);
    expect(() => localizedContrastiveLoss(tf.tensor2d([[1]]))).toThrow(/G >= 2/);
  });
});

describe("sampleRerankerGroup", () => {
  const group: CrossEncoderTrainingGroup = { query: { id: "q", text: "x" }, positives: ["p1", "p2"], negatives: ["n1", "n2", "n3", "n4", "n5"] };
  it("draws a positive then n distinct negatives, seeded per (seed, epoch, qid); cycles a short pool", () => {
    const g = sampleRerankerGroup(group, 3, 1, 0);
    expect(["p1", "p2"]).toContain(g[0]);
    expect(new Set(g.slice(1)).size).toBe(3);
    expect(sampleRerankerGroup(group, 3, 1, 0)).toEqual(g);
    expect(sampleRerankerGroup(group, 7, 1, 0).slice(6)).toEqual(sampleRerankerGroup(group, 7, 1, 0).slice(1, 3));
    expect(() => sampleRerankerGroup({ ...group, negatives: [] }, 3, 1, 0)).toThrow(/no hard negatives/);
  });
});

describe("trainCrossEncoder", () => {
  // Each query is a topic word; its positive is an answer about it, its negatives are filler
  // (about it or other topics): a signal a tiny model picks up within a few steps.
  const topics = ["apple", "river", "engine", "violin", "desert", "planet", "cotton", "bridge"];
  const passages = new Map<string, Passage>();
  topics.forEach((t, i) => {
    passages.set(`pos-${t}`, { id: `pos-${t}`, title: "", text: `${t} facts about the ${t} and more` });
    passages.set(`neg-${t}`, { id: `neg-${t}`, title: "", text: `buy cheap ${t} now click here ${topics[(i + 1) % topics.length]}` });
  });
  const groups: CrossEncoderTrainingGroup[] = topics.map((t) => ({
    query: { id: t, text: t },
    positives: [`pos-${t}`],
    negatives: topics.map((o) => `neg-${o}`),
  }));

  async function fresh() {
    const tokenizer = await trainWordPiece([...passages.values()].map(passageText), { vocabSize: 200 });
    const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32 });
    return { tokenizer, model: new CrossEncoder(config, { seed: 3 }) };
  }

  it("lowers the LCE loss on a tiny case, deterministically", async () => {
    const a = await fresh();
    const run = () => ({ groups, passages, seed: 5, negatives: 3, batchSize: 4, epochs: 12, lr: 1e-2, maxLength: 24 });
    const { history } = await trainCrossEncoder({ ...run(), model: a.model, tokenizer: a.tokenizer });
    expect(history).toHaveLength(24);
    const mean = (xs: readonly { loss: number }[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
    expect(mean(history.slice(-4))).toBeLessThan(mean(history.slice(0, 4)) * 0.7);
    const b = await fresh();
    const again = await trainCrossEncoder({ ...run(), model: b.model, tokenizer: b.tokenizer });
    expect(again.history.map((s) => s.loss)).toEqual(history.map((s) => s.loss));
    a.model.dispose();
    b.model.dispose();
  });

  it("names a missing passage", async () => {
    const { model, tokenizer } = await fresh();
    await expect(trainCrossEncoder({ model, tokenizer, groups: [{ ...groups[0]!, negatives: ["zz"] }], passages, seed: 0 })).rejects.toThrow(/passage "zz" of query "apple" is not in the corpus/);
    model.dispose();
  });
});
