/**
 * experiments/i3-reference.ts scaled down to run here (two CPU cores, no pretrained BERT): the
 * reference recipe's structure on the embedded default collection, with what does not fit
 * replaced as noted. What stays the reference's: separate towers, [CLS] pooling, m = 32, one
 * reconstructor and one interactor layer reading p0 / [p0 ; mean Z], an untied MLM head at the
 * backbone's rate and the other heads at 50x, LAMB at a constant rate without weight decay, 15
 * negatives per query strided over the top 200 (BM25 here), every passage reconstructing its
 * pseudo-query (RAKE keywords, the reference's RAKE_generated.tsv variant) with "what" as the
 * fallback, beta = 10^-epoch.
 *
 *   npx i3 run experiments/i3-reference-small.ts
 */
import { defineExperiment } from "@i3/experiments";
import { referenceI3 } from "./i3-reference.js";

const { init: _init, ...towers } = referenceI3.model;

/** The reference I3 system at the size of the main job's model, trained from scratch. */
export const referenceI3Small = {
  ...referenceI3,
  // No pretrained checkpoint here: a WordPiece vocabulary on the corpus and the main job's 1 x 128 towers.
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192 },
  model: { ...towers, preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512, dropout: 0.1 }, passageMaxLength: 64 },
  pseudoQueries: { kind: "rake" },
  // From scratch the backbone needs more than the 2e-5 that fine-tunes a pretrained BERT: 1e-3 (heads 5e-2).
  optimizer: { ...referenceI3.optimizer, lr: 1e-3 },
  // The reference warm-starts its heads from a decoder pre-trained with the retriever frozen:
  // here one epoch on cropped pseudo-queries with the backbone frozen stands in for it.
  i3: { ...referenceI3.i3, warmupFreezeBackbone: true },
  train: { epochs: 3, warmupEpochs: 1, batchSize: 16 },
  index: { batchSize: 64 },
} as const;

export default defineExperiment({
  name: "i3-reference-small",
  description: "The I3 reference recipe (experiments/i3-reference.ts) scaled down to the embedded default collection",
  dataset: "default",
  splits: { train: "train", dev: "dev", test: "test" },
  systems: {
    bm25: { kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 },
    i3: referenceI3Small,
  },
  baseline: "bm25",
  device: "auto",
  seed: 2023,
  evaluation: { splits: ["test"], mainMeasure: "nDCG@10", allQueries: true },
});
