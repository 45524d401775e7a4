/**
 * Masked token cross-entropy (I3's query-reconstruction loss, an MLM-style head over the
 * pseudo-query slots).
 *
 * Formula. Logits z [B, m, V], target ids y [B, m]; K = {(b, k) : y[b, k] is not ignored}:
 *
 *   L = (1/|K|) * sum_{(b,k) in K} [ logSumExp_v z[b, k, v] - z[b, k, y[b, k]] ]
 *
 * i.e. the mean negative log-likelihood over the non-ignored tokens only (0 when |K| = 0,
 * so a batch without targets adds nothing instead of NaN).
 *
 * Source. PyTorch `CrossEntropyLoss(reduction="mean", ignore_index=-100)` as used by the I3
 * reference's `mlm_loss` (Deriq-Qian-Dong/III-Retriever, src/modeling.py: logits viewed as
 * [-1, vocab], labels [-1], pads labelled -100); BERT's masked-LM loss (Devlin et al. 2019).
 *
 * Ignore index: default -100 (PyTorch / Hugging Face convention); pass e.g. `[0, -100]` to
 * also ignore a [PAD] id of 0. Every other target must lie in [0, V) (checked on the host:
 * the ids are read back, [B, m] integers).
 *
 * Stability: logSumExp subtracts the row max; its gradient is the softmax, computed directly
 * (util/logSumExp.ts: tfjs' own gradient also differentiates the max, an [N, V] `Equal` mask that
 * dominated the loss's time on wasm). Gradient path: the target logit is picked with
 * `gather` forward and a hand-written `scatterND` gradient (util/pickTargets.ts), because
 * tfjs' gather gradient needs UnsortedSegmentSum, which the wasm backend does not register
 * (DESIGN.md section 6); a one-hot product would cost a second [B*m, V] tensor.
 */
import * as tf from "@tensorflow/tfjs-core";
import { logSumExpRows } from "./util/log-sum-exp.js";
import { pickTargets } from "./util/pick-targets.js";
import { assertFloat, assertNonEmpty, assertRank, assertShape } from "./util/shapes.js";

const NAME = "maskedTokenCrossEntropy";

export interface MaskedTokenCrossEntropyOptions {
  /** Target id(s) excluded from the loss and from the mean. Default -100. */
  ignoreIndex?: number | readonly number[];
}

/** logits [B, m, V] float32, targets [B, m] int32. Returns the mean NLL over non-ignored tokens. */
export function maskedTokenCrossEntropy(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  opts: MaskedTokenCrossEntropyOptions = {},
): tf.Scalar {
  assertRank(NAME, "logits", logits, 3);
  assertFloat(NAME, "logits", logits);
  assertNonEmpty(NAME, "logits", logits);
  const [b, m, v] = logits.shape;
  assertShape(NAME, "targets", targets, [b, m]);
  if (targets.dtype !== "int32") throw new Error(`${NAME}: targets must be int32 token ids, got ${targets.dtype}`);
  const ignore = new Set(typeof opts.ignoreIndex === "number" ? [opts.ignoreIndex] : (opts.ignoreIndex ?? [-100]));

  // Host-side: ids are small; out-of-range ids would otherwise read garbage on some backends.
  const ids = targets.dataSync();
  const valid = new Float32Array(ids.length);
  const safe = new Int32Array(ids.length);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (ignore.has(id)) continue;
    if (!(id >= 0 && id < v)) {
      throw new Error(`${NAME}: target id ${id} at position ${Math.floor(i / m)},${i % m} is outside [0, ${v}) and not ignored`);
    }
    valid[i] = 1;
    safe[i] = id;
    count++;
  }
  return tf.tidy(() => {
    if (count === 0) return tf.mul(tf.sum(logits), 0) as tf.Scalar; // 0, still connected to logits
    const n = b * m;
    const flat = tf.reshape(logits, [n, v]) as tf.Tensor2D;
    const picked = pickTargets(flat, tf.tensor1d(safe, "int32"));
    const nll = tf.mul(tf.sub(logSumExpRows(flat), picked), tf.tensor1d(valid));
    return tf.div(tf.sum(nll), tf.scalar(count));
  });
}
