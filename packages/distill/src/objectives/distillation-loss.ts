/**
 * Distillation objectives over candidate lists ({@link CandidateList}: the positive in column 0,
 * then n negatives), on top of `@i3/losses`:
 *
 * - `kl`: listwise KL(softmax(t / T_t) || softmax(s / T_s)) over each query's list, averaged over
 *   queries (`klDistillationLoss`; SimLM, Wang et al. 2023, and the I3 reference's `DistillKL`;
 *   T = 1 and no T^2 factor by default, as both).
 * - `margin-mse`: mean over (q, p+, p-_j) of ((s+ - s-_j) - (t+ - t-_j))^2 (`marginMSELoss`;
 *   Hofstätter et al. 2020, arXiv 2010.02666, eq. 1) over the n (positive, negative) pairs of each list.
 *
 * Student scores come from any model; for a dual-encoder, {@link groupScores} gives s[b, j] =
 * q_b . p_{b, j} from query vectors [B, H] and the lists' passage vectors [B * L, H] (group-major).
 */
import * as tf from "@tensorflow/tfjs-core";
import { klDistillationLoss, marginMSELoss } from "@i3/losses";
import type { CandidateList } from "../candidates/candidate-list.js";

/** Which distillation loss, with its settings. */
export type DistillationObjective =
  | { kind: "kl"; temperature?: number; studentTemperature?: number; teacherTemperature?: number; scaleByTemperatureSquared?: boolean }
  | { kind: "margin-mse" };

/** Per-query list scores [B, L] from query vectors [B, H] and group-major passage vectors [B * L, H]. */
export function groupScores(queries: tf.Tensor2D, passages: tf.Tensor2D): tf.Tensor2D {
  const [b, h] = queries.shape;
  const [rows, hp] = passages.shape;
  if (hp !== h || rows % b !== 0) throw new Error(`groupScores: passages [${passages.shape.join(", ")}] do not hold whole lists for ${b} queries of width ${h}`);
  const l = rows / b;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(queries, [b, 1, h]), tf.reshape(passages, [b, l, h]), false, true), [b, l]) as tf.Tensor2D);
}

/** The teacher scores of the lists as a [B, L] float32 tensor (lists must have equal lengths). */
export function teacherScores(lists: readonly CandidateList[]): tf.Tensor2D {
  const l = lists[0]?.scores.length ?? 0;
  for (const list of lists) {
    if (list.scores.length !== l) throw new Error(`teacherScores: lists of different lengths (${l} and ${list.scores.length}, query ${JSON.stringify(list.queryId)})`);
  }
  return tf.tensor2d(lists.flatMap((list) => [...list.scores]), [lists.length, l], "float32");
}

/**
 * The objective's loss for student scores [B, L] against teacher scores [B, L] (column 0 = the
 * positive). `margin-mse` needs L >= 2.
 */
export function distillationLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, objective: DistillationObjective): tf.Scalar {
  if (objective.kind === "kl") {
    const { kind: _kind, ...opts } = objective;
    return klDistillationLoss(student, teacher, opts);
  }
  const [b, l] = student.shape;
  if (l < 2) throw new Error(`distillationLoss: margin-mse needs a positive and at least one negative per list, got lists of ${l}`);
  return tf.tidy(() =>
    marginMSELoss(
      tf.reshape(tf.slice(student, [0, 0], [b, 1]), [b]) as tf.Tensor1D,
      tf.slice(student, [0, 1], [b, l - 1]),
      tf.reshape(tf.slice(teacher, [0, 0], [b, 1]), [b]) as tf.Tensor1D,
      tf.slice(teacher, [0, 1], [b, l - 1]),
    ),
  );
}
