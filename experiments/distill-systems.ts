/**
 * The systems of the distillation experiments (issue 12), on any base experiment that has
 * `bm25`, `dual-encoder` and `i3` systems (experiments/i3-seeds.ts, experiments/scifact-i3-seeds.ts):
 * BM25; BM25's top 100 re-ranked by a cross-encoder trained here; the base's dual-encoder and I3
 * unchanged (so their train stages are the base experiment's cached ones); each distilled from
 * BM25 (a lexical teacher, SPAR's Lambda idea) and from the cross-encoder; RRF (k = 60) of BM25
 * with I3 and with each distilled I3. Both teachers are taught to both students, so "I3 + KD from
 * the better teacher" and "RRF with the best dense run" are rows of the table, read off after the
 * run, with no setting chosen from the results.
 *
 * Distillation (apps/experiments/docs/runner.md, "Distillation"): the real-query phase adds
 * listwise KL (T = 1, weight 1; SimLM and the I3 reference's DistillKL) over 1 positive + 7
 * teacher-scored negatives per query, drawn per epoch from the top 100 of BM25's train-split run
 * (the run the hard negatives come from), to the contrastive loss. The teachers score each pool
 * once (a `teacher-scores` stage: kd_train.jsonl); the BM25 teacher's scores are shared by every
 * seed and student, the cross-encoder's follow its seed. I3's L_rec keeps the base's weight
 * (given there), so I3 and I3 + KD differ in the distillation term only.
 *
 * The cross-encoder trains from scratch like the students (monoBERT on the pair, LCE over 1
 * positive + 7 BM25 negatives; the dense systems' 1 x 128 layer and WordPiece vocabulary; pairs of
 * 96 word pieces = the students' 32 query + 64 passage pieces), four epochs over the training
 * queries. A cross-encoder from scratch on a few hundred queries may well stay below BM25: the rows say.
 */
import type { ExperimentInput } from "@i3/experiments";

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

type Systems = NonNullable<ExperimentInput["systems"]>;
type SystemOf<K extends string> = Extract<Systems[string], { kind: K }>;

/** The distillation table's systems from a base experiment's `bm25`, `dual-encoder` and `i3`. */
export function distillationSystems(base: { systems: Systems }): Systems {
  const dualEncoder = base.systems["dual-encoder"]! as SystemOf<"dual-encoder">;
  const i3 = base.systems["i3"]! as SystemOf<"i3">;
  return {
    bm25: base.systems["bm25"]!,
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
  };
}
