/**
 * Contrastive cross-entropy over in-batch and hard negatives.
 *
 * Formula. B queries, each with a group of g = 1 + n passages (its positive first, then
 * n hard negatives); passages are laid out group-major, so query i's positive is row
 * i*g of the passage matrix. With S = Q P^T / tau, S in R^{B x B*g}:
 *
 *   L = (1/B) * sum_i [ logSumExp_j S[i, j] - S[i, i*g] ]
 *
 * i.e. softmax cross-entropy with target column i*g, where j runs over every passage of
 * the batch (in-batch negatives: the other queries' positives and hard negatives). With
 * `inBatchNegatives: false`, j runs over query i's own group only (columns i*g .. i*g+g-1).
 *
 * Source. DPR, Karpukhin et al. 2020, eq. 2 (negative log-likelihood of the positive
 * passage against in-batch and hard negatives); Tevatron's `EncoderModel.compute_loss`
 * (cross-entropy over `q_reps @ p_reps.T / temperature` with target `arange(B) * g`),
 * equivalently sentence-transformers' MultipleNegativesRankingLoss with scale = 1/tau.
 * The I3 reference uses the same target layout with tau = 1 (no temperature).
 *
 * Stability: logSumExp subtracts the row maximum; the target logit is taken with a
 * one-hot product (no `gather`, whose gradient the wasm backend lacks).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertFloat, assertNonEmpty, assertPositive, assertRank } from "./util/shapes.js";

const NAME = "contrastiveLoss";

export interface ContrastiveOptions {
  /** Divide scores by tau before the softmax. Default 1 (no temperature). */
  temperature?: number;
  /** Use the other queries' passages as negatives. Default true. */
  inBatchNegatives?: boolean;
}

/**
 * Contrastive loss from query vectors [B, d] and passage vectors [B*g, d] (group-major,
 * positive first in each group). Returns a scalar: the mean over queries.
 */
export function contrastiveLoss(
  queries: tf.Tensor2D,
  passages: tf.Tensor2D,
  opts: ContrastiveOptions = {},
): tf.Scalar {
  assertRank(NAME, "queries", queries, 2);
  assertRank(NAME, "passages", passages, 2);
  assertFloat(NAME, "queries", queries);
  assertFloat(NAME, "passages", passages);
  assertNonEmpty(NAME, "queries", queries);
  const [b, d] = queries.shape;
  const [p, dp] = passages.shape;
  if (dp !== d) throw new Error(`${NAME}: queries are ${d}-d but passages are ${dp}-d`);
  const g = groupSize(b, p, "passages has");
  checkTemperature(opts.temperature);
  if (opts.inBatchNegatives === false) {
    // Only the own group: S[i, k] = q_i . p_{i*g+k}, computed without the full B x B*g product.
    return tf.tidy(() => {
      const own = tf.sum(tf.mul(tf.reshape(queries, [b, 1, d]), tf.reshape(passages, [b, g, d])), -1);
      return ownGroupLoss(own as tf.Tensor2D, opts.temperature);
    });
  }
  return tf.tidy(() => {
    // An explicit transpose before a plain matMul: on wasm a transposed operand is ~10x slower.
    const scores = tf.matMul(queries, tf.transpose(passages)) as tf.Tensor2D;
    return contrastiveLossFromScores(scores, opts);
  });
}

/**
 * The same loss from a precomputed score matrix [B, B*g] (row i: query i against every
 * passage of the batch, group-major). With `inBatchNegatives: false` only the diagonal
 * blocks [i, i*g .. i*g+g-1] enter the softmax.
 */
export function contrastiveLossFromScores(scores: tf.Tensor2D, opts: ContrastiveOptions = {}): tf.Scalar {
  assertRank(NAME, "scores", scores, 2);
  assertFloat(NAME, "scores", scores);
  assertNonEmpty(NAME, "scores", scores);
  const [b, p] = scores.shape;
  const g = groupSize(b, p, "scores has");
  checkTemperature(opts.temperature);
  return tf.tidy(() => {
    if (opts.inBatchNegatives === false) {
      // Keep block (i, i) of the [B, B, g] view: multiply by the identity and sum over the middle axis.
      const own = tf.sum(tf.mul(tf.reshape(scores, [b, b, g]), tf.reshape(tf.eye(b), [b, b, 1])), 1);
      return ownGroupLoss(own as tf.Tensor2D, opts.temperature);
    }
    const logits = scaled(scores, opts.temperature);
    // int32 one-hot then cast: the wasm OneHot kernel writes int32 bits whatever the dtype
    // (tfjs 4.22: a float32 one-hot comes out as denormals ~1e-45, i.e. zeros).
    const target = tf.cast(tf.oneHot(tf.mul(tf.range(0, b, 1, "int32"), tf.scalar(g, "int32")), p), "float32");
    const targetLogit = tf.sum(tf.mul(logits, target), 1);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), targetLogit));
  });
}

/** Cross-entropy with target column 0 over each row of [B, g]. */
function ownGroupLoss(own: tf.Tensor2D, temperature: number | undefined): tf.Scalar {
  const logits = scaled(own, temperature);
  const [b] = logits.shape;
  const positive = tf.reshape(tf.slice(logits, [0, 0], [b, 1]), [b]);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), positive));
}

function scaled(scores: tf.Tensor2D, temperature: number | undefined): tf.Tensor2D {
  if (temperature === undefined || temperature === 1) return scores;
  return tf.div(scores, tf.scalar(temperature));
}

function checkTemperature(temperature: number | undefined): void {
  if (temperature !== undefined) assertPositive(NAME, "temperature", temperature);
}

function groupSize(b: number, p: number, what: string): number {
  if (p === 0 || p % b !== 0) {
    throw new Error(`${NAME}: ${what} ${p} passages, not a positive multiple of the ${b} queries (B*(1+n) expected)`);
  }
  return p / b;
}
