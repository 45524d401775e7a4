/**
 * BERT encoder (Devlin et al. 2019; HF `BertModel` without its pooler):
 *   h_0 = Embeddings(ids, tokenTypeIds)
 *   h_l = EncoderLayer_l(h_{l-1}, attentionBias(mask)),  l = 1..L
 *   pooled = h_L[:, 0] (cls) or masked mean of h_L (mean)
 * Parameter names are HF's (`embeddings.*`, `encoder.layer.<i>.*`), so a `BertModel`
 * state dict loads one-to-one (see `../checkpoint`).
 */
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "./config.js";
import { RunContext, type ForwardOptions } from "./context.js";
import { attentionBias } from "./layers/attention.js";
import { BertEmbeddings } from "./layers/embeddings.js";
import { EncoderLayer } from "./layers/transformer-layer.js";
import { ParamScope, disposeParams, type NamedParam, type ParameterizedModel, type VariableGroups } from "./params.js";
import { pool } from "./pooling.js";

/** Token ids and masks of a batch (all [B, S]). */
export interface EncoderInputs {
  /** Token ids, int32. */
  inputIds: tf.Tensor;
  /** 1 for real tokens, 0 for padding (int32 or float32). */
  attentionMask: tf.Tensor;
  /** Segment ids (int32); default all 0. */
  tokenTypeIds?: tf.Tensor;
}

/** Encoder outputs. */
export interface EncoderOutput {
  /** Last-layer token states [B, S, H]. */
  hidden: tf.Tensor3D;
  /** Pooled vector [B, H] (config.pooling). */
  pooled: tf.Tensor2D;
}

/** Options for building an encoder. */
export interface BertEncoderOptions {
  /** Initialisation seed (default 0). */
  seed?: number;
}

/** A BERT encoder with seeded init, HF parameter names, eval/training forward. */
export class BertEncoder implements ParameterizedModel {
  readonly embeddings: BertEmbeddings;
  readonly layers: EncoderLayer[];
  private readonly scope: ParamScope;

  /** Builds embeddings and `config.layers` layers with freshly initialised variables. */
  constructor(
    readonly config: EncoderConfig,
    opts: BertEncoderOptions = {},
  ) {
    this.scope = ParamScope.root(opts.seed ?? 0);
    this.embeddings = new BertEmbeddings(this.scope.child("embeddings"), config);
    this.layers = Array.from({ length: config.layers }, (_, i) => new EncoderLayer(this.scope.child(`encoder.layer.${i}`), config));
  }

  /** Token states and pooled vector. Eval mode unless `opts.training`. */
  forward(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): EncoderOutput {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => {
      const hidden = this.run(inputs, ctx);
      return { hidden, pooled: pool(this.config.pooling, hidden, inputs.attentionMask) };
    });
  }

  /** Only the pooled vectors [B, H]. */
  encode(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor2D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => pool(this.config.pooling, this.run(inputs, ctx), inputs.attentionMask));
  }

  /**
   * Embeddings then layers [from, to) (defaults: all) -> token states; for heads and split
   * models (MICE). Unlike `forward`, not wrapped in `tf.tidy`: call it inside one.
   */
  run(inputs: EncoderInputs, ctx: RunContext, from = 0, to = this.layers.length): tf.Tensor3D {
    checkInputs(inputs);
    const bias = attentionBias(inputs.attentionMask);
    let h = this.embeddings.apply(inputs.inputIds, inputs.tokenTypeIds, ctx);
    for (let i = from; i < to; i++) h = this.layers[i]!.apply(h, bias, ctx);
    return h;
  }

  /** Parameters under HF `BertModel` names (no prefix). */
  namedParameters(): NamedParam[] {
    return this.scope.params();
  }

  /** All encoder variables are backbone; no heads. */
  variableGroups(): VariableGroups {
    return { backbone: this.namedParameters().map((p) => p.variable), heads: [] };
  }

  /** Frees the variables. */
  dispose(): void {
    disposeParams(this.namedParameters());
  }
}

function checkInputs({ inputIds, attentionMask, tokenTypeIds }: EncoderInputs): void {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (inputIds.rank !== 2) throw new Error(`inputIds must be [B, S], got [${inputIds.shape}]`);
  if (!same(attentionMask.shape, inputIds.shape)) throw new Error(`attentionMask shape [${attentionMask.shape}] != inputIds shape [${inputIds.shape}]`);
  if (tokenTypeIds !== undefined && !same(tokenTypeIds.shape, inputIds.shape)) {
    throw new Error(`tokenTypeIds shape [${tokenTypeIds.shape}] != inputIds shape [${inputIds.shape}]`);
  }
}
