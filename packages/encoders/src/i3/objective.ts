/**
 * The I3 training objective (Dong et al., CIKM 2023, arXiv 2306.02371, eq. 9; reference code
 * Deriq-Qian-Dong/III-Retriever `src/train_dual_encoder.py`):
 *
 *   L = L_contrastive(q, p*) + beta * L_rec(MLM(Z), target tokens)
 *
 * with beta constant or decaying as 10^-(epoch + 1) over fine-tuning epochs (the reference's
 * 1/10^epoch, epochs counted from 1). The losses themselves are `@i3/losses`'.
 */
import { contrastiveLoss, maskedTokenCrossEntropy } from "@i3/losses";
import { tf } from "../backend/tf.js";
import type { ForwardOptions } from "../model/context.js";
import type { I3Retriever } from "./retriever.js";
import { IGNORE_INDEX } from "./slots.js";

/** How beta, the weight of L_rec, changes over fine-tuning epochs. */
export type ReconstructionSchedule = "constant" | "ten-power-minus-epoch";

/**
 * beta at a 0-based epoch: `weight` (`constant`), or `weight` * 10^-(epoch + 1)
 * (`ten-power-minus-epoch`: 0.1 x weight in the first epoch, 0.01 x in the second, ...).
 */
export function betaAt(reconstruction: { weight: number; schedule: ReconstructionSchedule }, epoch: number): number {
  return reconstruction.schedule === "constant" ? reconstruction.weight : reconstruction.weight * 10 ** -(epoch + 1);
}

/** The three terms of the I3 loss. */
export interface I3LossTerms {
  total: tf.Scalar;
  contrastive: tf.Scalar;
  reconstruction: tf.Scalar;
}

/**
 * L = L_contrastive(q, p*) + beta * L_rec. L_contrastive: in-batch + hard-negative softmax CE
 * (`contrastiveLoss`, DPR eq. 2; the reference's `cross_entropy(q p^T, arange(B) * g)`).
 * L_rec: `maskedTokenCrossEntropy` of the MLM logits against `targets`, the mean over the
 * non-ignored target tokens of every passage of the batch, positives and negatives (the
 * reference's positive-only line is commented out). `targets` is [Bp, m] row-major, -100 =
 * ignored; logits are computed only at the non-ignored slots (`mlmLogitsAt`), which gives the
 * same loss and gradients as the full [Bp, m, V] logits. beta = 0 skips the MLM head.
 */
export function i3Loss(
  model: I3Retriever,
  queries: { inputIds: tf.Tensor; attentionMask: tf.Tensor },
  passages: { inputIds: tf.Tensor; attentionMask: tf.Tensor },
  targets: Int32Array,
  opts: { beta: number; temperature?: number; forward?: ForwardOptions },
): I3LossTerms {
  const positions: number[] = [];
  const labels: number[] = [];
  targets.forEach((id, i) => {
    if (id !== IGNORE_INDEX) {
      positions.push(i);
      labels.push(id);
    }
  });
  return tf.tidy(() => {
    const q = model.encodeQueries(queries, opts.forward);
    const out = model.forwardPassages(passages, opts.forward, { logits: false });
    if (targets.length !== out.z.shape[0] * out.z.shape[1]) throw new Error(`i3Loss: ${targets.length} targets for [${out.z.shape.slice(0, 2)}] slots`);
    const contrastive = contrastiveLoss(q, out.vectors, { temperature: opts.temperature ?? 1 });
    if (opts.beta === 0 || positions.length === 0) return { total: contrastive, contrastive, reconstruction: tf.scalar(0) };
    const logits = model.mlmLogitsAt(out.z, tf.tensor1d(positions, "int32"));
    const reconstruction = maskedTokenCrossEntropy(tf.expandDims(logits, 0) as tf.Tensor3D, tf.tensor2d(labels, [1, labels.length], "int32"));
    return { total: tf.add(contrastive, tf.mul(reconstruction, opts.beta)) as tf.Scalar, contrastive, reconstruction };
  });
}
