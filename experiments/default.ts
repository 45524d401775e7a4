/**
 * The README's main job: on the embedded default collection (SpamAssassin ham threads), BM25 and
 * the dual-encoder evaluated on the test split against the BM25 baseline.
 *
 *   npx nx run experiments:run --config=experiments/default.ts
 *   npx i3 run experiments/default.ts            # the same
 *
 * The dual-encoder (1 layer x 128, mean pooling) is trained from scratch: a WordPiece vocabulary
 * on the corpus, two epochs on cropped pseudo-queries, two on the real queries with BM25 hard
 * negatives (the schema's defaults, written out here so the recipe reads in one place).
 * `npm start` runs this file.
 */
import { defineExperiment } from "@i3/experiments";

/** The main job's dual-encoder: also the shared budget of the I3 experiments (./i3.ts). */
export const dualEncoder = {
  kind: "dual-encoder",
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192 },
  // One 128-wide layer: from scratch on this small collection it beats the 2-layer `tiny` preset.
  model: {
    preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512, dropout: 0.1 },
    sharedTowers: true,
    pooling: "mean",
    queryMaxLength: 32,
    passageMaxLength: 64,
  },
  negatives: { from: "bm25", fromRank: 1, toRank: 100, perQuery: 1 },
  losses: { contrastive: { temperature: 1 } },
  optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 },
  // Two epochs on cropped pseudo-queries (every passage), then two on the 372 real training queries.
  train: { epochs: 2, warmupEpochs: 2, batchSize: 32 },
} as const;

export default defineExperiment({
  name: "default",
  description: "BM25 vs a tiny dual-encoder trained from scratch on the embedded default collection (test split)",
  dataset: "default",
  splits: { train: "train", dev: "dev", test: "test" },
  systems: {
    bm25: { kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 },
    "dual-encoder": dualEncoder,
  },
  baseline: "bm25",
  device: "auto",
  seed: 42,
  // allQueries (trec_eval -c): every judged test query counts, also one a system retrieves nothing for,
  // so all systems are averaged (and paired) over the same queries.
  evaluation: { splits: ["test"], mainMeasure: "nDCG@10", allQueries: true },
});
