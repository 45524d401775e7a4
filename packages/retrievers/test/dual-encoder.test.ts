/**
 * The dual-encoder trainer end to end on the embedded default collection: a short run beats the
 * same model at its random initialisation by a wide margin; training is deterministic for a seed;
 * the in-memory index, the index folder and a saved-and-loaded checkpoint retrieve the same run;
 * hard negatives are mined with the `negatives` settings.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mineHardNegatives, resolveDataset, type Collection, type Run } from "@i3/data";
import { describeBackend } from "@i3/encoders";
import { evaluate } from "@i3/metrics";
import { bm25Run, buildIndex, DenseIndex } from "@i3/search";
import {
  buildDenseIndex,
  indexAndRetrieve,
  loadDualEncoderCheckpoint,
  positivesAndNegatives,
  retrieveDense,
  saveDualEncoderCheckpoint,
  trainDualEncoder,
  type DualEncoderSettingsInput,
} from "../src/index.js";
import { firstPassages, plainRun, tempRoot, weights } from "./helpers.js";

const root = tempRoot("i3-dual-encoder-");
const quiet = () => {};

describe("trainDualEncoder", () => {
  it("a short training run beats a random initialisation by a wide margin (dev R@100, nDCG@10)", async () => {
    const collection = await resolveDataset("default");
    const firstStage = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 100 });
    const qrels = await collection.qrels("dev");
    const measure = (run: Run) => evaluate(qrels, run, ["R@100", "nDCG@10"], { allQueries: true }).aggregate;
    const short: DualEncoderSettingsInput = {
      tokenizer: { vocabSize: 4000 },
      model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512 }, pooling: "mean", queryMaxLength: 16, passageMaxLength: 32 },
      optimizer: { lr: 3e-3 },
      train: { batchSize: 64, warmupEpochs: 1, epochs: 1 },
    };
    const common = { collection, trainSplit: "train", firstStageTrainRun: firstStage, seed: 7, log: quiet };
    const dev = async (settings: DualEncoderSettingsInput, workDir: string) => {
      const trained = await trainDualEncoder({ ...common, settings, workDir });
      const run = (await indexAndRetrieve(trained, { collection, splits: ["dev"] })).get("dev")!;
      trained.model.dispose();
      return { steps: trained.steps.length, ...Object.fromEntries(measure(run)) } as { steps: number; "R@100": number; "nDCG@10": number };
    };
    const t = await dev(short, join(root, "trained"));
    const r = await dev({ ...short, train: { ...short.train, warmupEpochs: 0, epochs: 0 } }, join(root, "random"));
    expect(r.steps).toBe(0);
    expect(t.steps).toBeGreaterThan(0);
    console.log(`dev R@100 trained ${t["R@100"].toFixed(4)} vs random ${r["R@100"].toFixed(4)}; nDCG@10 ${t["nDCG@10"].toFixed(4)} vs ${r["nDCG@10"].toFixed(4)}`);
    expect(t["R@100"]).toBeGreaterThan(2 * r["R@100"] + 0.03);
    expect(t["nDCG@10"]).toBeGreaterThan(2 * r["nDCG@10"] + 0.01);
  }, 600_000);
});

describe("trainDualEncoder on 300 passages (tiny model)", () => {
  let collection: Collection;
  let firstStage: Run;
  const tiny: DualEncoderSettingsInput = {
    tokenizer: { vocabSize: 1200 },
    model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, sharedTowers: false, pooling: "mean", queryMaxLength: 12, passageMaxLength: 24 },
    negatives: { perQuery: 2 },
    optimizer: { clipNorm: 1 },
    train: { batchSize: 32, warmupEpochs: 1, epochs: 1 },
  };
  beforeAll(async () => {
    collection = firstPassages(await resolveDataset("default"), 300);
    firstStage = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 50 });
  });

  it("is deterministic for a seed; another seed trains another model; writes the tokenizer and a log per phase", async () => {
    const train = (seed: number, dir: string) =>
      trainDualEncoder({ collection, trainSplit: "train", firstStageTrainRun: firstStage, settings: tiny, seed, device: "wasm", workDir: join(root, dir), log: quiet });
    const [a, b, c] = [await train(3, "a"), await train(3, "b"), await train(4, "c")];
    expect(a.steps.map((s) => s.loss)).toEqual(b.steps.map((s) => s.loss));
    expect(weights(a.model)).toEqual(weights(b.model));
    expect(c.steps.map((s) => s.loss)).not.toEqual(a.steps.map((s) => s.loss));
    // the settings it returns are the parsed ones: defaults filled in
    expect(a.settings.optimizer).toMatchObject({ lr: 1e-3, warmupRatio: 0.1, clipNorm: 1 });
    expect(new Set(a.steps.map((s) => s.phase))).toEqual(new Set(["warmup", "queries"]));
    expect(readdirSync(join(root, "a")).sort()).toEqual(["tokenizer", "train-queries.jsonl", "train-warmup.jsonl"]);
    for (const t of [a, b, c]) t.model.dispose();
  }, 300_000);

  it("the in-memory index, an index folder and a reloaded checkpoint retrieve the same run", async () => {
    const trained = await trainDualEncoder({ collection, trainSplit: "train", firstStageTrainRun: firstStage, settings: tiny, seed: 5, device: "wasm", workDir: join(root, "ckpt-work"), log: quiet });
    const queries = await collection.queries("dev");
    const inMemory = (await indexAndRetrieve(trained, { collection, splits: ["dev"], k: 20 })).get("dev")!;
    expect(inMemory.size).toBe(queries.length);

    const ckpt = join(root, "checkpoint");
    await saveDualEncoderCheckpoint(ckpt, trained);
    // separate towers: a folder each, the tokenizer at the top and in each tower's folder
    expect(readdirSync(ckpt).sort()).toEqual(["i3_dual_encoder.json", "passage", "query", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);
    const loaded = await loadDualEncoderCheckpoint(ckpt, { pooling: "mean" });
    expect(weights(loaded.model.queryEncoder)).toEqual(weights(trained.model.queryEncoder));
    expect(weights(loaded.model.passageEncoder)).toEqual(weights(trained.model.passageEncoder));
    expect(loaded.tokenizer.encode("a passage about spam", 12).ids).toEqual(trained.tokenizer.encode("a passage about spam", 12).ids);

    const manifest = await buildDenseIndex(loaded, collection, { out: join(root, "index"), passageMaxLength: 24, batchSize: 50, description: "test", backend: describeBackend(trained.backend) });
    expect(manifest.count).toBe(300);
    expect(existsSync(join(root, "index", "vectors.bin"))).toBe(true);
    const fromFolder = await retrieveDense(loaded, await DenseIndex.load(join(root, "index")), queries, { queryMaxLength: 12, k: 20 });
    expect(plainRun(fromFolder)).toEqual(plainRun(inMemory));
    trained.model.dispose();
    loaded.model.dispose();
  }, 300_000);
});

describe("positivesAndNegatives", () => {
  const qrels = new Map([
    ["q1", new Map([["p1", 1]])],
    ["q2", new Map([["p2", 0]])],
    ["q3", new Map([["p3", 2]])],
  ]);
  const run: Run = new Map([
    ["q1", new Map([["p1", 10], ["n1", 9.5], ["n2", 8], ["n3", 7]])],
    ["q2", new Map([["p2", 5], ["n1", 4]])],
    ["q3", new Map([["p3", 3]])],
  ]);
  const negatives = { fromRank: 1, toRank: 100, perQuery: 1 };

  it("mines ranks fromRank..toRank minus positives (and the score margin); keeps queries with a positive and a negative", () => {
    const mined = positivesAndNegatives({ firstStageTrainRun: run }, qrels, negatives);
    expect(mined.queries).toEqual(["q1"]);
    expect(mined.negatives.get("q1")).toEqual(["n1", "n2", "n3"]);
    expect(mined.skipped).toBe(2);
    expect(positivesAndNegatives({ firstStageTrainRun: run }, qrels, { ...negatives, fromRank: 3, toRank: 3 }).negatives.get("q1")).toEqual(["n2"]);
    expect(positivesAndNegatives({ firstStageTrainRun: run }, qrels, { ...negatives, scoreMargin: 1 }).negatives.get("q1")).toEqual(["n2", "n3"]);
    // the same as @i3/data's miner with those settings
    expect(mined.negatives).toEqual(mineHardNegatives(run, qrels, { fromRank: 1, toRank: 100 }).negatives);
  });

  it("given negatives are used as they are; neither given nor a run is an error", () => {
    const given = new Map([["q1", ["x"]], ["q2", ["y"]], ["q3", []]]);
    const out = positivesAndNegatives({ negatives: given, firstStageTrainRun: run }, qrels, negatives);
    expect(out.negatives).toBe(given);
    expect(out.queries).toEqual(["q1"]);
    expect(() => positivesAndNegatives({}, qrels, negatives)).toThrow(/needs hard negatives or a first-stage run/);
  });
});
