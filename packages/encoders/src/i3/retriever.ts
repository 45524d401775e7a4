/**
 * I3 retriever (Dong et al., "I^3 Retriever: Incorporating Implicit Interaction in Pre-trained
 * Language Models for Passage Retrieval", CIKM 2023, arXiv 2306.02371; reference code
 * Deriq-Qian-Dong/III-Retriever `src/modeling.py`, class `DualEncoder` with `add_decoder`):
 *
 *   q        = E_q(q)[CLS]                                   as the dual-encoder
 *   H_p, p0  = E_p(p), E_p(p)[CLS]
 *   Z        = Reconstructor(Emb_p(slots), H_p | p0)         pseudo-query vectors [m, H]
 *   p*       = Interactor(H_p, Z | p0, mean Z)[0]            (p* = p0 when disabled)
 *   s(q, p)  = q . p*
 *   logits   = MlmHead(Z)                                    [m, V], for L_rec
 *
 * The whole passage side (E_p, reconstructor, interactor) depends on p only, so it runs at
 * index time: the index holds one H-dim vector p* per passage and query-time work equals the
 * dual-encoder's. With the interactor disabled, scores are exactly the dual-encoder's.
 */
import { seedFromName } from "@i3/core";
import { tf } from "../backend/tf.js";
import { embeddingLookup } from "../kernels/embedding-lookup.js";
import type { EncoderConfig } from "../model/config.js";
import { RunContext, type ForwardOptions } from "../model/context.js";
import { BertEncoder, type EncoderInputs } from "../model/encoder.js";
import { ParamScope, disposeParams, type NamedParam, type ParameterizedModel, type VariableGroups } from "../model/params.js";
import { pool } from "../model/pooling.js";
import { i3Config, type I3Config, type I3ConfigInput } from "./config.js";
import { QueryPassageInteractor } from "./interactor.js";
import { MlmHead } from "./mlm-head.js";
import { QueryReconstructor, type PassageStates } from "./reconstructor.js";
import { slotIds } from "./slots.js";

/** Options of `I3Retriever` (towers as `DualEncoderOptions`). */
export interface I3RetrieverOptions {
  /** One encoder for queries and passages (default true; the reference has two, `lm_q`/`lm_p`). */
  shared?: boolean;
  /** Init seed (default 0). Towers as `DualEncoder`; heads use hash(seed, "i3-heads"). */
  seed?: number;
  /** Use these towers (e.g. a trained dual-encoder's); `passage` omitted = shared. */
  towers?: { query: BertEncoder; passage?: BertEncoder };
}

/** Passage-side outputs for training. */
export interface I3PassageOutput {
  /** p*, the index vectors [B, H]. */
  vectors: tf.Tensor2D;
  /** p0, the passage encoder's pooled vector [B, H]. */
  pooled: tf.Tensor2D;
  /** Z, the pseudo-query vectors [B, m, H]. */
  z: tf.Tensor3D;
  /** MLM logits over Z [B, m, V] (absent with `{ logits: false }`). */
  logits?: tf.Tensor3D;
}

/** The I3 retriever: dual-encoder towers plus the passage-side reconstructor, interactor and MLM head. */
export class I3Retriever implements ParameterizedModel {
  readonly config: I3Config;
  readonly queryEncoder: BertEncoder;
  readonly passageEncoder: BertEncoder;
  readonly shared: boolean;
  readonly reconstructor: QueryReconstructor;
  readonly interactor: QueryPassageInteractor | undefined;
  readonly mlmHead: MlmHead;
  private readonly headScope: ParamScope;
  private readonly slots: Int32Array;

  /** Fresh (or given) towers from `encoder`; fresh heads from `i3`. */
  constructor(
    readonly encoder: EncoderConfig,
    i3: I3ConfigInput | I3Config,
    opts: I3RetrieverOptions = {},
  ) {
    this.config = i3Config(i3);
    const seed = opts.seed ?? 0;
    if (opts.towers !== undefined) {
      this.queryEncoder = opts.towers.query;
      this.passageEncoder = opts.towers.passage ?? opts.towers.query;
    } else if (opts.shared ?? true) {
      this.queryEncoder = this.passageEncoder = new BertEncoder(encoder, { seed });
    } else {
      this.queryEncoder = new BertEncoder(encoder, { seed: seedFromName(seed, "query") });
      this.passageEncoder = new BertEncoder(encoder, { seed: seedFromName(seed, "passage") });
    }
    this.shared = this.queryEncoder === this.passageEncoder;
    const { slots, reconstructor, interactor, mlmHead, specialTokens } = this.config;
    if (slots > encoder.maxPositions) throw new Error(`I3: ${slots} slots exceed maxPositions ${encoder.maxPositions}`);
    this.headScope = ParamScope.root(seedFromName(seed, "i3-heads"));
    this.reconstructor = new QueryReconstructor(this.headScope.child("c_head"), encoder, reconstructor.layers, reconstructor.memory);
    this.interactor = interactor.enabled ? new QueryPassageInteractor(this.headScope.child("d_head"), encoder, interactor.input, interactor.layers) : undefined;
    this.mlmHead = new MlmHead(this.headScope.child("cls.predictions"), encoder, mlmHead.tied ? this.passageEncoder.embeddings.word : undefined);
    this.slots = slotIds(slots, specialTokens);
  }

