/**
 * Cross-encoder re-ranker (monoBERT, Nogueira & Cho 2019; DESIGN.md sec. 2):
 *   s(q, p) = w . BERT([CLS] q [SEP] p [SEP])[CLS] + b
 * (segment ids 0 for "[CLS] q [SEP]", 1 for "p [SEP]"; build them with `pairInputs`).
 * With `pooler: true` the head reads HF's pooler output tanh(W h_cls + b) instead, which is
 * exactly HF `BertForSequenceClassification` (num_labels = 1) in eval mode.
 * Parameter names follow that class: `bert.embeddings.*`, `bert.encoder.*`,
 * `bert.pooler.dense.*` (optional), `classifier.weight`, `classifier.bias`.
 */
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "./config.js";
import { RunContext, type ForwardOptions } from "./context.js";
import { BertEncoder, type EncoderInputs } from "./encoder.js";
import { Pooler, ScoreHead } from "./heads.js";
import { ParamScope, disposeParams, type NamedParam, type ParameterizedModel, type VariableGroups } from "./params.js";
import { clsPool } from "./pooling.js";

/** Options of `CrossEncoder`. */
export interface CrossEncoderOptions {
  /** Init seed (default 0). */
  seed?: number;
  /** Put HF's BertPooler (dense + tanh) between [CLS] and the head (default false). */
  pooler?: boolean;
  /** Use this encoder instead of a fresh one (e.g. loaded from a checkpoint). */
  encoder?: BertEncoder;
}

/** BERT over the concatenated pair, linear score head on [CLS]. */
export class CrossEncoder implements ParameterizedModel {
  readonly encoder: BertEncoder;
  readonly pooler: Pooler | undefined;
  readonly head: ScoreHead;
  private readonly headScope: ParamScope;

  /** Fresh encoder (seeded) and head; the head is initialised like BERT's (truncnormal 0.02, bias 0). */
  constructor(
    readonly config: EncoderConfig,
    opts: CrossEncoderOptions = {},
  ) {
    const seed = opts.seed ?? 0;
    this.encoder = opts.encoder ?? new BertEncoder(config, { seed });
    this.headScope = ParamScope.root(seed);
    this.pooler = opts.pooler === true ? new Pooler(this.headScope.child("bert.pooler"), config.hidden, config.initializerRange) : undefined;
    this.head = new ScoreHead(this.headScope.child("classifier"), config.hidden, config.initializerRange);
  }

  /** Scores [B] for pair inputs [B, S] (eval unless `opts.training`; head input dropped out in training as in HF). */
  forward(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor1D {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => {
      let h = clsPool(this.encoder.run(inputs, ctx));
      if (this.pooler !== undefined) h = this.pooler.apply(h);
      return this.head.apply(ctx.dropout(h, this.config.hiddenDropout));
    });
  }

  /** HF `BertForSequenceClassification` names (encoder under `bert.`). */
  namedParameters(): NamedParam[] {
    return [...this.encoder.namedParameters().map((p) => ({ ...p, name: `bert.${p.name}` })), ...this.headScope.params()];
  }

  /** backbone = encoder; heads = pooler (if any) + classifier. */
  variableGroups(): VariableGroups {
    return { backbone: this.encoder.variableGroups().backbone, heads: this.headScope.params().map((p) => p.variable) };
  }

  /** Frees encoder and head. */
  dispose(): void {
    this.encoder.dispose();
    disposeParams(this.headScope.params());
  }
}
