/**
 * The dual-encoder system end to end on the embedded default collection: a short training run
 * (one epoch of crop warm-up, one on the real queries; 1-layer encoder, short passages) must
 * beat the same model left at its random initialisation by a wide margin on the dev split.
 */
import { describe, expect, it } from "vitest";
import { resolveDataset, type Run } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { bm25Run, buildIndex } from "@i3/search";
import { runDualEncoder, type DualEncoderRecipe } from "../src/systems/dualEncoder.js";

const SHORT: Partial<DualEncoderRecipe> = {
  model: { pooling: "mean", layers: 1 },
  vocabSize: 4000,
  queryMaxLength: 16,
  passageMaxLength: 32,
  batchSize: 64,
  negativesPerQuery: 1,
  learningRate: 3e-3,
  warmupEpochs: 1,
  epochs: 1,
  seed: 7,
};

describe("dual-encoder system", () => {
  it("a short training run beats a random initialisation by a wide margin (dev R@100, nDCG@10)", async () => {
    const collection = await resolveDataset("default");
    const firstStage = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 100 });
    const qrels = await collection.qrels("dev");
    const measure = (run: Run) => evaluate(qrels, run, ["R@100", "nDCG@10"], { allQueries: true }).aggregate;
    const common = { collection, trainSplit: "train", firstStageTrainRun: firstStage, evalSplits: ["dev"], log: () => {} };
    const trained = await runDualEncoder({ ...common, workDir: "runs/.test/de-trained", recipe: SHORT });
    const random = await runDualEncoder({ ...common, workDir: "runs/.test/de-random", recipe: { ...SHORT, warmupEpochs: 0, epochs: 0 } });
    expect(random.steps).toHaveLength(0);
    expect(trained.steps.length).toBeGreaterThan(0);
    const t = measure(trained.runs.get("dev")!);
    const r = measure(random.runs.get("dev")!);
    console.log(`dev R@100 trained ${t.get("R@100")!.toFixed(4)} vs random ${r.get("R@100")!.toFixed(4)}; nDCG@10 ${t.get("nDCG@10")!.toFixed(4)} vs ${r.get("nDCG@10")!.toFixed(4)}`);
    expect(t.get("R@100")!).toBeGreaterThan(2 * r.get("R@100")! + 0.03);
    expect(t.get("nDCG@10")!).toBeGreaterThan(2 * r.get("nDCG@10")! + 0.01);
  }, 600_000);
});
