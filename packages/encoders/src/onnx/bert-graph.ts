/**
 * The toolkit's BERT blocks as ONNX nodes, op for op the TensorFlow.js forward pass in eval mode
 * (no dropout); each function cites the layer it mirrors:
 *
 *   linear        y = MatMul(x, W) + b                                   (layers/linear.ts)
 *   layerNorm     LayerNormalization(x, gamma, beta, axis -1, eps)       (layers/layer-norm.ts; opset 17)
 *   gelu          x * 0.5 * (1 + Erf(x * 1/sqrt(2)))                     (layers/gelu.ts, exact erf GELU)
 *   maskBias      Unsqueeze((1 - float(mask)) * -1e9, [1, 2])  [B,1,1,S] (layers/attention.ts attentionBias)
 *   attention     per head softmax(Q K^T / sqrt(dh) + bias) V, merged,   (layers/attention.ts)
 *                 LayerNorm(x + out Wo + bo)
 *   feedForward   LayerNorm(x + gelu(x W1 + b1) W2 + b2)                  (layers/feed-forward.ts)
 *   embeddings    LayerNorm(W_word[ids] + W_pos[0..S-1] + W_type[types])  (layers/embeddings.ts)
 *   pool          cls: h[:, 0]; mean: sum_s m_s h_s / max(sum_s m_s, 1e-9) (pooling.ts)
 *
 * Weights become float32 initializers under their checkpoint names (a variable used twice, e.g.
 * shared towers, is stored once).
 */
import type { tf } from "../backend/tf.js";
import type { BertEncoder } from "../model/encoder.js";
import { MASK_BIAS, type AttentionBlock } from "../model/layers/attention.js";
import type { BertEmbeddings } from "../model/layers/embeddings.js";
import type { FeedForward } from "../model/layers/feed-forward.js";
import type { LayerNorm } from "../model/layers/layer-norm.js";
import type { Linear } from "../model/layers/linear.js";
import type { DecoderStyleLayer, EncoderLayer } from "../model/layers/transformer-layer.js";
import type { NamedParam } from "../model/params.js";
import type { Pooling } from "../model/config.js";
import { OnnxGraphBuilder } from "./graph-builder.js";

/** ONNX `Cast` target for float32. */
const TO_FLOAT = { int: 1 };

/** The standard BERT graph inputs (int64 [batch, sequence]). */
export interface TokenInputs {
  inputIds: string;
  attentionMask: string;
  tokenTypeIds: string;
}

/** An ONNX graph under construction plus the checkpoint names of the model's variables. */
export class BertGraph {
  readonly g: OnnxGraphBuilder;
  private readonly names = new Map<tf.Variable, string>();
  private readonly stored = new Map<tf.Variable, string>();

  /** `params`: the model's `namedParameters()`, so initializers carry checkpoint names. */
  constructor(graphName: string, params: readonly NamedParam[]) {
    this.g = new OnnxGraphBuilder(graphName);
    for (const p of params) this.names.set(p.variable, p.name);
  }

  /** The three int64 [batch, sequence] inputs `input_ids`, `attention_mask`, `token_type_ids`. */
  tokenInputs(): TokenInputs {
    const dims = ["batch", "sequence"];
    return {
      inputIds: this.g.input("input_ids", "int64", dims),
      attentionMask: this.g.input("attention_mask", "int64", dims),
      tokenTypeIds: this.g.input("token_type_ids", "int64", dims),
    };
  }

  /** A variable as an initializer (once per variable). */
  weight(v: tf.Variable): string {
    const known = this.stored.get(v);
    if (known !== undefined) return known;
    const name = this.g.weight(this.names.get(v) ?? `weight_${this.stored.size}`, v.dataSync() as Float32Array, v.shape);
    this.stored.set(v, name);
    return name;
  }

  /** layers/linear.ts: x W + b over the last axis. */
  linear(l: Linear, x: string): string {
    return this.g.op("Add", [this.g.op("MatMul", [x, this.weight(l.weight)]), this.weight(l.bias)]);
  }

  /** layers/layer-norm.ts, as one LayerNormalization (opset 17) over the last axis. */
  layerNorm(ln: LayerNorm, x: string): string {
    return this.g.op("LayerNormalization", [x, this.weight(ln.gamma), this.weight(ln.beta)], { axis: { int: -1 }, epsilon: { float: ln.eps } }, "ln");
  }

  /** layers/gelu.ts: x * 0.5 * (1 + erf(x / sqrt(2))). */
  gelu(x: string): string {
    const g = this.g;
    const erf = g.op("Erf", [g.op("Mul", [x, g.scalar(Math.SQRT1_2)])]);
    return g.op("Mul", [g.op("Mul", [x, g.scalar(0.5)]), g.op("Add", [erf, g.scalar(1)])], {}, "gelu");
  }

  /** attentionBias of a key mask [B, S] (int64 or float): [B, 1, 1, S]. */
  maskBias(mask: string, maskIsFloat = false): string {
    const g = this.g;
    const m = maskIsFloat ? mask : g.op("Cast", [mask], { to: TO_FLOAT });
    const bias = g.op("Mul", [g.op("Sub", [g.scalar(1), m]), g.scalar(MASK_BIAS)]);
    return g.op("Unsqueeze", [bias, g.int64s([1, 2])], {}, "mask_bias");
  }

