/**
 * Dual-encoder (DPR, Karpukhin et al. 2020; DESIGN.md sec. 2):
 *   s(q, p) = E_q(q) . E_p(p),  E = pooled BERT output (cls by default).
 * Towers are shared (E_q = E_p, one set of weights) or separate (two encoders).
 * Passage vectors do not depend on the query, so they can be pre-computed and searched by
 * maximum inner product.
 */
import { seedFromName } from "@i3/core";
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "./config.js";
import type { ForwardOptions, RunContext } from "./context.js";
import { BertEncoder, type EncoderInputs } from "./encoder.js";
import { type NamedParam, type ParameterizedModel, type VariableGroups } from "./params.js";

/** Options of `DualEncoder`. */
export interface DualEncoderOptions {
  /** One encoder for both sides (default true). */
  shared?: boolean;
  /** Init seed (default 0); separate towers use hash(seed, "query") and hash(seed, "passage"). */
  seed?: number;
  /** Use these towers instead of fresh ones (e.g. loaded from checkpoints); `passage` omitted = shared. */
  towers?: { query: BertEncoder; passage?: BertEncoder };
}

/** Query and passage towers with inner-product scoring. */
export class DualEncoder implements ParameterizedModel {
  readonly queryEncoder: BertEncoder;
  readonly passageEncoder: BertEncoder;
  readonly shared: boolean;

  /** Fresh towers from `config`, or the given `towers`. */
  constructor(config: EncoderConfig, opts: DualEncoderOptions = {}) {
    if (opts.towers !== undefined) {
      this.queryEncoder = opts.towers.query;
      this.passageEncoder = opts.towers.passage ?? opts.towers.query;
    } else if (opts.shared ?? true) {
      this.queryEncoder = this.passageEncoder = new BertEncoder(config, { seed: opts.seed ?? 0 });
    } else {
      const seed = opts.seed ?? 0;
      this.queryEncoder = new BertEncoder(config, { seed: seedFromName(seed, "query") });
      this.passageEncoder = new BertEncoder(config, { seed: seedFromName(seed, "passage") });
    }
    this.shared = this.queryEncoder === this.passageEncoder;
  }

  /** Query vectors [Bq, H]. */
  encodeQueries(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor2D {
    return this.queryEncoder.encode(inputs, opts);
  }

  /** Passage vectors [Bp, H]. */
  encodePassages(inputs: EncoderInputs, opts?: ForwardOptions | RunContext): tf.Tensor2D {
    return this.passageEncoder.encode(inputs, opts);
  }

  /** All-pairs scores q . p^T: [Bq, H] x [Bp, H] -> [Bq, Bp]. */
  scores(q: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(q, p, false, true);
  }

  /**
   * Parameters: shared towers under HF names (no prefix); separate towers under `query.` and
   * `passage.` prefixes (saved as two HF folders, see `saveDualEncoder`).
   */
  namedParameters(): NamedParam[] {
    if (this.shared) return this.queryEncoder.namedParameters();
    const prefixed = (prefix: string, ps: NamedParam[]) => ps.map((p) => ({ ...p, name: `${prefix}.${p.name}` }));
    return [...prefixed("query", this.queryEncoder.namedParameters()), ...prefixed("passage", this.passageEncoder.namedParameters())];
  }

  /** Both towers are backbone; no heads. */
  variableGroups(): VariableGroups {
    return { backbone: this.namedParameters().map((p) => p.variable), heads: [] };
  }

  /** Frees both towers (once when shared). */
  dispose(): void {
    this.queryEncoder.dispose();
    if (!this.shared) this.passageEncoder.dispose();
  }
}
