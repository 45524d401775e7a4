/**
 * Named, seeded parameters. Every layer creates its `tf.Variable`s through a `ParamScope`,
 * which records them under their Hugging Face BERT names (e.g.
 * `encoder.layer.0.attention.self.query.weight`), so checkpoints map one-to-one.
 *
 * Initialisation (BERT, Devlin et al. 2019; google-research/bert `modeling.py`): weights
 * ~ truncated normal (mean 0, std `initializerRange`, cut at 2 std), biases 0, LayerNorm
 * gamma 1 / beta 0. Each variable's seed is a hash of (model seed, parameter name), so values
 * depend only on the seed and the name, never on construction order.
 */
import { seedFromName } from "@i3/core";
import { tf } from "../backend/tf.js";

/** One trainable parameter under its Hugging Face name. */
export interface NamedParam {
  /** Hugging Face parameter name relative to the model (e.g. `embeddings.LayerNorm.weight`). */
  readonly name: string;
  readonly variable: tf.Variable;
  /**
   * True for a Linear weight: stored here as [in, out] (x.W), by PyTorch as [out, in];
   * checkpoints transpose it.
   */
  readonly linearWeight: boolean;
}

/** Trainable variables grouped for per-group learning rates. */
export interface VariableGroups {
  /** Transformer backbone(s): embeddings and layers. */
  readonly backbone: tf.Variable[];
  /** Task heads on top (score heads, poolers, reconstructors...). */
  readonly heads: tf.Variable[];
}

/** A model whose parameters can be listed, grouped, and freed. */
export interface ParameterizedModel {
  /** Every parameter under its checkpoint name. */
  namedParameters(): NamedParam[];
  /** Trainable variables grouped (backbone vs heads). */
  variableGroups(): VariableGroups;
  /** Frees every variable. */
  dispose(): void;
}

/** Creates and records named variables under a dotted prefix; children share the record. */
export class ParamScope {
  private constructor(
    /** Model seed. */
    readonly seed: number,
    /** Dotted name prefix ("" at the root). */
    readonly prefix: string,
    private readonly record: NamedParam[],
  ) {}

  /** A root scope with an empty record. */
  static root(seed: number): ParamScope {
    return new ParamScope(seed, "", []);
  }

  /** A sub-scope `prefix.name` sharing this scope's record. */
  child(name: string): ParamScope {
    return new ParamScope(this.seed, this.qualify(name), this.record);
  }

  /** Every parameter created through this scope tree so far, in creation order. */
  params(): NamedParam[] {
    return [...this.record];
  }

  /** A weight ~ truncated normal(0, std) cut at 2 std, seeded by (seed, full name). */
  truncatedNormal(name: string, shape: number[], std: number, linearWeight = false): tf.Variable {
    const full = this.qualify(name);
    const seed = seedFromName(this.seed, full);
    return this.add(full, linearWeight, () => tf.truncatedNormal(shape, 0, std, "float32", seed));
  }

  /** A variable of zeros. */
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(this.qualify(name), false, () => tf.zeros(shape));
  }

  /** A variable of ones. */
  ones(name: string, shape: number[]): tf.Variable {
    return this.add(this.qualify(name), false, () => tf.ones(shape));
  }

  private qualify(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  private add(name: string, linearWeight: boolean, init: () => tf.Tensor): tf.Variable {
    if (this.record.some((p) => p.name === name)) throw new Error(`duplicate parameter name "${name}"`);
    // tfjs variable names are global; leave them auto-generated and keep ours in the record.
    const variable = tf.tidy(() => tf.variable(init(), true));
    this.record.push({ name, variable, linearWeight });
    return variable;
  }
}

/** Disposes every variable of a parameter list. */
export function disposeParams(params: readonly NamedParam[]): void {
  for (const p of params) p.variable.dispose();
}
