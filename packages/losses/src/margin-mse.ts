/**
 * MarginMSE distillation loss.
 *
 * Formula. Student scores s+ / s- and teacher scores t+ / t- for (query, positive,
 * negative) triples:
 *
 *   L = mean over triples of ((s+ - s-) - (t+ - t-))^2
 *
 * Source. Hofstätter et al. 2020, "Improving Efficient Neural Ranking Models with
 * Cross-Architecture Knowledge Distillation" (arXiv 2010.02666), eq. 1; sentence-transformers'
 * MarginMSELoss (MSELoss, mean reduction, on student margin vs teacher margin). No extra
 * factor 1/2. Teacher scores are data (cached, see DESIGN.md section 2), not differentiated.
 *
 * Shapes: studentPos and teacherPos [N]; studentNeg and teacherNeg [N] or both [N, k]
 * (k negatives per positive, mean over N*k).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertFloat, assertNonEmpty, assertRank, assertShape } from "./util/shapes.js";

const NAME = "marginMSELoss";

export function marginMSELoss(
  studentPos: tf.Tensor1D,
  studentNeg: tf.Tensor1D | tf.Tensor2D,
  teacherPos: tf.Tensor1D,
  teacherNeg: tf.Tensor1D | tf.Tensor2D,
): tf.Scalar {
  assertRank(NAME, "studentPos", studentPos, 1);
  assertNonEmpty(NAME, "studentPos", studentPos);
  const [n] = studentPos.shape;
  assertShape(NAME, "teacherPos", teacherPos, [n]);
  if ((studentNeg.rank !== 1 && studentNeg.rank !== 2) || studentNeg.shape[0] !== n) {
    throw new Error(`${NAME}: studentNeg must have shape [${n}] or [${n}, k], got [${studentNeg.shape.join(", ")}]`);
  }
  assertShape(NAME, "teacherNeg", teacherNeg, studentNeg.shape);
  for (const [name, t] of [["studentPos", studentPos], ["studentNeg", studentNeg], ["teacherPos", teacherPos], ["teacherNeg", teacherNeg]] as const) {
    assertFloat(NAME, name, t);
  }
  return tf.tidy(() => {
    const col = (t: tf.Tensor1D) => (studentNeg.rank === 2 ? tf.reshape(t, [n, 1]) : t);
    const studentMargin = tf.sub(col(studentPos), studentNeg);
    const teacherMargin = tf.sub(col(teacherPos), teacherNeg);
    return tf.mean(tf.squaredDifference(studentMargin, teacherMargin));
  });
}
