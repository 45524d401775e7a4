/**
 * What AdamW and LAMB share: named parameter groups, per-parameter first and second moments
 * (`tf.Variable`s) with a per-parameter step count, the gradient checks of a step, state
 * snapshots for checkpoints, and disposal. A subclass supplies the update of one parameter.
 */
import { tf } from "@i3/encoders";
import { resolveGroups } from "../params/param-groups.js";
import type { GroupDefaults, NamedVariable, ParamGroup, ParamGroupSpec } from "../params/param-groups.js";

/** Gradients keyed by parameter name; missing names are "no gradient" (the parameter is skipped). */
export type NamedGrads = Readonly<Record<string, tf.Tensor>>;

/** A snapshot of the optimizer state (copies; float32 bits preserved). */
export interface MomentState {
  /** Steps taken per parameter (PyTorch's per-parameter `state["step"]`); 0 or absent = none yet. */
  readonly steps: Readonly<Record<string, number>>;
  /** First moments (`exp_avg`), per parameter name. */
  readonly m: Readonly<Record<string, Float32Array>>;
  /** Second moments (`exp_avg_sq`), per parameter name. */
  readonly v: Readonly<Record<string, Float32Array>>;
}

/** The optimizers `@i3/train` implements (the checkpoint manifest's `optimizer.kind`). */
export type OptimizerKind = "adamw" | "lamb";

/** One parameter's state. */
export interface MomentSlot {
  readonly param: NamedVariable;
  readonly group: ParamGroup;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
  step: number;
}

/** Base of the Adam-family optimizers (see the module comment). */
export abstract class MomentOptimizer {
  /** Which optimizer this is (recorded in checkpoints). */
  abstract readonly kind: OptimizerKind;
  /** The resolved groups, in the order given. */
  readonly groups: readonly ParamGroup[];
  private readonly slots = new Map<string, MomentSlot>();
  private disposed = false;

  constructor(groups: readonly ParamGroupSpec[], defaults: GroupDefaults) {
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
   * One update of every parameter that has a gradient in `grads` (keyed by parameter name),
   * with each group's lr scaled by `lrMultiplier` (the schedule's value). Gradients are read,
   * not disposed. Unknown names or shape mismatches throw before anything changes.
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
    // memory is a few extra copies of the largest parameter, not every temporary of every
    // parameter (a base-size model otherwise overflows the wasm backend's 4 GiB heap).
    for (const [name, g] of Object.entries(grads)) {
      const slot = this.slots.get(name)!;
      tf.tidy(() => this.update(slot, g, slot.group.lr * lrMultiplier));
    }
  }

  /** Updates one parameter (and its slot) in place; called inside `tf.tidy`. */
  protected abstract update(slot: MomentSlot, g: tf.Tensor, lr: number): void;

  /** A copy of the state (moments downloaded synchronously). */
  getState(): MomentState {
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
  setState(state: MomentState): void {
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
    if (this.disposed) throw new Error(`${this.constructor.name}: used after dispose()`);
  }
}
