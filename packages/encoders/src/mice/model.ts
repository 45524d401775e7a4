/**
 * MICE, Minimal Interaction Cross-Encoder (Vast et al., arXiv 2602.16299; reference code
 * xpmir/mice, `src/models/midFusion_modeling.py`, `MiniLMMidFusionCrossEncoder`, cited as
 * `ref:LINE`). A cross-encoder with the query-document interactions of its first l layers
 * removed, so the document side of those layers is computed once and stored:
 *
 *   D   = BERT_{1..l}([CLS] d [SEP])                        document states [Sd, H], stored
 *   Q_0 = BERT_{1..l}([CLS] q [SEP])                        same embeddings and layers (shared)
 *   for j = 1..k:                                           interaction layer j
 *     A   = LN(Q + SelfAttn(Q, Q; query mask, rows >= 1 do not see [CLS]))
 *     C_i = LN(A_i + CrossAttn(A_i, D; document mask))      query token i >= 1
 *     C_0 = LN(A_0 + CrossAttn(A_0, mean_t D_t))            [CLS]: uniform weights on D
 *     Q   = LN(C + FFN(C))
 *   s(q, d) = w . dropout(h) + b,  h = Q[CLS] (or tanh(W Q[CLS] + b') with the pooler)
 *
 * Decisions read from the reference (paraphrased):
 * - Tokens: query and document are tokenised separately, each as `[CLS] text [SEP]`
 *   (ref:368-375, ref:395-401); the first l layers see only token ids and a key-padding mask
 *   (`forward_bottom`, ref:304-314): segment ids 0 and positions from 0 for the document too,
 *   unlike the cross-encoder's `[CLS] q [SEP] d [SEP]` with segment 1 on d.
 * - Shared bottom: one embeddings module and backbone layers 0..l-1 for both sides (ref:206-210).
 * - Interaction layers: HF `BertLayer` with `is_decoder` and `add_cross_attention`
 *   (ref:180-181, ref:233): self-attention, then cross-attention, then FFN, post-LN
 *   (`DecoderStyleLayer`). Seeded from backbone layers `merge_layer .. drop_layer - 1`
 *   (ref:215-229): self-attention and FFN copied, cross-attention's self and output parts loaded
 *   from the same layer's self-attention (ref:268-302; the comment at ref:236 says cross-attention
 *   stays random, the code seeds it: we follow the code). Seed layers are a setting here.
 * - "[CLS] attends only to the query" is a mask, not a skip: `get_cross_attention_mask`
 *   (ref:154-168, `mask_cls_to_doc` default true, ref:65) fills [CLS]'s whole cross-attention
 *   row with finfo.min (document padding is masked there too). In the eager attention the
 *   reference falls back to (ref:116-127; SDPA with a float mask computes the same), every score
 *   of that row rounds to finfo.min, so softmax gives [CLS] uniform weights over all Sd positions
 *   of the padded document batch. We keep the uniform
 *   average but over the document's real tokens only (single-key attention on their masked
 *   mean, equal by linearity): identical to the reference for an unpadded document, and a score
 *   that does not depend on the other documents in the batch, as a stored-state re-ranker needs.
 *   In training the attention dropout then drops that single weight instead of the uniform ones.
 * - `mask_query_to_cls` (default true, ref:68; `get_self_attention_mask`, ref:142-152): in the
 *   interaction layers' self-attention, query tokens i >= 1 do not attend to [CLS]; [CLS] attends
 *   to every real query token. Padding keys are masked in both attentions.
 * - Head (ref:245-261, ref:447-455): the backbone's BertPooler when there is one, else [CLS]
 *   directly; dropout (hidden_dropout_prob); a fresh `classifier` Linear(H, 1). The reference's
 *   backbone is a pretrained LM (`midfusion_minilm_l4.yaml`: MiniLM-L12, always with a pooler);
 *   here MICE starts from one of our cross-encoders (the issue) and the head input follows it
 *   (its pooler is copied); `copyHead` also copies its classifier (the reference starts it fresh).
 * - Not ported: `use_self_attention: false`, `compress_dim`, `random_top_layers`, `freeze_base`.
 *
 * Parameter names are the reference's state-dict names: `embeddings.*`, `bottom_layers.<i>.*`,
 * `top_layers.<j>.{attention,crossattention,intermediate,output}.*`, `pooler.dense.*`,
 * `classifier.*`.
 */
