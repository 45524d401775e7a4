/**
 * The I3 retriever beside the dual-encoder and BM25 on the embedded default collection (test
 * split), the dual-encoder as the baseline: the base of the I3 ablation sweep (i3-ablation.ts).
 *
 *   npx i3 run experiments/i3.ts
 *
 * Both neural systems share one budget: the main job's model (experiments/default.ts: 1 layer x
 * 128, mean pooling, lr 1e-3) with one epoch on cropped pseudo-queries (the main job has two)
 * then two on the real training queries with BM25 hard negatives, so that the whole ablation
 * sweep fits in about an hour on two CPU cores. I3 takes the final reference code's switches (m = 32 slots, a
 * one-layer reconstructor reading the pooled passage vector p0 (`memory: "pooled"`: the mean of the
 * token states here, where the reference reads [CLS]), the pooled interactor, an untied MLM head), RAKE
 * pseudo-queries as reconstruction targets, and beta = 1 in the warm-up, then 10^-(epoch+1)
 * (the reference's 1/10^epoch). The heads' learning rate is the backbone's (headLrMultiplier 1):
 * the reference's 50x lifts 2e-5 to 1e-3, and our from-scratch backbone already trains at 1e-3.
 */
import { defineExperiment } from "@i3/experiments";
import base, { dualEncoder as mainJobDualEncoder } from "./default.js";

/** The shared budget: the main job's dual-encoder with one crop warm-up epoch. */
const dualEncoder = { ...mainJobDualEncoder, train: { ...mainJobDualEncoder.train, warmupEpochs: 1 } };

export default defineExperiment({
  ...base,
  name: "i3",
  description: "I3 vs the dual-encoder (baseline) and BM25, same budget, embedded default collection (test split)",
  systems: {
    bm25: base.systems["bm25"]!,
    "dual-encoder": dualEncoder,
    i3: {
      ...dualEncoder,
      kind: "i3",
      pseudoQueries: { kind: "rake" },
      i3: { slots: 32, reconstructor: { layers: 1, memory: "pooled" }, interactor: { enabled: true, input: "pooled" }, mlmHead: { tied: false }, warmupFreezeBackbone: false },
      losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1, schedule: "ten-power-minus-epoch" } },
      optimizer: { ...dualEncoder.optimizer, headLrMultiplier: 1 },
    },
  },
  baseline: "dual-encoder",
});
