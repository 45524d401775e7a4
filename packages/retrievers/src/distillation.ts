/**
 * Distillation in the dense trainers (DESIGN.md sec. 2, "Distillation"): in the real-query phase,
 * each training query also gets a candidate list of 1 positive + n teacher-scored negatives
 * (`@i3/distill` sampleCandidates, seeded per (seed, epoch, query id)), the student scores every
 * candidate as s = q . p (p = E_p(p) for the dual-encoder, p* for I3), and
 *
 *   L = L_contrastive (+ beta * L_rec) + w_kl * KL(softmax(t / T) || softmax(s / T)) + w_mm * MarginMSE(s, t)
 *
 * with `@i3/distill` distillationLoss (listwise KL: SimLM, Wang et al. 2023, and the I3 reference's
 * `train_distill.py` / `DistillKL`; MarginMSE: Hofstätter et al. 2020, arXiv 2010.02666). The
 * teacher's scores arrive as SimLM `kd_train.jsonl` records (query id -> positives and negatives
 * with scores), computed once by `@i3/distill` cachedTeacherScores.
 */
import { distillationLoss, groupScores, sampleCandidates, teacherScores, type KdRecord } from "@i3/distill";
import { padBatch, type TokenIdLookup } from "@i3/data";
import { tf } from "@i3/encoders";
import type { Phase } from "./phases.js";
import type { DistillationLossSettings, DistillationSettings } from "./settings.js";

/** Teacher-scored candidate pools by query id (SimLM `kd_train.jsonl` records, `@i3/distill` loadKdTrain). */
export type TeacherScoredLists = ReadonlyMap<string, KdRecord>;

/** What a trainer needs to add the distillation terms: the settings, the records, the passage tokens. */
export interface DistillationSetup {
  readonly losses: DistillationLossSettings;
  readonly negatives: number;
  readonly records: TeacherScoredLists;
}

/**
 * The distillation setup of a trainer from its settings and inputs: undefined when no
 * distillation loss is set (then teacher scores are refused: they would be ignored); a loss
 * without teacher scores is an error naming the setting.
 */
export function distillationSetup(
  caller: string,
  settings: { losses: DistillationLossSettings; distillation?: DistillationSettings | undefined },
  records: TeacherScoredLists | undefined,
): DistillationSetup | undefined {
  const { klDistillation, marginMse } = settings.losses;
  const on = klDistillation !== undefined || marginMse !== undefined;
  if (!on) {
    if (records !== undefined) throw new Error(`${caller}: teacher scores given, but neither losses.klDistillation nor losses.marginMse is set`);
    return undefined;
  }
  const field = klDistillation !== undefined ? "losses.klDistillation" : "losses.marginMse";
  if (records === undefined || records.size === 0) throw new Error(`${caller}: ${field} needs teacher-scored lists (inputs.teacherScores: @i3/distill kd_train.jsonl records)`);
  return { losses: { klDistillation, marginMse }, negatives: settings.distillation?.negatives ?? 7, records };
}

/**
 * The real-query phase restricted to the queries the teacher scored (a query without a record
 * has no list to distil over); logs how many were left out. A phase without any is an error.
 */
export function distillationPhase<P extends Phase>(phase: P, setup: DistillationSetup, log: (message: string) => void): P {
  const queries = phase.queries.filter((qid) => setup.records.has(qid));
  if (queries.length === 0) throw new Error(`distillation: none of the ${phase.queries.length} training queries has teacher scores`);
  if (queries.length < phase.queries.length) log(`distillation: ${phase.queries.length - queries.length} training queries without teacher scores left out`);
  log(`distillation over ${queries.length} queries: 1 positive + ${setup.negatives} teacher-scored negatives each`);
  return { ...phase, queries };
}

/**
 * The weighted distillation loss of one batch (see the module comment): `q` [B, H] are the
 * batch's query vectors (row b = `qids[b]`), `encodePassages` encodes token rows as the student's
 * index vectors (training mode). Reports `klDistillation` / `marginMse` (unweighted) through
 * `report`. Tensors other than the result are freed.
 */
export function distillationTerm(args: {
  setup: DistillationSetup;
  qids: readonly string[];
  q: tf.Tensor2D;
  encodePassages: (rows: { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D }) => tf.Tensor2D;
  passageTokens: TokenIdLookup;
  padId: number;
  passageMaxLength: number;
  seed: number;
  epoch: number;
  report: (name: string, value: tf.Tensor) => void;
}): tf.Scalar {
  const { setup } = args;
  const lists = args.qids.map((qid) => {
    const record = setup.records.get(qid);
    if (record === undefined) throw new Error(`distillation: training query ${JSON.stringify(qid)} has no teacher scores`);
    return sampleCandidates(record, { negatives: setup.negatives, seed: args.seed, epoch: args.epoch });
  });
  const rows = lists.flatMap((l) => l.docIds).map((id) => {
    const ids = args.passageTokens(id);
    return { ids, typeIds: new Int32Array(ids.length) };
  });
  const padded = padBatch(rows, args.padId, { maxLength: args.passageMaxLength });
  const shape: [number, number] = [padded.batchSize, padded.seqLength];
  return tf.tidy(() => {
    const p = args.encodePassages({ inputIds: tf.tensor2d(padded.inputIds, shape, "int32"), attentionMask: tf.tensor2d(padded.attentionMask, shape, "int32") });
    const student = groupScores(args.q, p);
    const teacher = teacherScores(lists);
    let total = tf.scalar(0);
    const { klDistillation, marginMse } = setup.losses;
    if (klDistillation !== undefined) {
      const kl = distillationLoss(student, teacher, { kind: "kl", temperature: klDistillation.temperature });
      args.report("klDistillation", kl);
      total = tf.add(total, tf.mul(kl, klDistillation.weight));
    }
    if (marginMse !== undefined) {
      const mm = distillationLoss(student, teacher, { kind: "margin-mse" });
      args.report("marginMse", mm);
      total = tf.add(total, tf.mul(mm, marginMse.weight));
    }
    return total as tf.Scalar;
  });
}
