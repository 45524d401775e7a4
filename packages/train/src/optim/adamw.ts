/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019, Algorithm 2), with exactly the conventions of PyTorch's
 * `torch.optim.AdamW` (single-tensor path, `_single_tensor_adamw`, amsgrad off, no maximize).
 * For each parameter p with gradient g, at its own step count t (1-based, per parameter):
 *
 *   p  <- p * (1 - lr * wd)                        // decoupled decay, first, with the scheduled lr
 *   m  <- m + (1 - beta1) * (g - m)                // exp_avg.lerp_(grad, 1 - beta1)
 *   v  <- beta2 * v + (1 - beta2) * g * g          // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
 *   denom = sqrt(v) / sqrt(1 - beta2^t) + eps      // eps outside the sqrt, after bias correction
 *   p  <- p - (lr / (1 - beta1^t)) * m / denom     // param.addcdiv_(exp_avg, denom, value=-step_size)
 *
 * As in PyTorch, the bias corrections and step size are computed in float64 from the integer
 * step and then enter float32 tensor arithmetic; a parameter without a gradient in a step is
 * skipped entirely (no decay, no moment update, its step count unchanged), like `grad is None`.
 * Differences from Loshchilov & Hutter's Algorithm 2: the decay is multiplied by the lr (the
 * paper uses the schedule multiplier eta_t alone), as PyTorch does.
 */
import { tf } from "@i3/encoders";
import type { GroupDefaults, ParamGroupSpec } from "../params/param-groups.js";
import { MomentOptimizer, type MomentSlot, type MomentState } from "./moment-optimizer.js";

export type { NamedGrads } from "./moment-optimizer.js";

/** Optimizer-wide defaults for unset group fields (PyTorch's: wd 0.01, betas [0.9, 0.999], eps 1e-8). */
export type AdamWOptions = GroupDefaults;

/** A snapshot of the optimizer state (copies; float32 bits preserved). */
export type AdamWState = MomentState;

/** AdamW over named parameter groups; moments are `tf.Variable`s updated in place inside `tf.tidy`. */
export class AdamW extends MomentOptimizer {
  readonly kind = "adamw" as const;

  constructor(groups: readonly ParamGroupSpec[], defaults: AdamWOptions = {}) {
    super(groups, defaults);
  }

  /** One AdamW update of one parameter (see the module comment). */
  protected update(slot: MomentSlot, g: tf.Tensor, lr: number): void {
    const { group } = slot;
    const [beta1, beta2] = group.betas;
    const t = ++slot.step;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
    const stepSize = lr / biasCorrection1;
    const p = slot.param.variable;
    // Each temporary is freed as soon as the next op has read it (same ops, same order).
    const gMinusM = tf.sub(g, slot.m);
    const mStep = tf.mul(gMinusM, 1 - beta1);
    gMinusM.dispose();
    const m = tf.add(slot.m, mStep); // m + (1 - beta1) (g - m)
    mStep.dispose();
    slot.m.assign(m);
    const vDecayed = tf.mul(slot.v, beta2);
    const gScaled = tf.mul(g, 1 - beta2);
    const gSq = tf.mul(gScaled, g);
    gScaled.dispose();
    const v = tf.add(vDecayed, gSq); // beta2 v + (1 - beta2) g^2
    tf.dispose([vDecayed, gSq]);
    slot.v.assign(v);
    const sqrtV = tf.sqrt(v);
    const scaled = tf.div(sqrtV, biasCorrection2Sqrt);
    sqrtV.dispose();
    const denom = tf.add(scaled, group.eps); // sqrt(v) / sqrt(1 - beta2^t) + eps
    scaled.dispose();
    const ratio = tf.div(m, denom);
    denom.dispose();
    const update = tf.mul(ratio, stepSize);
    ratio.dispose();
    const decayed = tf.mul(p, 1 - lr * group.weightDecay);
    const next = tf.sub(decayed, update); // p (1 - lr wd) - stepSize m / denom
    tf.dispose([decayed, update]);
    p.assign(next);
  }
}
