/**
 * LTRe / ADORE (`trainLtre`): the list rule (DRhard's append rule and the alternatives) on
 * hand-built rankings and its loss; on 300 passages of the embedded collection with a tiny
 * dual-encoder: the start model (shared towers, so its passage tower IS its query tower) stays
 * bit-identical while the copied query tower trains; a training step's retrieval equals a
 * brute-force exact search over the (float32, float16 or PQ) index; the tensor count stays flat
 * across steps; training is deterministic; before any step, LTRe retrieval equals the start
 * model's; settings errors name the field.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, type Collection } from "@i3/data";
import { tf } from "@i3/encoders";
import { ltrePairwiseLoss } from "@i3/losses";
import { DenseIndex } from "@i3/search";
import {
  encodeCorpusVectors,
  indexAtPrecision,
  ltreList,
  ltreSettingsSchema,
  parseSettings,
  retrieveDense,
  retrieveLtre,
  trainDualEncoder,
  trainLtre,
  type LtreSettingsInput,
  type LtreStepRetrieval,
  type TrainedDualEncoder,
} from "../src/index.js";
import { firstPassages, plainRun, tempRoot, weights } from "./helpers.js";

const root = tempRoot("i3-ltre-");
const quiet = () => {};

describe("ltreList: which relevant passages join the list", () => {
  const retrieved = [5, 7, 9];
  it("when-none-retrieved (DRhard): all relevant rows appended only when none was retrieved", () => {
    expect(ltreList(retrieved, [7, 3], "when-none-retrieved")).toEqual({ rows: [5, 7, 9], labels: [0, 1, 0], ranks: [1, 2, 3] });
    expect(ltreList(retrieved, [3, 4], "when-none-retrieved")).toEqual({ rows: [5, 7, 9, 3, 4], labels: [0, 0, 0, 1, 1], ranks: [1, 2, 3, 0, 0] });
  });
  it("all-missing appends every relevant row not retrieved; never appends nothing", () => {
    expect(ltreList(retrieved, [7, 3], "all-missing")).toEqual({ rows: [5, 7, 9, 3], labels: [0, 1, 0, 1], ranks: [1, 2, 3, 0] });
    expect(ltreList(retrieved, [3], "never")).toEqual({ rows: [5, 7, 9], labels: [0, 0, 0], ranks: [1, 2, 3] });
  });
  it("feeds the pairwise loss with 1/r = 0 for appended passages (hand-computed)", () => {
    // K = 3 retrieved, none relevant, relevant row 3 appended (1/r = 0): pairs (3, 5) w = 1, (3, 7) w = 1/2, (3, 9) w = 1/3
    const list = ltreList(retrieved, [3], "when-none-retrieved");
    const scores = [2, 1, 0, 1]; // s(5), s(7), s(9), s(3)
    const sp = (x: number) => Math.log1p(Math.exp(-x));
    const expected = (1 * sp(1 - 2) + 0.5 * sp(1 - 1) + (1 / 3) * sp(1 - 0)) / 3;
    const loss = ltrePairwiseLoss(tf.tensor2d([scores]), tf.tensor2d([list.labels]), { cut: 3, ranks: tf.tensor2d([list.ranks]) });
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    loss.dispose();
  });
});

describe("ltre settings", () => {
  it("fills defaults and names the field of an error", () => {
    const s = parseSettings(ltreSettingsSchema, {});
    expect(s.ltre).toEqual({ depth: 200, appendRelevant: "when-none-retrieved" });
    expect(s.index.precision).toBe("float32");
    expect(s.optimizer.clipNorm).toBe(1);
    expect(() => parseSettings(ltreSettingsSchema, { ltre: { depth: 0 } })).toThrow(/settings error at ltre\.depth/);
    expect(() => parseSettings(ltreSettingsSchema, { index: { precision: "int8" as never } })).toThrow(/settings error at index\.precision/);
    expect(() => parseSettings(ltreSettingsSchema, { index: { pq: { centroids: 512 } } })).toThrow(/settings error at index\.pq\.centroids/);
    expect(() => parseSettings(ltreSettingsSchema, { ltre: { appendRelevant: "some" as never } })).toThrow(/settings error at ltre\.appendRelevant/);
    expect(() => parseSettings(ltreSettingsSchema, { train: { negatives: 3 } as never })).toThrow(/settings error at train/);
  });
});

/** Brute-force top-k over the index's rows: score (float32) descending, then id descending. */
function bruteForce(index: DenseIndex, query: Float32Array, k: number): number[] {
  const all = index.rows(0, index.count);
  const scored = index.ids.map((id, row) => {
    let s = 0;
    for (let d = 0; d < index.dim; d++) s += query[d]! * all[row * index.dim + d]!;
    return { id, row, s: Math.fround(s) };
  });
  scored.sort((a, b) => b.s - a.s || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return scored.slice(0, k).map((x) => x.row);
}

describe("trainLtre on 300 passages (tiny dual-encoder, shared towers)", () => {
  let collection: Collection;
  let start: TrainedDualEncoder;
  let index: DenseIndex;
  const queryMaxLength = 12;
  const settings: LtreSettingsInput = { ltre: { depth: 20 }, optimizer: { lr: 1e-3 }, train: { epochs: 2, batchSize: 16 } };

  beforeAll(async () => {
    collection = firstPassages(await resolveDataset("default"), 300);
    start = await trainDualEncoder({
      collection,
      trainSplit: "train",
      settings: { tokenizer: { vocabSize: 1200 }, model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, pooling: "mean", queryMaxLength, passageMaxLength: 24 }, train: { warmupEpochs: 0, epochs: 0 } },
      seed: 5,
      device: "wasm",
      workDir: join(root, "de"),
      log: quiet,
    });
    const { ids, vectors, dim } = await encodeCorpusVectors(start, collection, 24);
    index = DenseIndex.fromVectors(ids, vectors, dim);
  });

  const run = (seed: number, extra: Partial<Parameters<typeof trainLtre>[0]> = {}, s: LtreSettingsInput = settings) =>
    trainLtre({
      start: { queryEncoder: start.model.queryEncoder, tokenizer: start.tokenizer },
      index,
      collection,
      trainSplit: "train",
      queryMaxLength,
      settings: s,
      seed,
      device: "wasm",
      workDir: join(root, `ltre-${seed}`),
      log: quiet,
      ...extra,
    });

  it("trains the copied query tower only: the start model stays bit-identical; the tensor count is flat across steps", async () => {
    expect(start.model.shared).toBe(true);
    const before = weights(start.model);
    const counts: number[] = [];
    const trained = await run(1, { onStep: () => void counts.push(tf.memory().numTensors) });
    expect(trained.steps.length).toBeGreaterThanOrEqual(4);
    expect(weights(start.model)).toEqual(before); // the passage tower (= the shared tower) is untouched
    const after = weights(trained.queryEncoder);
    expect([...after.values()].some((v, i) => v.some((x, j) => x !== [...before.values()][i]![j]))).toBe(true);
    // AdamW's moments appear at the first step; from then on nothing leaks
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(trained.steps[0]!.metrics).toHaveProperty("mrr10");
    expect(trained.retrievalSeconds).toBeGreaterThan(0);
    trained.queryEncoder.dispose();
  });

  it("a step's retrieval is an exact search of the whole index with that step's query vectors", async () => {
    for (const precision of ["float32", "float16", "pq"] as const) {
      const seen: LtreStepRetrieval[] = [];
      const s: LtreSettingsInput = { ...settings, index: { precision, pq: { subspaces: 4, centroids: 32, iterations: 4 } }, train: { epochs: 1, batchSize: 16 } };
      const trained = await run(2, { onRetrieve: (r) => void seen.push(r) }, s);
      const held = indexAtPrecision(index, parseSettings(ltreSettingsSchema, s).index, 2);
      expect(held.dtype).toBe(precision);
      for (const r of seen.slice(0, 2)) {
        r.qids.forEach((_, b) => {
          const q = r.queryVectors.subarray(b * index.dim, (b + 1) * index.dim);
          expect(Array.from(r.retrieved[b]!)).toEqual(bruteForce(held, q, 20));
        });
      }
      trained.queryEncoder.dispose();
    }
  });

  it("is deterministic for a seed; before any step its retrieval equals the start model's", async () => {
    const [a, b] = [await run(3), await run(3)];
    expect(a.steps.map((s) => s.loss)).toEqual(b.steps.map((s) => s.loss));
    expect(weights(a.queryEncoder)).toEqual(weights(b.queryEncoder));
    [a, b].forEach((t) => t.queryEncoder.dispose());
    const untrained = await run(4, {}, { ...settings, train: { epochs: 0 } });
    const queries = await collection.queries("dev");
    const ltreRun = retrieveLtre(untrained, index, queries, { queryMaxLength, k: 10, precision: parseSettings(ltreSettingsSchema, {}).index, seed: 4 });
    expect(plainRun(ltreRun)).toEqual(plainRun(retrieveDense(start, index, queries, { queryMaxLength, k: 10 })));
    untrained.queryEncoder.dispose();
  });
});
