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
import { resolveGroups } from "../params/param-groups.js";
import type { GroupDefaults, NamedVariable, ParamGroup, ParamGroupSpec } from "../params/param-groups.js";

/** Optimizer-wide defaults for unset group fields (PyTorch's: wd 0.01, betas [0.9, 0.999], eps 1e-8). */
export type AdamWOptions = GroupDefaults;

/** Gradients keyed by parameter name; missing names are "no gradient" (the parameter is skipped). */
export type NamedGrads = Readonly<Record<string, tf.Tensor>>;

/** A snapshot of the optimizer state (copies; float32 bits preserved). */
export interface AdamWState {
  /** Steps taken per parameter (PyTorch's per-parameter `state["step"]`); 0 or absent = none yet. */
  readonly steps: Readonly<Record<string, number>>;
  /** First moments (`exp_avg`), per parameter name. */
  readonly m: Readonly<Record<string, Float32Array>>;
  /** Second moments (`exp_avg_sq`), per parameter name. */
  readonly v: Readonly<Record<string, Float32Array>>;
}

interface Slot {
  readonly param: NamedVariable;
  readonly group: ParamGroup;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
  step: number;
}

/** AdamW over named parameter groups; moments are `tf.Variable`s updated in place inside `tf.tidy`. */
export class AdamW {
  /** The resolved groups, in the order given. */
  readonly groups: readonly ParamGroup[];
  private readonly slots = new Map<string, Slot>();
  private disposed = false;

  constructor(groups: readonly ParamGroupSpec[], defaults: AdamWOptions = {}) {
    this.groups = resolveGroups(groups, defaults);
    for (const group of this.groups) {
      for (const param of group.params) {
        const zeros = () => tf.variable(tf.zerosLike(param.variable), false);
        this.slots.set(param.name, { param, group, m: tf.tidy(zeros), v: tf.tidy(zeros), step: 0 });
      }
    }
  }

  /** Every parameter, in group order. */
  get params(): NamedVariable[] {
    return this.groups.flatMap((g) => [...g.params]);
  }

  /** The learning rate each group uses at a schedule multiplier: base lr * multiplier. */
  lrs(multiplier = 1): Record<string, number> {
    return Object.fromEntries(this.groups.map((g) => [g.name, g.lr * multiplier]));
  }

  /**
   * One AdamW update of every parameter that has a gradient in `grads` (keyed by parameter
   * name), with each group's lr scaled by `lrMultiplier` (the schedule's value). Gradients
   * are read, not disposed. Unknown names or shape mismatches throw before anything changes.
   */
  step(grads: NamedGrads, lrMultiplier = 1): void {
    this.assertLive();
    if (!(Number.isFinite(lrMultiplier) && lrMultiplier >= 0)) throw new Error(`lr multiplier must be a finite number >= 0 (got ${lrMultiplier})`);
    for (const [name, g] of Object.entries(grads)) {
      const slot = this.slots.get(name);
      if (slot === undefined) throw new Error(`gradient for unknown parameter "${name}"`);
      if (!tf.util.arraysEqual(g.shape, slot.param.variable.shape)) {
        throw new Error(`gradient of "${name}" has shape [${g.shape.join(", ")}], parameter has [${slot.param.variable.shape.join(", ")}]`);
      }
    }
    // One parameter at a time, each temporary freed as soon as the next op has read it: peak
    // memory is about three extra copies of the largest parameter, not the ~13 temporaries of
    // every parameter (a base-size model otherwise overflows the wasm backend's 4 GiB heap).
    for (const [name, g] of Object.entries(grads)) {
      tf.tidy(() => {
        const slot = this.slots.get(name)!;
        const { group } = slot;
        const [beta1, beta2] = group.betas;
        const lr = group.lr * lrMultiplier;
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
      });
    }
  }

  /** A copy of the state (moments downloaded synchronously). */
  getState(): AdamWState {
    this.assertLive();
    const steps: Record<string, number> = {};
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const [name, slot] of this.slots) {
      steps[name] = slot.step;
      m[name] = (slot.m.dataSync() as Float32Array).slice();
      v[name] = (slot.v.dataSync() as Float32Array).slice();
    }
    return { steps, m, v };
  }

  /**
   * Restores a state from {@link getState} (or a checkpoint). Every parameter must be present
   * with the right number of values; nothing changes if any check fails.
   */
  setState(state: AdamWState): void {
    this.assertLive();
    for (const [name, slot] of this.slots) {
      const step = state.steps[name] ?? 0;
      if (!(Number.isInteger(step) && step >= 0)) throw new Error(`optimizer state: step of "${name}" must be an integer >= 0 (got ${step})`);
      for (const [key, values] of [["m", state.m[name]], ["v", state.v[name]]] as const) {
        if (values === undefined) throw new Error(`optimizer state: no ${key} for parameter "${name}"`);
        if (values.length !== slot.m.size) throw new Error(`optimizer state: ${key} of "${name}" has ${values.length} values, parameter has ${slot.m.size}`);
      }
    }
    for (const name of Object.keys(state.steps)) if (!this.slots.has(name)) throw new Error(`optimizer state: unknown parameter "${name}"`);
    for (const [name, slot] of this.slots) {
      slot.step = state.steps[name] ?? 0;
      tf.tidy(() => {
        slot.m.assign(tf.tensor(state.m[name]!, slot.m.shape, "float32"));
        slot.v.assign(tf.tensor(state.v[name]!, slot.v.shape, "float32"));
      });
    }
  }

  /** Frees the moment variables (not the parameters). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new Error("AdamW: used after dispose()");
  }
}
