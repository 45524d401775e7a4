/**
 * Listwise KL distillation over each query's candidate list.
 *
 * Formula. Student scores s [B, L], teacher scores t [B, L] (the same L candidates per
 * query, e.g. 1 positive + 127 negatives), temperatures T_s, T_t:
 *
 *   p_t = softmax(t / T_t),  log p_s = log_softmax(s / T_s)
 *   L = (1/B) * sum_i sum_j p_t[i, j] * (log p_t[i, j] - log p_s[i, j])   [ * T^2 if asked ]
 *
 * i.e. KL(p_t || p_s) per query, averaged over queries (PyTorch's `KLDivLoss(reduction=
 * "batchmean", log_target=True)`).
 *
 * Source. SimLM (Wang et al. 2023, arXiv 2207.02578; code microsoft/unilm simlm
 * `BiencoderModel`: `KLDivLoss(reduction="batchmean", log_target=True)` of
 * log_softmax(student group scores) against log_softmax(teacher scores)), and the I3
 * reference (Deriq-Qian-Dong/III-Retriever `DistillKL`: log_softmax(y_s / T) vs
 * log_softmax(y_t), batchmean, run with Temperature = 1). Neither multiplies by T^2, so
 * the default here is no T^2 factor (`scaleByTemperatureSquared: false`) and T = 1. Hinton
 * et al.'s soft-target loss (T on both sides, times T^2) is `{ temperature: T,
 * scaleByTemperatureSquared: true }`; the I3 reference's form with T != 1 is
 * `{ studentTemperature: T, teacherTemperature: 1 }`.
 *
 * Padding: `mask` [B, L] (1 = candidate, 0 = padding) removes padded candidates from both
 * softmaxes, for lists of unequal length.
 *
 * Stability: both distributions come from log-softmax (row max subtracted); p_t = exp(log p_t).
 */
import * as tf from "@tensorflow/tfjs-core";
import { logSoftmaxLastAxis } from "./util/log-softmax.js";
import { assertFloat, assertNonEmpty, assertPositive, assertRank, assertShape } from "./util/shapes.js";

const NAME = "klDistillationLoss";
/** Added to padded logits: exp(-1e9 - max) underflows to exactly 0 in float32. */
const PAD_LOGIT = -1e9;

export interface KlDistillationOptions {
  /** T for both sides unless overridden below. Default 1. */
  temperature?: number;
  /** T_s; default `temperature`. */
  studentTemperature?: number;
  /** T_t; default `temperature`. */
  teacherTemperature?: number;
  /** Multiply by T^2 (T = `temperature`), Hinton et al. 2015. Default false (SimLM, I3 reference). */
  scaleByTemperatureSquared?: boolean;
  /** [B, L], 1 = real candidate, 0 = padding. Every row needs at least one 1. */
  mask?: tf.Tensor2D;
}

/** student, teacher [B, L] float32. Returns the mean over queries of KL(p_t || p_s). */
export function klDistillationLoss(
  student: tf.Tensor2D,
  teacher: tf.Tensor2D,
  opts: KlDistillationOptions = {},
): tf.Scalar {
  assertRank(NAME, "student", student, 2);
  assertFloat(NAME, "student", student);
  assertNonEmpty(NAME, "student", student);
  assertShape(NAME, "teacher", teacher, student.shape);
  assertFloat(NAME, "teacher", teacher);
  if (opts.mask !== undefined) assertShape(NAME, "mask", opts.mask, student.shape);
  const temperature = opts.temperature ?? 1;
  const ts = opts.studentTemperature ?? temperature;
  const tt = opts.teacherTemperature ?? temperature;
  assertPositive(NAME, "temperature", temperature);
  assertPositive(NAME, "studentTemperature", ts);
  assertPositive(NAME, "teacherTemperature", tt);
  return tf.tidy(() => {
    const prep = (x: tf.Tensor2D, t: number): tf.Tensor2D => {
      let y: tf.Tensor2D = t === 1 ? x : tf.div(x, tf.scalar(t));
      if (opts.mask !== undefined) {
        const m = tf.cast(opts.mask, "float32");
        y = tf.add(tf.mul(y, m), tf.mul(tf.sub(1, m), PAD_LOGIT)) as tf.Tensor2D;
      }
      return y;
    };
    const logPs = logSoftmaxLastAxis(prep(student, ts));
    const logPt = logSoftmaxLastAxis(prep(teacher, tt));
    const [b] = student.shape;
    const kl = tf.div(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs))), tf.scalar(b));
    return (opts.scaleByTemperatureSquared === true ? tf.mul(kl, tf.scalar(temperature * temperature)) : kl) as tf.Scalar;
  });
}
