/**
 * LTRe / ADORE on BEIR SciFact (train -> test) over seeds 1, 2, 3: the warm-up dual-encoder and
 * I3 of experiments/scifact-i3-seeds.ts (the same systems with the same settings, so their train
 * and index stages are that experiment's cached ones), each followed by LTRe (`kind: "ltre"`):
 * its query tower retrained against its own fixed index with a full top-200 retrieval per step
 * and the ΔMRR-weighted pairwise loss, the passage vectors (the DE's E_p(p), I3's p*) never
 * recomputed. Each LTRe replicate starts from the replicate of the same seed. The LTRe rows come
 * at three index precisions: float32, float16 and PQ (16 subspaces of 8 coordinates, 256
 * centroids: 16 bytes per 128-d passage, ADORE's 768-d/96-subspace ratio), the same index held
 * in training and search alike. Measures: the base's (RR@10 and nDCG@10 among them), mean ± sd
 * over seeds, tested against the dual-encoder; LTRe against its own start model and the
 * compressed rows against float32 LTRe: experiments/scifact-ltre-pairs.ts. The training cost
 * (seconds per step of LTRe and of the start system's hard-negative training) is in each LTRe
 * train stage's summary (`cost`) and in its log.
 *
 *   npx i3 run experiments/scifact-ltre.ts
 *   node --conditions=@i3/source --import tsx experiments/scifact-ltre-pairs.ts
 *
 * LTRe's budget follows DRhard's `adore/train.py` where it applies (K = 200, metric cut 200,
 * batch 32, 6 epochs, AdamW, clipping at norm 1, linear warm-up then decay); the learning rate
 * (1e-4, a tenth of the from-scratch warm-up models' 1e-3) is not tuned.
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineExperiment } from "@i3/experiments";
import seeded from "./scifact-i3-seeds.js";

/** LTRe's settings, shared by every LTRe row (only `from` and `index.precision` differ). */
export const ltre = {
  kind: "ltre",
  ltre: { depth: 200, appendRelevant: "when-none-retrieved" },
  optimizer: { lr: 1e-4, weightDecay: 0.01, warmupRatio: 0.1, clipNorm: 1 },
  train: { epochs: 6, batchSize: 32 },
  retrieve: { depth: 1000 },
} as const;

/** The product quantizer of the PQ rows. */
const pq = { precision: "pq", pq: { subspaces: 16, centroids: 256, iterations: 20, sample: 65_536 } } as const;

export default defineExperiment({
  ...seeded,
  name: "scifact-ltre",
  description: "LTRe/ADORE on BEIR SciFact: the warm-up dual-encoder and I3, each + LTRe, at float32, float16 and PQ index precision, seeds 1-3",
  systems: {
    bm25: seeded.systems["bm25"]!,
    "dual-encoder": seeded.systems["dual-encoder"]!,
    "de-ltre": { ...ltre, from: "dual-encoder" },
    i3: seeded.systems["i3"]!,
    "i3-ltre": { ...ltre, from: "i3" },
    "de-ltre-fp16": { ...ltre, from: "dual-encoder", index: { precision: "float16" } },
    "de-ltre-pq": { ...ltre, from: "dual-encoder", index: pq },
    "i3-ltre-fp16": { ...ltre, from: "i3", index: { precision: "float16" } },
    "i3-ltre-pq": { ...ltre, from: "i3", index: pq },
  },
  baseline: "dual-encoder",
});