  /** layers/attention.ts AttentionBlock: LayerNorm(x + MHA(x, memory) Wo + bo); self-attention: memory = x. */
  attention(block: AttentionBlock, x: string, memory: string, bias: string | undefined): string {
    const g = this.g;
    const { heads, hidden } = block.config;
    const dh = hidden / heads;
    const split = g.int64s([0, 0, heads, dh]);
    const heads4 = (t: string, perm: number[]) => g.op("Transpose", [g.op("Reshape", [t, split])], { perm: { ints: perm } });
    const q = heads4(this.linear(block.attention.query, x), [0, 2, 1, 3]); // [B, h, Sq, dh]
    const kT = heads4(this.linear(block.attention.key, memory), [0, 2, 3, 1]); // [B, h, dh, Sk]
    const v = heads4(this.linear(block.attention.value, memory), [0, 2, 1, 3]); // [B, h, Sk, dh]
    let scores = g.op("Div", [g.op("MatMul", [q, kT]), g.scalar(Math.sqrt(dh))], {}, "scores");
    if (bias !== undefined) scores = g.op("Add", [scores, bias]);
    const probs = g.op("Softmax", [scores], { axis: { int: -1 } });
    const merged = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: { ints: [0, 2, 1, 3] } }), g.int64s([0, 0, hidden])]);
    return this.layerNorm(block.norm, g.op("Add", [x, this.linear(block.output, merged)]));
  }

  /** layers/feed-forward.ts: LayerNorm(x + gelu(x W1 + b1) W2 + b2). */
  feedForward(ffn: FeedForward, x: string): string {
    const h = this.linear(ffn.output, this.gelu(this.linear(ffn.intermediate, x)));
    return this.layerNorm(ffn.norm, this.g.op("Add", [x, h]));
  }

  /** layers/transformer-layer.ts EncoderLayer: FFN(SelfAttn(x)). */
  encoderLayer(layer: EncoderLayer, x: string, bias: string | undefined): string {
    return this.feedForward(layer.ffn, this.attention(layer.attention, x, x, bias));
  }

  /** layers/transformer-layer.ts DecoderStyleLayer: FFN(CrossAttn(SelfAttn(x), memory)). */
  decoderStyleLayer(layer: DecoderStyleLayer, x: string, selfBias: string | undefined, memory: string, memoryBias: string | undefined): string {
    const h = this.attention(layer.attention, x, x, selfBias);
    return this.feedForward(layer.ffn, this.attention(layer.crossAttention, h, memory, memoryBias));
  }

  /** layers/embeddings.ts: LayerNorm(W_word[ids] + W_pos[0..S-1] + W_type[typeIds]). */
  embeddings(emb: BertEmbeddings, ids: string, typeIds: string): string {
    const g = this.g;
    const words = g.op("Gather", [this.weight(emb.word), ids], { axis: { int: 0 } }, "words");
    const length = g.op("Shape", [ids], { start: { int: 1 }, end: { int: 2 } }, "seq_len");
    const positions = g.op("Slice", [this.weight(emb.position), g.int64s([0]), length, g.int64s([0])], {}, "positions");
    const types = g.op("Gather", [this.weight(emb.tokenType), typeIds], { axis: { int: 0 } }, "types");
    return this.layerNorm(emb.norm, g.op("Add", [g.op("Add", [words, positions]), types]));
  }

  /** encoder.ts BertEncoder.run: token states [B, S, H]. */
  encoder(enc: BertEncoder, inputs: TokenInputs): string {
    const bias = this.maskBias(inputs.attentionMask);
    let h = this.embeddings(enc.embeddings, inputs.inputIds, inputs.tokenTypeIds);
    for (const layer of enc.layers) h = this.encoderLayer(layer, h, bias);
    return h;
  }

  /** pooling.ts clsPool: h[:, 0] [B, H]. */
  clsPool(hidden: string): string {
    return this.g.op("Gather", [hidden, this.g.int64s([0], [])], { axis: { int: 1 } }, "cls");
  }

  /** pooling.ts pool: cls or attention-masked mean [B, H] (`mask` int64, or float32 when `maskIsFloat`). */
  pool(mode: Pooling, hidden: string, mask: string, maskIsFloat = false): string {
    if (mode === "cls") return this.clsPool(hidden);
    const g = this.g;
    const m = g.op("Unsqueeze", [maskIsFloat ? mask : g.op("Cast", [mask], { to: TO_FLOAT }), g.int64s([-1])]);
    const axis1 = g.int64s([1]);
    const summed = g.op("ReduceSum", [g.op("Mul", [hidden, m]), axis1], { keepdims: { int: 0 } });
    const count = g.op("Max", [g.op("ReduceSum", [m, axis1], { keepdims: { int: 0 } }), g.scalar(1e-9)]);
    return g.op("Div", [summed, count], {}, "mean");
  }
}