import { seedFromName } from "@i3/core";
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "../model/config.js";
import { RunContext, type ForwardOptions } from "../model/context.js";
import type { CrossEncoder } from "../model/cross-encoder.js";
import { BertEncoder, type EncoderInputs } from "../model/encoder.js";
import { Pooler, ScoreHead } from "../model/heads.js";
import { MASK_BIAS, attentionBias } from "../model/layers/attention.js";
import type { Linear } from "../model/layers/linear.js";
import { DecoderStyleLayer } from "../model/layers/transformer-layer.js";
import { ParamScope, disposeParams, type NamedParam, type ParameterizedModel, type VariableGroups } from "../model/params.js";
import { clsPool, meanPool } from "../model/pooling.js";
import { miceConfig, type MiceConfig, type MiceConfigInput } from "./config.js";
import type { DocumentStates, LayerStates } from "./document-states.js";

/** Copies a Linear layer's weight and bias (same shapes). */
function copyLinear(to: Linear, from: Linear): void {
  to.weight.assign(from.weight);
  to.bias.assign(from.bias);
}

/** Options of the `Mice` constructor. */
export interface MiceOptions {
  /** Init seed of fresh weights (default 0); the bottom encoder uses hash(seed, "bottom"). */
  seed?: number;
}

/** Options of {@link Mice.fromCrossEncoder}: the MICE settings plus how the head starts. */
export interface FromCrossEncoderOptions extends Omit<MiceConfigInput, "headInput"> {
  /** Copy the cross-encoder's classifier (default false: fresh, as the reference). */
  copyHead?: boolean;
  /** Seed of the fresh classifier (default 0). */
  seed?: number;
}

/** MICE: shared bottom layers, k interaction layers over stored document states, a score head. */
export class Mice implements ParameterizedModel {
  readonly config: MiceConfig;
  /** Embeddings and the first l backbone layers (its config has `layers` = l). */
  readonly bottom: BertEncoder;
  readonly interaction: DecoderStyleLayer[];
  readonly pooler: Pooler | undefined;
  readonly head: ScoreHead;
  private readonly scope: ParamScope;

  /** Fresh weights for a backbone `encoder` (its `layers` = L, the seed layers' range). */
  constructor(
    readonly encoder: EncoderConfig,
    mice: MiceConfigInput | MiceConfig,
    opts: MiceOptions = {},
  ) {
    this.config = miceConfig(mice, encoder.layers);
    const seed = opts.seed ?? 0;
    this.bottom = new BertEncoder({ ...encoder, layers: this.config.split }, { seed: seedFromName(seed, "bottom") });
    this.scope = ParamScope.root(seed);
    this.interaction = Array.from({ length: this.config.interactionLayers }, (_, j) => new DecoderStyleLayer(this.scope.child(`top_layers.${j}`), encoder));
    const std = encoder.initializerRange;
    this.pooler = this.config.headInput === "pooler" ? new Pooler(this.scope.child("pooler"), encoder.hidden, std) : undefined;
    this.head = new ScoreHead(this.scope.child("classifier"), encoder.hidden, std);
  }

  /**
   * MICE initialised from a cross-encoder: embeddings and layers 0..l-1 copied, each interaction
   * layer from its seed layer (`DecoderStyleLayer.initFromEncoderLayer`), the pooler copied when
   * the cross-encoder has one; the classifier fresh unless `copyHead`. `ce` is left untouched.
   */
  static fromCrossEncoder(ce: CrossEncoder, opts: FromCrossEncoderOptions): Mice {
    const { copyHead, seed, ...settings } = opts;
    const model = new Mice(ce.config, { ...settings, headInput: ce.pooler === undefined ? "cls" : "pooler" }, { seed });
    const source = new Map(ce.encoder.namedParameters().map((p) => [p.name, p.variable]));
    for (const p of model.bottom.namedParameters()) p.variable.assign(source.get(p.name)!);
    model.interaction.forEach((layer, j) => layer.initFromEncoderLayer(ce.encoder.layers[model.config.seedLayers[j]!]!));
    if (model.pooler !== undefined) copyLinear(model.pooler.dense, ce.pooler!.dense);
    if (copyHead === true) copyLinear(model.head.linear, ce.head.linear);
    return model;
  }

