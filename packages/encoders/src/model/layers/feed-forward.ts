/**
 * Position-wise feed-forward block, HF `BertIntermediate` + `BertOutput` (post-LayerNorm):
 *   out = LayerNorm(x + dropout(gelu(x W1 + b1) W2 + b2)),  W1 [H, I], W2 [I, H].
 * HF names (prefix `encoder.layer.<i>`): `intermediate.dense.*`, `output.dense.*`,
 * `output.LayerNorm.*`.
 */
import { tf } from "../../backend/tf.js";
import type { EncoderConfig } from "../config.js";
import type { RunContext } from "../context.js";
import type { ParamScope } from "../params.js";
import { gelu } from "./gelu.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";

/** GELU feed-forward with residual and LayerNorm. */
export class FeedForward {
  readonly intermediate: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;

  /** Creates `intermediate.dense`, `output.dense`, `output.LayerNorm` under `scope` (the layer's). */
  constructor(
    scope: ParamScope,
    readonly config: EncoderConfig,
  ) {
    const { hidden, intermediate, initializerRange } = config;
    this.intermediate = new Linear(scope.child("intermediate.dense"), hidden, intermediate, initializerRange);
    this.output = new Linear(scope.child("output.dense"), intermediate, hidden, initializerRange);
    this.norm = new LayerNorm(scope.child("output.LayerNorm"), hidden, config.layerNormEps);
  }

  /** Variables in a fixed order (intermediate, output dense, LayerNorm; weight before bias). */
  variables(): tf.Variable[] {
    return [this.intermediate.weight, this.intermediate.bias, this.output.weight, this.output.bias, this.norm.gamma, this.norm.beta];
  }

  /** Copies another block's weights into this one (same shapes). */
  copyFrom(other: FeedForward): void {
    const src = other.variables();
    this.variables().forEach((v, i) => v.assign(src[i]!));
  }

  /** x [B, S, H] -> [B, S, H]. */
  apply(x: tf.Tensor3D, ctx: RunContext): tf.Tensor3D {
    const h = this.output.apply(gelu(this.intermediate.apply(x)));
    return this.norm.apply(tf.add(x, ctx.dropout(h, this.config.hiddenDropout))) as tf.Tensor3D;
  }
}
