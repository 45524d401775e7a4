/**
 * MICE (Vast et al., arXiv 2602.16299) on BEIR SciFact (train -> test) over seeds 1, 2, 3
 * (issue 15): BM25; BM25's top 100 re-ranked by a cross-encoder trained here from scratch
 * (monoBERT, 4 x 64, one epoch of LCE over 1 positive + 3 negatives from BM25's train-split top
 * 100, SciFact's own 8192-piece WordPiece vocabulary, pairs of 128 word pieces: about a minute
 * per seed on 2 cores); and that cross-encoder turned into MICE (2+1) and MICE
 * (3+1) (`Mice.fromCrossEncoder`: split after layer l, k = 1 interaction layer seeded from layer
 * l, a fresh score head), each distilled from the cross-encoder's scores with MarginMSE (the
 * paper's objective) for one epoch over 1 positive + 3 negatives drawn per epoch from the
 * teacher-scored pool (positives + BM25's train-split top 30: the teacher scores ~25k pairs once
 * per seed, shared by both MICE systems), then re-ranking the same BM25 top 100 from stored
 * float16 document states (queries of 32, passages of 128 word pieces). The cross-encoder is the
 * baseline: how much of its effectiveness survives without the early query-document interactions.
 * Out of domain (`outOfDomain`, never trained on): the same models re-rank BM25's top 100 on
 * Cranfield (BEIR layout, 225 test queries) and the embedded default collection (86 test queries);
 * MICE builds a state store of each corpus.
 *
 *   I3_DATASETS_PATH=... npx i3 run experiments/mice.ts    # 23 minutes from an empty cache on 2 cores
 *
 * A plain config: `bm25`, `crossEncoder`, `mice(l, k)`, `miceSystems` and the experiment object
 * can be imported and extended.
 */
import { defineExperiment, type ExperimentInput } from "@i3/experiments";

/** BM25 as every SciFact experiment runs it. */
export const bm25 = { kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 } as const;

/** The cross-encoder re-ranker (and MICE's teacher and starting point): 4 x 64, from scratch. */
export const crossEncoder = {
  kind: "cross-encoder",
  rerank: { from: "bm25", depth: 100 },
  negatives: { depth: 100, perQuery: 3 },
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192 },
  model: { preset: { layers: 4, hidden: 64, heads: 2, intermediate: 256, dropout: 0.1 }, maxLength: 128 },
  optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 },
  train: { epochs: 1, batchSize: 8 },
  score: { batchSize: 64 },
} as const;

/** MICE (l + k) from system `from`, re-ranking BM25's top 100. */
export function mice(split: number, interactionLayers: number, from = "cross-encoder") {
  return {
    kind: "mice",
    from,
    rerank: { from: "bm25", depth: 100 },
    split,
    interactionLayers,
    objective: { marginMse: { weight: 1 } },
    negatives: { depth: 30, perQuery: 3 },
    model: { queryMaxLength: 32, passageMaxLength: 128 },
    optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 },
    train: { epochs: 1, batchSize: 8 },
    states: { dtype: "float16" },
    score: { batchSize: 100 },
  } as const;
}

/** The systems: BM25, the cross-encoder, MICE (2+1) and MICE (3+1). */
export const miceSystems = {
  bm25,
  "cross-encoder": crossEncoder,
  "mice-2-1": mice(2, 1),
  "mice-3-1": mice(3, 1),
} satisfies NonNullable<ExperimentInput["systems"]>;

export default defineExperiment({
  name: "mice",
  description: "MICE (2+1, 3+1) distilled from a cross-encoder trained here, both re-ranking BM25's top 100 on BEIR SciFact, and zero-shot on Cranfield and the default collection; seeds 1-3",
  dataset: "beir/scifact",
  splits: { train: "train", dev: "dev", test: "test" },
  systems: miceSystems,
  baseline: "cross-encoder",
  device: "auto",
  seeds: [1, 2, 3],
  // Zero-shot: the models trained on SciFact re-rank BM25's top 100 on Cranfield and the embedded collection.
  outOfDomain: ["beir/cranfield", "default"],
  evaluation: { splits: ["test"], mainMeasure: "nDCG@10", allQueries: true },
});
