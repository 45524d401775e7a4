/**
 * LTRe / ADORE rank-weighted pairwise loss over a query's retrieved list.
 *
 * Formula. For query b with retrieved list scores s [L] (retrieval order, relevant
 * passages not retrieved appended after the top-K), labels y [L] (1 relevant, 0 not),
 * reciprocal ranks rr_i = 1/r_i if r_i <= cut else 0 (r_i = i + 1, the list position, unless
 * `ranks` is given), pairs P_b = {(i, j) : y_i = 1, y_j = 0}:
 *
 *   loss_b = (1/|P_b|) * sum_{(i,j) in P_b} |rr_i - rr_j| * log(1 + exp(-(s_i - s_j)))
 *   L      = mean of loss_b over the queries with |P_b| > 0
 *
 * The weights enter the sum but not the denominator (the unweighted pair count).
 *
 * Source. Zhan et al., "Optimizing Dense Retrieval Model Training with Hard Negatives",
 * SIGIR 2021 (arXiv 2104.08051), ADORE with the MRR-style weight |1/r_i - 1/r_j|; LTRe,
 * Zhan et al. arXiv 2010.10469. Reference code jingtaozhan/DRhard `adore/train.py`: per
 * query, C = pos_pairs * C_pos + neg_pairs * C_neg over the L x L matrix (each unordered
 * pair counted twice), times `metric_weights` (1/position, zeroed from `metric_cut` on),
 * summed and divided by num_pairs = 2 * #(relevant, non-relevant) pairs, i.e. a mean over
 * pairs per query; then summed over the batch and divided by the batch size, i.e. a mean
 * over queries. Relevant passages are appended only when none was retrieved (that list
 * building is the caller's job, `@i3/retrievers`' `ltreList`; here the list is given). In
 * DRhard (commit 7054ada), with y_pred - y_pred^T [i, j] = s_i - s_j, C_pos =
 * log(1 + exp(-(s_i - s_j))) on pairs with i relevant and C_neg = log(1 + exp(s_i - s_j)) on
 * pairs with j relevant: both are this file's cost of (relevant, non-relevant) ordered the
 * other way, so counting both and dividing by 2 * #pairs equals the mean here. The reference
 * asserts every query has a pair; here queries without one are left out of the mean (0 if none
 * has one).
 *
 * Shapes: scores [B, L] float32; labels [B, L] (1/0, any dtype); options `cut` (K, the
 * retrieval depth: positions beyond it get rr = 0), `mask` [B, L] (1 = real entry, 0 =
 * padding, for lists of unequal length), `ranks` [B, L] (1-based retrieval ranks to use
 * instead of list positions; ranks < 1 or > cut mean "not retrieved", rr = 0).
 *
 * Stability: log(1 + exp(-x)) is tf.softplus(-x), overflow-free. Memory: a [B, L, L] pair
 * tensor (B = 32, L = 200: 1.3M floats).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertFloat, assertNonEmpty, assertRank, assertShape } from "./util/shapes.js";

const NAME = "ltrePairwiseLoss";

export interface LtrePairwiseOptions {
  /** Retrieval depth K: reciprocal ranks beyond it are 0 (DRhard `--metric_cut`, 200 in ADORE). */
  cut: number;
  /** [B, L], 1 = real entry, 0 = padding. */
  mask?: tf.Tensor2D;
  /** [B, L] 1-based ranks; default: list position + 1. */
  ranks?: tf.Tensor2D;
}

export function ltrePairwiseLoss(scores: tf.Tensor2D, labels: tf.Tensor2D, opts: LtrePairwiseOptions): tf.Scalar {
  assertRank(NAME, "scores", scores, 2);
  assertFloat(NAME, "scores", scores);
  assertNonEmpty(NAME, "scores", scores);
  const [b, l] = scores.shape;
  assertShape(NAME, "labels", labels, [b, l]);
  if (opts.mask !== undefined) assertShape(NAME, "mask", opts.mask, [b, l]);
  if (opts.ranks !== undefined) assertShape(NAME, "ranks", opts.ranks, [b, l]);
  if (!(Number.isInteger(opts.cut) && opts.cut >= 1)) {
    throw new Error(`${NAME}: cut must be an integer >= 1 (the retrieval depth K), got ${opts.cut}`);
  }
  return tf.tidy(() => {
    const ranks =
      opts.ranks !== undefined
        ? tf.cast(opts.ranks, "float32")
        : tf.tile(tf.reshape(tf.range(1, l + 1, 1, "float32"), [1, l]), [b, 1]);
    const inCut = tf.logicalAnd(tf.greaterEqual(ranks, 1), tf.lessEqual(ranks, opts.cut));
    const rr = tf.where(inCut, tf.div(1, tf.maximum(ranks, 1)), tf.zerosLike(ranks)); // [B, L]
    const weights = tf.abs(tf.sub(tf.expandDims(rr, 2), tf.expandDims(rr, 1))); // [B, L, L]

    let rel = tf.cast(tf.greater(labels, 0), "float32");
    let non = tf.sub(1, rel);
    if (opts.mask !== undefined) {
      const m = tf.cast(tf.greater(opts.mask, 0), "float32");
      rel = tf.mul(rel, m);
      non = tf.mul(non, m);
    }
    const pairs = tf.mul(tf.expandDims(rel, 2), tf.expandDims(non, 1)); // [B, L(i relevant), L(j not)]
    // log(1 + exp(-(s_i - s_j))) = softplus(s_j - s_i)
    const cost = tf.softplus(tf.sub(tf.expandDims(scores, 1), tf.expandDims(scores, 2)));
    const perQuerySum = tf.sum(tf.mul(tf.mul(pairs, weights), cost), [1, 2]); // [B]
    const perQueryPairs = tf.sum(pairs, [1, 2]); // [B]
    const hasPairs = tf.cast(tf.greater(perQueryPairs, 0), "float32");
    const perQuery = tf.div(perQuerySum, tf.maximum(perQueryPairs, 1));
    return tf.div(tf.sum(tf.mul(perQuery, hasPairs)), tf.maximum(tf.sum(hasPairs), 1));
  });
}
