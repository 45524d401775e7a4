/**
 * I3 query reconstructor (Dong et al. 2023, sec. 3.2 and Fig. 2; reference
 * `DualEncoder.c_head` in III-Retriever `src/modeling.py`):
 *
 *   X_0 = Emb_p([CLS] [MASK]^(m-2) [SEP])                 E_p's embedding layer, [B, m, H]
 *   X_l = DecoderStyleLayer_l(X_{l-1}, memory)              l = 1..L (L in 1..3)
 *   Z   = X_L                                               the pseudo-query vectors, [B, m, H]
 *
 * Each layer = bidirectional self-attention over the m slots (no padding: all slots are real,
 * as the reference's all-ones decoder mask) + cross-attention to the memory + FFN (HF
 * `BertLayer(is_decoder, add_cross_attention)` called with a non-causal mask).
 * memory = `tokens`: H_p [B, S, H] with the passage padding mask (paper; the reference's
 * `decode_passage`); `pooled`: p0 [B, 1, H], no mask (the reference's training/indexing path,
 * `encoder_hidden_states=p_reps.unsqueeze(1)`, where p0 is the [CLS] state; ours is the
 * passage encoder's pooled vector, the [CLS] state with CLS pooling). Parameter names `c_head.<l>.*` as the reference.
 */
import type { tf } from "../backend/tf.js";
import type { EncoderConfig } from "../model/config.js";
import type { RunContext } from "../model/context.js";
import { attentionBias } from "../model/layers/attention.js";
import { DecoderStyleLayer } from "../model/layers/transformer-layer.js";
import type { ParamScope } from "../model/params.js";
import type { ReconstructorMemory } from "./config.js";

/** What the reconstructor reads from the passage encoder. */
export interface PassageStates {
  /** H_p, last-layer token states [B, S, H]. */
  hidden: tf.Tensor3D;
  /** p0, the pooled passage vector [B, H] (the [CLS] state with `pooling: "cls"`). */
  pooled: tf.Tensor2D;
  /** Passage padding mask [B, S] (1 token, 0 pad). */
  mask: tf.Tensor;
}

/** A stack of decoder-style layers over the slot embeddings. */
export class QueryReconstructor {
  readonly layers: DecoderStyleLayer[];

  /** Creates `layers` decoder-style layers under `scope` (`c_head.<l>`). */
  constructor(
    scope: ParamScope,
    config: EncoderConfig,
    layers: number,
    readonly memory: ReconstructorMemory,
  ) {
    this.layers = Array.from({ length: layers }, (_, l) => new DecoderStyleLayer(scope.child(`${l}`), config));
  }

  /** Slot embeddings [B, m, H] and the passage's states -> Z [B, m, H]. Call inside `tf.tidy`. */
  apply(slots: tf.Tensor3D, passage: PassageStates, ctx: RunContext): tf.Tensor3D {
    const [B, H] = passage.pooled.shape;
    const memory = this.memory === "tokens" ? passage.hidden : (passage.pooled.reshape([B, 1, H]) as tf.Tensor3D);
    const memoryBias = this.memory === "tokens" ? attentionBias(passage.mask) : undefined;
    let z = slots;
    for (const layer of this.layers) z = layer.apply(z, undefined, memory, memoryBias, ctx);
    return z;
  }
}
