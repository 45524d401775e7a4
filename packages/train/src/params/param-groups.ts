/**
 * Named parameter groups, as in PyTorch's `optimizer.param_groups`: each group has its own
 * learning rate and weight decay (e.g. the I3 heads train at 50x the backbone's lr; LayerNorm
 * weights and biases get no decay, as Hugging Face `Trainer.get_decay_parameter_names` does).
 * Parameter names are the checkpoint keys, so they must be stable across processes: give
 * each `tf.Variable` a name (e.g. the Hugging Face names of `@i3/encoders`' `NamedParam`).
 */
import type { tf } from "@i3/encoders";

/** One trainable parameter under a stable name (`@i3/encoders`' `NamedParam` fits). */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** A group as the caller describes it. Unset fields take the optimizer's defaults. */
export interface ParamGroupSpec {
  /** Group name, used in logs (`lr.<name>`) and checkpoints. */
  readonly name: string;
  /** The group's parameters: named variables, or a name -> variable record. */
  readonly params: Iterable<NamedVariable> | Readonly<Record<string, tf.Variable>>;
  /** Base learning rate (the schedule multiplies it). */
  readonly lr: number;
  /** Decoupled weight decay coefficient (PyTorch AdamW's `weight_decay`). */
  readonly weightDecay?: number;
  /** (beta1, beta2). */
  readonly betas?: readonly [number, number];
  /** Added to sqrt(v_hat) in the denominator. */
  readonly eps?: number;
}

/** A validated group with every hyper-parameter resolved. */
export interface ParamGroup {
  readonly name: string;
  readonly params: readonly NamedVariable[];
  readonly lr: number;
  readonly weightDecay: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
}

/** Defaults for unset group fields; PyTorch's `torch.optim.AdamW` defaults. */
export interface GroupDefaults {
  /** Default 0.01 (PyTorch AdamW). */
  weightDecay?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function toNamed(params: ParamGroupSpec["params"]): NamedVariable[] {
  if (Symbol.iterator in (params as object)) return [...(params as Iterable<NamedVariable>)];
  return Object.entries(params as Record<string, tf.Variable>).map(([name, variable]) => ({ name, variable }));
}

/**
 * Validates groups and fills in defaults: finite lr >= 0, weight decay >= 0, betas in [0, 1),
 * eps >= 0 (PyTorch's checks), float32 variables, non-empty unique group names, and parameter
 * names and variables unique across all groups.
 */
export function resolveGroups(specs: readonly ParamGroupSpec[], defaults: GroupDefaults = {}): ParamGroup[] {
  check(specs.length > 0, "at least one parameter group is required");
  const groupNames = new Set<string>();
  const paramNames = new Map<string, string>();
  const variables = new Map<tf.Variable, string>();
  return specs.map((spec) => {
    check(typeof spec.name === "string" && spec.name.length > 0, "every parameter group needs a non-empty name");
    check(!groupNames.has(spec.name), `duplicate parameter group name "${spec.name}"`);
    groupNames.add(spec.name);
    const where = `parameter group "${spec.name}"`;
    const lr = spec.lr;
    check(Number.isFinite(lr) && lr >= 0, `${where}: lr must be a finite number >= 0 (got ${lr})`);
    const weightDecay = spec.weightDecay ?? defaults.weightDecay ?? 0.01;
    check(Number.isFinite(weightDecay) && weightDecay >= 0, `${where}: weightDecay must be a finite number >= 0 (got ${weightDecay})`);
    const betas = spec.betas ?? defaults.betas ?? [0.9, 0.999];
    check(betas.length === 2 && betas.every((b) => Number.isFinite(b) && b >= 0 && b < 1), `${where}: betas must be two numbers in [0, 1) (got [${betas.join(", ")}])`);
    const eps = spec.eps ?? defaults.eps ?? 1e-8;
    check(Number.isFinite(eps) && eps >= 0, `${where}: eps must be a finite number >= 0 (got ${eps})`);
    const params = toNamed(spec.params);
    check(params.length > 0, `${where} has no parameters`);
    for (const p of params) {
      check(typeof p.name === "string" && p.name.length > 0, `${where}: every parameter needs a non-empty name`);
      const other = paramNames.get(p.name);
      check(other === undefined, `parameter name "${p.name}" appears twice (groups "${other}" and "${spec.name}")`);
      paramNames.set(p.name, spec.name);
      const otherVar = variables.get(p.variable);
      check(otherVar === undefined, `the variable of parameter "${p.name}" is also parameter "${otherVar}"`);
      variables.set(p.variable, p.name);
      check(p.variable.dtype === "float32", `parameter "${p.name}" is ${p.variable.dtype}; only float32 variables can be trained`);
      check(!p.variable.isDisposed, `parameter "${p.name}" is disposed`);
      check(p.variable.trainable, `parameter "${p.name}" is a non-trainable tf.Variable (trainable = false): tf.variableGrads would give it no gradient`);
    }
    return { name: spec.name, params, lr, weightDecay, betas: [betas[0]!, betas[1]!] as const, eps };
  });
}

/**
 * Hugging Face's no-decay rule (`Trainer.get_decay_parameter_names`): biases and LayerNorm
 * parameters are not decayed. Matches names ending in `bias` or containing `LayerNorm` /
 * `layer_norm` / `layernorm` (any case).
 */
export function isNoDecayParam(name: string): boolean {
  return /bias$/.test(name) || /layer_?norm/i.test(name);
}

/**
 * Splits one group into `<name>` (decayed) and `<name>.no_decay` (weight decay 0) by a name
 * predicate (default {@link isNoDecayParam}), the usual PyTorch/HF recipe. Empty halves are
 * dropped.
 */
export function splitNoDecay(spec: ParamGroupSpec, noDecay: (name: string) => boolean = isNoDecayParam): ParamGroupSpec[] {
  const params = toNamed(spec.params);
  const decayed = params.filter((p) => !noDecay(p.name));
  const plain = params.filter((p) => noDecay(p.name));
  const out: ParamGroupSpec[] = [];
  if (decayed.length > 0) out.push({ ...spec, params: decayed });
  if (plain.length > 0) out.push({ ...spec, name: `${spec.name}.no_decay`, params: plain, weightDecay: 0 });
  return out;
}
