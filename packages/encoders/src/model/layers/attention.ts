/**
 * Multi-head attention (Vaswani et al. 2017) as in HF `BertSelfAttention` + `BertSelfOutput`
 * (post-LayerNorm residual, Devlin et al. 2019):
 *
 *   Q = X Wq + bq,  K = M Wk + bk,  V = M Wv + bv          (M = X for self-attention)
 *   A_h = softmax(Q_h K_h^T / sqrt(dh) + maskBias) V_h       per head h, dh = H / heads
 *   out = LayerNorm(X + dropout(concat_h(dropout_attn(A_h)) Wo + bo))
 *
 * maskBias[b, k] = 0 for real keys and `MASK_BIAS` (-1e9) for padding keys, broadcast over
 * heads and queries: HF's "extended attention mask" (1 - mask) * finfo(float32).min (older HF:
 * -10000). Any of these gives exp(.) = 0 in float32, so padded keys get exactly zero weight;
 * unlike -inf, a row whose keys are all padding yields uniform weights, not NaN.
 *
 * Layout: projections are 2-D matMuls on [B*S, H]; the two attention products are batched
 * matMuls on [B*heads, S, dh] (the shapes the wasm fast kernels serve).
 * HF names (prefix `attention` or `crossattention`): `self.{query,key,value}.*`,
 * `output.dense.*`, `output.LayerNorm.*`.
 */
import { tf } from "../../backend/tf.js";
import type { EncoderConfig } from "../config.js";
import type { RunContext } from "../context.js";
import type { ParamScope } from "../params.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";

/** Additive bias for masked keys (see the module doc). */
export const MASK_BIAS = -1e9;

/**
 * A key-padding mask [B, Sk] (1 = attend, 0 = padding; any numeric dtype) as the additive bias
 * [B, 1, 1, Sk] that `MultiHeadAttention` adds to its scores.
 */
export function attentionBias(mask: tf.Tensor): tf.Tensor4D {
  if (mask.rank !== 2) throw new Error(`attention mask must be [B, S], got [${mask.shape}]`);
  const [B, S] = mask.shape as [number, number];
  return tf.tidy(() => tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, "float32")), MASK_BIAS), [B, 1, 1, S]));
}

/** [B, S, H] -> [B*heads, S, dh]. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor3D {
  const [B, S, H] = x.shape as [number, number, number];
  const dh = H / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [B, S, heads, dh]), [0, 2, 1, 3]), [B * heads, S, dh]);
}

/** [B*heads, S, dh] -> [B, S, H]. */
function mergeHeads(x: tf.Tensor, batch: number, heads: number): tf.Tensor3D {
  const [, S, dh] = x.shape as [number, number, number];
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, heads, S, dh]), [0, 2, 1, 3]), [batch, S, heads * dh]);
}

/** The scaled dot-product part (HF `BertSelfAttention`): returns the merged heads [B, Sq, H]. */
export class MultiHeadAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  /** Creates Wq, Wk, Wv [H, H] under `scope` (normally `<layer>.attention.self`). */
  constructor(
    scope: ParamScope,
    readonly config: EncoderConfig,
  ) {
    const { hidden, initializerRange } = config;
    this.query = new Linear(scope.child("query"), hidden, hidden, initializerRange);
    this.key = new Linear(scope.child("key"), hidden, hidden, initializerRange);
    this.value = new Linear(scope.child("value"), hidden, hidden, initializerRange);
  }

  /**
   * x [B, Sq, H] attends over memory [B, Sk, H]; `bias` is `attentionBias(keyMask)` [B, 1, 1, Sk]
   * or undefined (no padding). Returns [B, Sq, H].
   */
  apply(x: tf.Tensor3D, memory: tf.Tensor3D, bias: tf.Tensor4D | undefined, ctx: RunContext): tf.Tensor3D {
    const { heads } = this.config;
    const [B, Sq] = x.shape;
    const Sk = memory.shape[1];
    const dh = this.config.hidden / heads;
    const q = splitHeads(this.query.apply(x), heads);
    const k = splitHeads(this.key.apply(memory), heads);
    const v = splitHeads(this.value.apply(memory), heads);
    let scores: tf.Tensor = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh));
    if (bias !== undefined) scores = tf.add(tf.reshape(scores, [B, heads, Sq, Sk]), bias);
    const probs = ctx.dropout(tf.softmax(scores, -1), this.config.attentionDropout);
    return mergeHeads(tf.matMul(tf.reshape(probs, [B * heads, Sq, Sk]), v), B, heads);
  }
}

/** HF `BertAttention`: attention, output projection, dropout, residual, LayerNorm. */
export class AttentionBlock {
  readonly attention: MultiHeadAttention;
  readonly output: Linear;
  readonly norm: LayerNorm;

  /** Creates `self.*`, `output.dense.*`, `output.LayerNorm.*` under `scope`. */
  constructor(
    scope: ParamScope,
    readonly config: EncoderConfig,
  ) {
    this.attention = new MultiHeadAttention(scope.child("self"), config);
    this.output = new Linear(scope.child("output.dense"), config.hidden, config.hidden, config.initializerRange);
    this.norm = new LayerNorm(scope.child("output.LayerNorm"), config.hidden, config.layerNormEps);
  }

  /** Variables in a fixed order (q, k, v, output dense, LayerNorm; weight before bias). */
  variables(): tf.Variable[] {
    const { query, key, value } = this.attention;
    return [query, key, value, this.output].flatMap((l) => [l.weight, l.bias]).concat([this.norm.gamma, this.norm.beta]);
  }

  /** Copies another block's weights into this one (same shapes). */
  copyFrom(other: AttentionBlock): void {
    const src = other.variables();
    this.variables().forEach((v, i) => v.assign(src[i]!));
  }

  /** LayerNorm(x + dropout(attend(x, memory) Wo + bo)): [B, Sq, H]. Self-attention: memory = x. */
  apply(x: tf.Tensor3D, memory: tf.Tensor3D, bias: tf.Tensor4D | undefined, ctx: RunContext): tf.Tensor3D {
    const attended = this.output.apply(this.attention.apply(x, memory, bias, ctx));
    return this.norm.apply(tf.add(x, ctx.dropout(attended, this.config.hiddenDropout))) as tf.Tensor3D;
  }
}
