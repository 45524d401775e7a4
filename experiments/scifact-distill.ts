/**
 * Distillation on BEIR SciFact (train -> test) over seeds 1, 2, 3 (issue 12): BM25; BM25's top
 * 100 re-ranked by a cross-encoder trained here; the dual-encoder (baseline) and I3 of
 * experiments/scifact-i3-seeds.ts (the same systems with the same settings, so their train stages
 * are that experiment's cached ones); the dual-encoder distilled from BM25 (a lexical teacher,
 * SPAR's Lambda idea) and from the cross-encoder; I3 distilled from each teacher; and RRF
 * (k = 60) of BM25 with I3 and with each distilled I3. Neural rows: mean ± sd over the seeds, tested
 * against the dual-encoder on per-query values averaged over the seeds.
 *
 *   npx i3 run experiments/scifact-distill.ts
 *
 * Distillation (apps/experiments/docs/runner.md, "Distillation"): the real-query phase adds
 * listwise KL (T = 1, weight 1; SimLM and the I3 reference's DistillKL) over 1 positive + 7
 * teacher-scored negatives per query, drawn per epoch from the top 100 of BM25's train-split run
 * (the run the hard negatives come from), to the contrastive loss. The teachers score each pool
 * once (a `teacher-scores` stage: kd_train.jsonl); the BM25 teacher's scores are shared by every
 * seed and student, the cross-encoder's follow its seed.
 *
 * The cross-encoder trains from scratch like the students (monoBERT on the pair, LCE over 1
 * positive + 7 BM25 negatives; the dense systems' 1 x 128 layer and WordPiece vocabulary; pairs of
 * 96 word pieces = the students' 32 query + 64 passage pieces), four epochs over the 809 training
 * queries. A cross-encoder from scratch on 809 queries may well stay below BM25: the rows say.
 *
 * Both teachers are taught to I3 too (`i3-kd-bm25`, `i3-kd-ce`), and RRF fuses BM25 with I3 and
 * with each distilled I3, so "I3 + KD from the better teacher" and "RRF with the best dense run"
 * are rows of this table, read off after the run, with no setting chosen from the results.
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineExperiment } from "@i3/experiments";
import seeded from "./scifact-i3-seeds.js";

/** The cross-encoder re-ranker (and teacher): the students' size and vocabulary, from scratch. */
export const crossEncoder = {
  kind: "cross-encoder",
  rerank: { from: "bm25", depth: 100 },
  negatives: { depth: 100, perQuery: 7 },
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192 },
  model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512, dropout: 0.1 }, maxLength: 96 },
  optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 },
  train: { epochs: 4, batchSize: 8 },
  score: { batchSize: 64 },
} as const;

/** The distillation loss and lists every student shares (only the teacher differs). */
const kl = { klDistillation: { weight: 1, temperature: 1 } } as const;
const lists = { negatives: 7, depth: 100 } as const;
const teachers = {
  bm25: { kind: "bm25" },
  "cross-encoder": { kind: "cross-encoder", system: "cross-encoder" },
} as const;

const dualEncoder = seeded.systems["dual-encoder"]! as Extract<(typeof seeded.systems)[string], { kind: "dual-encoder" }>;
const i3 = seeded.systems["i3"]! as Extract<(typeof seeded.systems)[string], { kind: "i3" }>;

export default defineExperiment({
  ...seeded,
  name: "scifact-distill",
  description: "Distillation on BEIR SciFact: BM25, a cross-encoder re-ranker, the DE and I3 with and without KD (BM25 or cross-encoder teacher), RRF; seeds 1-3",
  systems: {
    bm25: seeded.systems["bm25"]!,
    "cross-encoder": crossEncoder,
    "dual-encoder": dualEncoder,
    "de-kd-bm25": { ...dualEncoder, losses: { ...dualEncoder.losses, ...kl }, distillation: { teacher: teachers.bm25, ...lists } },
    "de-kd-ce": { ...dualEncoder, losses: { ...dualEncoder.losses, ...kl }, distillation: { teacher: teachers["cross-encoder"], ...lists } },
    i3,
    "i3-kd-bm25": { ...i3, losses: { ...i3.losses, ...kl }, distillation: { teacher: teachers.bm25, ...lists } },
    "i3-kd-ce": { ...i3, losses: { ...i3.losses, ...kl }, distillation: { teacher: teachers["cross-encoder"], ...lists } },
    "rrf-i3": { kind: "rrf", fuse: ["bm25", "i3"], k: 60 },
    "rrf-i3-kd-bm25": { kind: "rrf", fuse: ["bm25", "i3-kd-bm25"], k: 60 },
    "rrf-i3-kd-ce": { kind: "rrf", fuse: ["bm25", "i3-kd-ce"], k: 60 },
  },
  baseline: "dual-encoder",
});
