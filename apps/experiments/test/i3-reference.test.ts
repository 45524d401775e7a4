/**
 * experiments/i3-reference.ts (the reference's train_dual_encoder.py recipe, GPU) and its
 * scaled-down variant experiments/i3-reference-small.ts: both load with the reference's
 * settings, and the scaled-down variant runs end to end on the embedded default collection with
 * a tiny budget (smaller towers, one epoch; every reference switch kept).
 */
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import reference from "../../../experiments/i3-reference.js";
import small, { referenceI3Small } from "../../../experiments/i3-reference-small.js";
import { tempDir } from "./runner-fixtures.js";

describe("experiments/i3-reference.ts", () => {
  it("loads with the reference's settings", () => {
    const config = parseExperiment(reference);
    expect(config.dataset).toBe("msmarco-passage");
    expect(config.systems["i3"]).toMatchObject({
      kind: "i3",
      tokenizer: { kind: "hf" },
      model: { sharedTowers: false, pooling: "cls", queryMaxLength: 32, passageMaxLength: 140, init: expect.any(String) },
      negatives: { toRank: 200, perQuery: 15, schedule: "strided" },
      pseudoQueries: { kind: "onnx" },
      i3: { slots: 32, reconstructor: { layers: 1, memory: "pooled" }, interactor: { enabled: true, input: "pooled", layers: 1 }, mlmHead: { tied: false } },
      losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1, schedule: "ten-power-minus-epoch", targets: "pseudo-queries" } },
      optimizer: { kind: "lamb", lr: 2e-5, headLrMultiplier: 50, mlmHeadLr: "backbone", weightDecay: 0, epsilon: 1e-6, warmupRatio: 0, schedule: "constant" },
      train: { epochs: 200, warmupEpochs: 0, batchSize: 512 },
    });
    expect(config.seed).toBe(2023);
  });

  it("the scaled-down variant keeps every reference switch and runs end to end here (tiny budget)", async () => {
    const config = parseExperiment(small);
    expect(config.dataset).toBe("default");
    expect(config.systems["i3"]).toMatchObject({
      negatives: { perQuery: 15, schedule: "strided" },
      losses: { reconstruction: { targets: "pseudo-queries" } },
      optimizer: { kind: "lamb", schedule: "constant", mlmHeadLr: "backbone", headLrMultiplier: 50 },
      pseudoQueries: { kind: "rake" },
    });
    const tiny = {
      ...small,
      name: "i3-reference-tiny",
      device: "wasm",
      systems: {
        ...small.systems,
        i3: {
          ...referenceI3Small,
          tokenizer: { kind: "wordpiece-trained", vocabSize: 1000 },
          model: { ...referenceI3Small.model, preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, queryMaxLength: 12, passageMaxLength: 24 },
          train: { epochs: 1, warmupEpochs: 0, batchSize: 32 },
          index: { batchSize: 256 },
          retrieve: { depth: 100 },
        },
      },
      evaluation: { ...small.evaluation, significance: { permutations: 100 } },
    } as ExperimentInput;
    const opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
    const result = await runExperiment(tiny, opts);
    expect(result.stages.map((s) => s.id)).toEqual(expect.arrayContaining(["i3/pseudo-queries", "i3/train", "i3/index", "i3/retrieve:test", "i3/evaluate:test"]));
    const ndcg = result.metrics.splits["test"]?.systems["i3"]?.aggregate["nDCG@10"];
    expect(ndcg).toBeGreaterThanOrEqual(0);
  }, 600_000);
});