  /** Layer-l states of documents `[CLS] d [SEP]` (segment 0) with their mask; eval unless `opts.training`. */
  encodeDocuments(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): DocumentStates {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => ({ ...this.bottomStates(inputs, ctx) }));
  }

  /** Layer-l states of queries `[CLS] q [SEP]`: computed once per query, then scored against any number of documents. */
  encodeQueries(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): LayerStates {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => ({ ...this.bottomStates(inputs, ctx) }));
  }

  /** Scores [B] of pairs (query b, document b): queries `[CLS] q [SEP]` [B, Sq], stored states [B, Sd, H]. */
  score(queries: EncoderInputs, docs: DocumentStates, opts?: ForwardOptions | RunContext): tf.Tensor1D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => this.interact(this.bottom.run(queries, ctx), queries.attentionMask, docs, ctx));
  }

  /**
   * Scores [B] from encoded queries (`encodeQueries`) and documents: pairs (query b, document b),
   * or one query ([1, Sq, H]) against all B documents.
   */
  scoreEncoded(queries: LayerStates, docs: DocumentStates, opts?: ForwardOptions | RunContext): tf.Tensor1D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => {
      const B = docs.states.shape[0];
      if (queries.states.shape[0] !== 1 || B === 1) return this.interact(queries.states, queries.mask, docs, ctx);
      return this.interact(tf.tile(queries.states, [B, 1, 1]), tf.tile(queries.mask, [B, 1]), docs, ctx);
    });
  }

  /** Training forward: documents through the bottom layers, then `score`; one dropout context for both. */
  forward(queries: EncoderInputs, documents: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor1D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => this.interact(this.bottom.run(queries, ctx), queries.attentionMask, this.bottomStates(documents, ctx), ctx));
  }

  /** Embeddings and the first l layers, with the mask as float32 (inside a tidy). */
  private bottomStates(inputs: EncoderInputs, ctx: RunContext): LayerStates {
    return { states: this.bottom.run(inputs, ctx), mask: tf.cast(inputs.attentionMask, "float32") as tf.Tensor2D };
  }

  /** The k interaction layers and the head (inside a tidy). */
  private interact(q: tf.Tensor3D, queryMask: tf.Tensor, docs: DocumentStates, ctx: RunContext): tf.Tensor1D {
    const [B, Sq, H] = q.shape;
    const [Bd, Sd, Hd] = docs.states.shape;
    if (Bd !== B || Hd !== H) throw new Error(`Mice.score: document states [${docs.states.shape}] do not pair with queries [${B}, ${Sq}, ${H}]`);
    if (docs.mask.shape[0] !== B || docs.mask.shape[1] !== Sd) throw new Error(`Mice.score: document mask [${docs.mask.shape}] != [${B}, ${Sd}]`);
    let selfBias = attentionBias(queryMask);
    if (this.config.maskQueryToCls) {
      const clsColumn = tf.buffer([1, 1, Sq, Sq], "float32");
      for (let i = 1; i < Sq; i++) clsColumn.set(MASK_BIAS, 0, 0, i, 0);
      selfBias = tf.add(selfBias, clsColumn.toTensor()) as tf.Tensor4D;
    }
    const docBias = attentionBias(docs.mask);
    const docMean = this.config.maskClsToDocument ? (tf.expandDims(meanPool(docs.states, docs.mask), 1) as tf.Tensor3D) : undefined;
    let h = q;
    for (const layer of this.interaction) {
      const a = layer.attention.apply(h, h, selfBias, ctx);
      let c: tf.Tensor3D;
      if (docMean === undefined) c = layer.crossAttention.apply(a, docs.states, docBias, ctx);
      else {
        const cls = layer.crossAttention.apply(tf.slice(a, [0, 0, 0], [B, 1, H]), docMean, undefined, ctx);
        c = Sq === 1 ? cls : tf.concat([cls, layer.crossAttention.apply(tf.slice(a, [0, 1, 0], [B, Sq - 1, H]), docs.states, docBias, ctx)], 1);
      }
      h = layer.ffn.apply(c, ctx);
    }
    let pooled = clsPool(h);
    if (this.pooler !== undefined) pooled = this.pooler.apply(pooled);
    return this.head.apply(ctx.dropout(pooled, this.encoder.hiddenDropout));
  }

  /** Reference state-dict names (`embeddings.*`, `bottom_layers.<i>.*`, `top_layers.<j>.*`, `pooler.*`, `classifier.*`). */
  namedParameters(): NamedParam[] {
    const bottom = this.bottom.namedParameters().map((p) => ({ ...p, name: p.name.replace(/^encoder\.layer\./, "bottom_layers.") }));
    return [...bottom, ...this.scope.params()];
  }

  /** backbone = embeddings, bottom and interaction layers (all seeded from the backbone); heads = pooler + classifier. */
  variableGroups(): VariableGroups {
    const params = this.namedParameters();
    const isHead = (p: NamedParam) => /^(pooler|classifier)\./.test(p.name);
    return { backbone: params.filter((p) => !isHead(p)).map((p) => p.variable), heads: params.filter(isHead).map((p) => p.variable) };
  }

  /** Frees every variable. */
  dispose(): void {
    disposeParams(this.namedParameters());
  }
}
