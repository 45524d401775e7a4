/**
 * Pairwise softplus (RankNet-style logistic) loss.
 *
 * Formula. For positive scores s+ [N] and negative scores s- [N] (one pair per row) or
 * [N, k] (row i's positive against each of its k negatives):
 *
 *   L = mean over pairs of softplus(s- - s+) = mean log(1 + exp(-(s+ - s-)))
 *
 * Source. RankNet, Burges et al. ICML 2005, eq. 3 with target probability 1 and sigma = 1
 * (the cross-entropy of P(pos > neg) = sigmoid(s+ - s-)); the same per-pair term as
 * LTRe/ADORE without rank weights (see ltre-pairwise.ts).
 *
 * Stability: tf.softplus is evaluated in its overflow-free form (x for large x, exp(x) for
 * very negative x); its gradient is sigmoid(x).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertFloat, assertNonEmpty, assertRank } from "./util/shapes.js";

const NAME = "pairwiseSoftplusLoss";

/** pos [N]; neg [N] or [N, k]. Returns the mean over the N (or N*k) pairs. */
export function pairwiseSoftplusLoss(pos: tf.Tensor1D, neg: tf.Tensor1D | tf.Tensor2D): tf.Scalar {
  assertRank(NAME, "pos", pos, 1);
  assertFloat(NAME, "pos", pos);
  assertFloat(NAME, "neg", neg);
  assertNonEmpty(NAME, "neg", neg);
  const [n] = pos.shape;
  if ((neg.rank !== 1 && neg.rank !== 2) || neg.shape[0] !== n) {
    throw new Error(`${NAME}: neg must have shape [${n}] or [${n}, k] to match pos [${n}], got [${neg.shape.join(", ")}]`);
  }
  return tf.tidy(() => {
    const p = neg.rank === 2 ? tf.reshape(pos, [n, 1]) : pos;
    return tf.mean(tf.softplus(tf.sub(neg, p)));
  });
}
