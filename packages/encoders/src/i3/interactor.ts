/**
 * I3 query-passage interactor (Dong et al. 2023, sec. 3.2 and Fig. 2; reference
 * `DualEncoder.d_head` in III-Retriever `src/modeling.py`): L transformer layers (HF
 * `BertLayer`, = `EncoderLayer`; L = the reference's `n_head_layers`, 1 in its scripts) over the
 * passage and pseudo-query vectors; the output at position 0 is the query-aware passage vector p*:
 *
 *   input = tokens: X_0 = [p0 ; H_p[1:] ; Z]  [B, S + m, H], key mask [passage mask ; 1^m]  (paper)
 *           pooled: X_0 = [p0 ; mean_k Z_k]     [B, 2, H], no mask        (final reference code)
 *   X_l = EncoderLayer_l(X_{l-1})  (l = 1..L, the same key mask in every layer)
 *   p* = X_L[:, 0]
 *
 * Position 0 always holds p0, the passage's pooled vector, so p* is the query-aware version of
 * the vector the dual-encoder would index. With `pooling: "cls"` (the paper's setting) p0 is
 * H_p[CLS] = H_p[0] and X is exactly the paper's [H_p ; Z]. With `pooling: "mean"` the [CLS]
 * state is replaced by the masked mean: reading p* off the raw [CLS] state there made p* a
 * function of one token's state, and this variant did not train at all from scratch (contrastive
 * loss stuck at chance; bugs-and-fixes.md).
 *
 * No position or type embeddings are added to X (the reference feeds the hidden states as
 * they are). The mean over Z is over all m slots (none is padding). Parameter names
 * `d_head.<l>.*` as the reference.
 */
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "../model/config.js";
import type { RunContext } from "../model/context.js";
import { attentionBias } from "../model/layers/attention.js";
import { EncoderLayer } from "../model/layers/transformer-layer.js";
import type { ParamScope } from "../model/params.js";
import { clsPool } from "../model/pooling.js";
import type { InteractorInput } from "./config.js";
import type { PassageStates } from "./reconstructor.js";

/** Encoder layers over the passage and its pseudo-query; returns p*. */
export class QueryPassageInteractor {
  readonly layers: EncoderLayer[];

  /** Creates `layers` (default 1) `EncoderLayer`s under `scope` (`d_head.<l>`). */
  constructor(
    scope: ParamScope,
    config: EncoderConfig,
    readonly input: InteractorInput,
    layers = 1,
  ) {
    this.layers = Array.from({ length: layers }, (_, l) => new EncoderLayer(scope.child(`${l}`), config));
  }

  /** The interactor's input sequence and its key bias (see the module comment). */
  inputs(passage: PassageStates, z: tf.Tensor3D): { x: tf.Tensor3D; bias: tf.Tensor4D | undefined } {
    if (this.input === "pooled") {
      return { x: tf.stack([passage.pooled, tf.mean(z, 1)], 1) as tf.Tensor3D, bias: undefined };
    }
    const [B, m] = z.shape;
    const [, S, H] = passage.hidden.shape;
    const mask = tf.concat([tf.cast(passage.mask, "float32"), tf.ones([B, m])], 1);
    const rest = tf.slice(passage.hidden, [0, 1, 0], [B, S - 1, H]);
    return { x: tf.concat([tf.reshape(passage.pooled, [B, 1, H]), rest, z], 1) as tf.Tensor3D, bias: attentionBias(mask) };
  }

  /** p* [B, H]. Call inside `tf.tidy`. */
  apply(passage: PassageStates, z: tf.Tensor3D, ctx: RunContext): tf.Tensor2D {
    const { x, bias } = this.inputs(passage, z);
    let h = x;
    for (const layer of this.layers) h = layer.apply(h, bias, ctx);
    return clsPool(h);
  }
}