  /** Query vectors [Bq, H], exactly the dual-encoder's E_q(q). */
  encodeQueries(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor2D {
    return this.queryEncoder.encode(inputs, opts);
  }

  /** Index vectors p* [Bp, H] (no MLM head; with the interactor disabled, just E_p(p)). */
  encodePassages(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor2D {
    if (this.interactor === undefined) return this.passageEncoder.encode(inputs, opts);
    const ctx = RunContext.of(opts);
    return tf.tidy(() => {
      const passage = this.passageStates(inputs, ctx);
      return this.interactor!.apply(passage, this.reconstruct(passage, ctx), ctx);
    });
  }

  /** p*, p0, Z and (unless `logits: false`) the MLM logits: everything the training loss needs. */
  forwardPassages(inputs: EncoderInputs, opts?: ForwardOptions | RunContext, what: { logits?: boolean } = {}): I3PassageOutput {
    const ctx = RunContext.of(opts);
    return tf.tidy(() => {
      const passage = this.passageStates(inputs, ctx);
      const z = this.reconstruct(passage, ctx);
      const vectors = this.interactor === undefined ? passage.pooled : this.interactor.apply(passage, z, ctx);
      const base = { vectors, pooled: passage.pooled, z };
      return (what.logits ?? true) ? { ...base, logits: this.mlmHead.apply(z) } : base;
    });
  }

  /**
   * MLM logits at chosen slots only: `positions` int32 [K] are flat indices b * m + k into Z
   * [B, m, H]; returns [K, V], equal to rows of `forwardPassages(...).logits` reshaped
   * [B * m, V]. The reconstruction loss needs logits only where a target token is, which cuts
   * the [B * m, V] product (the largest tensor of a training step) to [K, V]. The row gather is
   * `embeddingLookup` (its gradient trains on wasm). Call inside `tf.tidy`.
   */
  mlmLogitsAt(z: tf.Tensor3D, positions: tf.Tensor1D): tf.Tensor2D {
    const [B, m, H] = z.shape;
    const rows = embeddingLookup(tf.reshape(z, [B * m, H]) as tf.Tensor2D, positions);
    return tf.reshape(this.mlmHead.apply(tf.reshape(rows, [1, -1, H]) as tf.Tensor3D), [-1, this.encoder.vocabSize]) as tf.Tensor2D;
  }

  /** All-pairs scores q . p*^T: [Bq, H] x [Bp, H] -> [Bq, Bp]. */
  scores(q: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(q, p, false, true);
  }

  /**
   * Reference state-dict names (III-Retriever, without DDP's `module.`): towers `lm_q.*` and
   * `lm_p.*` (shared: `lm_p.*` only), heads `c_head.<l>.*`, `d_head.<l>.*`, `cls.predictions.*`.
   */
  namedParameters(): NamedParam[] {
    const prefixed = (prefix: string, ps: NamedParam[]) => ps.map((p) => ({ ...p, name: `${prefix}.${p.name}` }));
    const towers = this.shared
      ? prefixed("lm_p", this.passageEncoder.namedParameters())
      : [...prefixed("lm_q", this.queryEncoder.namedParameters()), ...prefixed("lm_p", this.passageEncoder.namedParameters())];
    return [...towers, ...this.headScope.params()];
  }

  /** backbone = the towers; heads = reconstructor, interactor and MLM head (50x lr in the reference). */
  variableGroups(): VariableGroups {
    const heads = this.headScope.params().map((p) => p.variable);
    const backbone = this.shared ? this.queryEncoder.variableGroups().backbone : [...this.queryEncoder.variableGroups().backbone, ...this.passageEncoder.variableGroups().backbone];
    return { backbone, heads };
  }

  /** Frees towers (once when shared) and heads. */
  dispose(): void {
    this.queryEncoder.dispose();
    if (!this.shared) this.passageEncoder.dispose();
    disposeParams(this.headScope.params());
  }

  private passageStates(inputs: EncoderInputs, ctx: RunContext): PassageStates {
    const hidden = this.passageEncoder.run(inputs, ctx);
    return { hidden, pooled: pool(this.passageEncoder.config.pooling, hidden, inputs.attentionMask), mask: inputs.attentionMask };
  }

  /** Z from the slot embeddings (E_p's embedding layer) and the passage states. */
  private reconstruct(passage: PassageStates, ctx: RunContext): tf.Tensor3D {
    const B = passage.hidden.shape[0];
    const m = this.slots.length;
    const ids = tf.tensor2d(this.slots, [1, m], "int32").tile([B, 1]);
    const slots = this.passageEncoder.embeddings.apply(ids, undefined, ctx);
    return this.reconstructor.apply(slots, passage, ctx);
  }
}
