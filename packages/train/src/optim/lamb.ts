/**
 * LAMB: layer-wise adaptive moments (You et al., "Large Batch Optimization for Deep Learning:
 * Training BERT in 76 Minutes", ICLR 2020, arXiv 1904.00962, Algorithm 2), in exactly the
 * variant the I3 reference trains with: `torch_optimizer.Lamb` (pytorch-optimizer 0.3.0,
 * `requirements.txt` of Deriq-Qian-Dong/III-Retriever; `optim.Lamb([...], lr=2e-5,
 * weight_decay=0.0)` in `src/train_dual_encoder.py`) with its defaults eps 1e-6,
 * `clamp_value` 10, `debias` False. For each parameter tensor p (one "layer") with gradient g:
 *
 *   m <- beta1 m + (1 - beta1) g
 *   v <- beta2 v + (1 - beta2) g^2
 *   r  = m / (sqrt(v) + eps) + wd p                 // L2 term inside the ratio (paper: lambda x)
 *   phi = min(||p||, clampValue)                     // the paper's scaling function phi, clipped
 *   trust = phi / ||r||, or 1 when phi = 0 or ||r|| = 0
 *   p <- p - lr * c_t * trust * r
 *
 * with c_t = 1 (no bias correction: "Paper v3 does not use debiasing", torch_optimizer) or, with
 * `debias`, c_t = sqrt(1 - beta2^t) / (1 - beta1^t) applied to the step size only (the trust
 * ratio is computed from the uncorrected r, as torch_optimizer does). Norms are Frobenius norms
 * of the whole tensor. Differences from the paper's Algorithm 2: no bias correction of m and v
 * by default (the paper's v1-v2 use it), phi clipped at 10, eps added outside the square root.
 * A parameter without a gradient in a step is skipped (no moment update, step count unchanged).
 */
import { tf } from "@i3/encoders";
import type { GroupDefaults, ParamGroupSpec } from "../params/param-groups.js";
import { MomentOptimizer, type MomentSlot } from "./moment-optimizer.js";

/** Options of {@link Lamb}: group defaults (torch_optimizer's: wd 0, betas [0.9, 0.999], eps 1e-6) and the variant. */
export interface LambOptions extends GroupDefaults {
  /** Upper clip of ||p|| in the trust ratio (torch_optimizer `clamp_value`, default 10). */
  clampValue?: number;
  /** Bias-correct the step size (torch_optimizer `debias`, default false). */
  debias?: boolean;
}

/** LAMB over named parameter groups (see the module comment). */
export class Lamb extends MomentOptimizer {
  readonly kind = "lamb" as const;
  readonly clampValue: number;
  readonly debias: boolean;

  constructor(groups: readonly ParamGroupSpec[], options: LambOptions = {}) {
    const { clampValue = 10, debias = false, ...defaults } = options;
    super(groups, { weightDecay: 0, eps: 1e-6, ...defaults });
    if (!(clampValue > 0)) throw new Error(`Lamb: clampValue must be > 0 (got ${clampValue})`);
    this.clampValue = clampValue;
    this.debias = debias;
  }

  /** One LAMB update of one parameter (see the module comment). */
  protected update(slot: MomentSlot, g: tf.Tensor, lr: number): void {
    const { group } = slot;
    const [beta1, beta2] = group.betas;
    const t = ++slot.step;
    const stepSize = this.debias ? (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t) : lr;
    const p = slot.param.variable;
    const m = tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1));
    slot.m.assign(m);
    const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
    slot.v.assign(v);
    let r = tf.div(m, tf.add(tf.sqrt(v), group.eps));
    if (group.weightDecay !== 0) r = tf.add(r, tf.mul(p, group.weightDecay));
    const weightNorm = tf.minimum(tf.sqrt(tf.sum(tf.square(p))), this.clampValue);
    const ratioNorm = tf.sqrt(tf.sum(tf.square(r)));
    const usable = tf.logicalAnd(tf.greater(weightNorm, 0), tf.greater(ratioNorm, 0));
    const trust = tf.where(usable, tf.div(weightNorm, tf.where(usable, ratioNorm, tf.onesLike(ratioNorm))), tf.onesLike(weightNorm));
    p.assign(tf.sub(p, tf.mul(r, tf.mul(trust, stepSize))));
  }
}
