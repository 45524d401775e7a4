/**
 * The README's main job: on the embedded default collection (SpamAssassin ham threads), BM25 and
 * the dual-encoder evaluated on the test split against the BM25 baseline.
 *
 *   npx nx run experiments:run --config=experiments/default.ts
 *   npx i3 run experiments/default.ts            # the same
 *
 * The dual-encoder needs the neural stages (`@i3/train`'s `experimentStages`); until they land,
 * run `experiments/bm25.ts`, or the run stops at `train:dual-encoder` with "not available yet".
 */
import { defineExperiment } from "@i3/experiments";

export default defineExperiment({
  name: "default",
  description: "BM25 vs a tiny dual-encoder on the embedded default collection (test split)",
  dataset: "default",
  splits: { train: "train", dev: "dev", test: "test" },
  systems: ["bm25", "dual-encoder"],
  baseline: "bm25",
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192 },
  model: { kind: "dual-encoder", preset: "tiny", sharedTowers: true, pooling: "cls", queryMaxLength: 32, passageMaxLength: 128 },
  firstStage: { kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 },
  negatives: { fromRank: 1, toRank: 200, perQuery: 7, schedule: "random" },
  losses: { contrastive: { weight: 1, temperature: 0.05 } },
  optimizer: { lr: 1e-4, weightDecay: 0.01, warmupRatio: 0.1, headLrMultiplier: 1 },
  train: { epochs: 2, batchSize: 16 },
  device: "auto",
  seed: 42,
  evaluation: { splits: ["test"], mainMeasure: "nDCG@10" },
});
