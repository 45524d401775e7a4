/**
 * Transformer layers built from the blocks (post-LayerNorm, as BERT).
 *
 * - `EncoderLayer` = HF `BertLayer`: self-attention block, then feed-forward block.
 * - `DecoderStyleLayer` = HF `BertLayer` with `add_cross_attention`, but with bidirectional
 *   (not causal) self-attention: self-attention over x, cross-attention from x to a memory
 *   sequence (keys/values, with its own padding mask), then feed-forward. Used by the I3 query
 *   reconstructor and MICE interaction layers. HF names: `attention.*`, `crossattention.*`,
 *   `intermediate.*`, `output.*`.
 */
import type { tf } from "../../backend/tf.js";
import type { EncoderConfig } from "../config.js";
import type { RunContext } from "../context.js";
import type { ParamScope } from "../params.js";
import { AttentionBlock } from "./attention.js";
import { FeedForward } from "./feed-forward.js";

/** h = FFN(SelfAttn(x)). */
export class EncoderLayer {
  readonly attention: AttentionBlock;
  readonly ffn: FeedForward;

  /** Creates `attention.*` and the FFN under `scope` (normally `encoder.layer.<i>`). */
  constructor(scope: ParamScope, config: EncoderConfig) {
    this.attention = new AttentionBlock(scope.child("attention"), config);
    this.ffn = new FeedForward(scope, config);
  }

  /** x [B, S, H], bias = attentionBias(mask) or undefined -> [B, S, H]. */
  apply(x: tf.Tensor3D, bias: tf.Tensor4D | undefined, ctx: RunContext): tf.Tensor3D {
    return this.ffn.apply(this.attention.apply(x, x, bias, ctx), ctx);
  }
}

/** h = FFN(CrossAttn(SelfAttn(x), memory)), self-attention bidirectional. */
export class DecoderStyleLayer {
  readonly attention: AttentionBlock;
  readonly crossAttention: AttentionBlock;
  readonly ffn: FeedForward;

  /** Creates `attention.*`, `crossattention.*` and the FFN under `scope`. */
  constructor(scope: ParamScope, config: EncoderConfig) {
    this.attention = new AttentionBlock(scope.child("attention"), config);
    this.crossAttention = new AttentionBlock(scope.child("crossattention"), config);
    this.ffn = new FeedForward(scope, config);
  }

  /**
   * Initialises from a trained encoder layer, as MICE does: self-attention and FFN copied,
   * cross-attention seeded from the same self-attention weights.
   */
  initFromEncoderLayer(layer: EncoderLayer): void {
    this.attention.copyFrom(layer.attention);
    this.crossAttention.copyFrom(layer.attention);
    this.ffn.copyFrom(layer.ffn);
  }

  /**
   * x [B, Sq, H] with self-attention bias `selfBias` ([B,1,1,Sq] or undefined); memory
   * [B, Sm, H] with key bias `memoryBias` ([B,1,1,Sm] or undefined) -> [B, Sq, H].
   */
  apply(
    x: tf.Tensor3D,
    selfBias: tf.Tensor4D | undefined,
    memory: tf.Tensor3D,
    memoryBias: tf.Tensor4D | undefined,
    ctx: RunContext,
  ): tf.Tensor3D {
    const h = this.attention.apply(x, x, selfBias, ctx);
    return this.ffn.apply(this.crossAttention.apply(h, memory, memoryBias, ctx), ctx);
  }
}
