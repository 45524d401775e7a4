/**
 * A small encoder-decoder for doc2query (Nogueira, Yang, Lin, Cho 2019, "Document Expansion by
 * Query Prediction": a seq2seq transformer trained on (passage, relevant query) pairs, which
 * then predicts queries for every passage), built from `@i3/encoders` blocks:
 *
 *   memory  = BertEncoder([CLS] passage [SEP])                       [B, S, H]
 *   h_0     = Embeddings_dec([CLS] y_1 .. y_{n})                       [B, T, H]  ([CLS] = BOS)
 *   h_l     = FFN(CrossAttn(SelfAttn_causal(h_{l-1}), memory))        (DecoderStyleLayer with a
 *             causal + padding bias, see causal-bias.ts)
 *   logits  = h_L W_vocab + b                                          [B, T, V]
 *
 * Trained by teacher forcing to predict y_1 .. y_n [SEP] ([SEP] = EOS). Parameter names:
 * `encoder.*` (HF `BertModel` names under the prefix), `decoder.embeddings.*`,
 * `decoder.layer.<i>.*` (HF `BertLayer` with cross-attention), `decoder.lm_head.*`.
 */
import { seedFromName } from "@i3/core";
import {
  BertEmbeddings,
  BertEncoder,
  DecoderStyleLayer,
  Linear,
  ParamScope,
  RunContext,
  attentionBias,
  disposeParams,
  encoderConfig,
  tf,
  type EncoderConfig,
  type EncoderConfigInput,
  type EncoderInputs,
  type ForwardOptions,
  type NamedParam,
  type ParameterizedModel,
  type VariableGroups,
} from "@i3/encoders";
import { decoderSelfBias } from "./causal-bias.js";

/** Size of a {@link Doc2QueryModel}: an encoder config plus the decoder depth. */
export interface Doc2QueryConfig {
  /** Encoder (and decoder width, heads, FFN, vocabulary, positions). */
  encoder: EncoderConfigInput & Partial<EncoderConfig>;
  /** Decoder layers. Default 1. */
  decoderLayers?: number;
}

/** Encoded passages, ready for repeated decoder calls. */
export interface EncodedMemory {
  memory: tf.Tensor3D;
  memoryBias: tf.Tensor4D;
}

/** The doc2query encoder-decoder (see the module comment). */
export class Doc2QueryModel implements ParameterizedModel {
  readonly config: EncoderConfig;
  readonly decoderLayers: number;
  readonly encoder: BertEncoder;
  readonly embeddings: BertEmbeddings;
  readonly layers: DecoderStyleLayer[];
  readonly lmHead: Linear;
  private readonly scope: ParamScope;

  /** Fresh, seeded weights (encoder seed `seed`, decoder seed hash(seed, "decoder")). */
  constructor(config: Doc2QueryConfig, opts: { seed?: number } = {}) {
    const seed = opts.seed ?? 0;
    this.config = encoderConfig(config.encoder);
    this.decoderLayers = config.decoderLayers ?? 1;
    if (!(Number.isInteger(this.decoderLayers) && this.decoderLayers >= 1)) throw new RangeError(`Doc2QueryModel: decoderLayers must be an integer >= 1, got ${this.decoderLayers}`);
    this.encoder = new BertEncoder(this.config, { seed });
    this.scope = ParamScope.root(seedFromName(seed, "decoder")).child("decoder");
    this.embeddings = new BertEmbeddings(this.scope.child("embeddings"), this.config);
    this.layers = Array.from({ length: this.decoderLayers }, (_, i) => new DecoderStyleLayer(this.scope.child(`layer.${i}`), this.config));
    this.lmHead = new Linear(this.scope.child("lm_head"), this.config.hidden, this.config.vocabSize, this.config.initializerRange);
  }

  /** Passage token states and their key bias. Not tidied: call inside `tf.tidy` (or dispose both). */
  encode(inputs: EncoderInputs, ctx: RunContext): EncodedMemory {
    return { memory: this.encoder.run(inputs, ctx), memoryBias: attentionBias(inputs.attentionMask) };
  }

  /**
   * Decoder logits [B, T, V] for decoder inputs ids/mask [B, T] (right-padded, starting with
   * BOS) over encoded passages. Not tidied: call inside `tf.tidy`.
   */
  decode(encoded: EncodedMemory, ids: tf.Tensor2D, mask: tf.Tensor2D, ctx: RunContext): tf.Tensor3D {
    const selfBias = decoderSelfBias(mask);
    let h = this.embeddings.apply(ids, undefined, ctx);
    for (const layer of this.layers) h = layer.apply(h, selfBias, encoded.memory, encoded.memoryBias, ctx);
    return this.lmHead.apply(h) as tf.Tensor3D;
  }

  /** Teacher-forced logits [B, T, V] (eval mode unless `opts.training`). */
  forward(passage: EncoderInputs, decoderIds: tf.Tensor2D, decoderMask: tf.Tensor2D, opts?: ForwardOptions | RunContext): tf.Tensor3D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => this.decode(this.encode(passage, ctx), decoderIds, decoderMask, ctx));
  }

  /** `encoder.*` then `decoder.*` parameters. */
  namedParameters(): NamedParam[] {
    const enc = this.encoder.namedParameters().map((p) => ({ ...p, name: `encoder.${p.name}` }));
    return [...enc, ...this.scope.params()];
  }

  /** Encoder = backbone; decoder and vocabulary projection = heads. */
  variableGroups(): VariableGroups {
    return { backbone: this.encoder.namedParameters().map((p) => p.variable), heads: this.scope.params().map((p) => p.variable) };
  }

  /** Frees every variable. */
  dispose(): void {
    this.encoder.dispose();
    disposeParams(this.scope.params());
  }
}
