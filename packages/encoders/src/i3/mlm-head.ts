/**
 * MLM head over the pseudo-query vectors, HF `BertOnlyMLMHead` (`BertLMPredictionHead`), as the
 * I3 reference builds it (`self.cls = BertOnlyMLMHead(config)` in III-Retriever
 * `src/modeling.py`):
 *
 *   T = LayerNorm(gelu(Z W_t + b_t))            transform, [B, m, H]
 *   logits = T W_dec + b                        [B, m, V]
 *
 * W_dec: untied by default: the reference creates a fresh head and leaves the tied variant
 * (`self.cls = self.lm_p.cls`) commented out, and its module is no `PreTrainedModel`, so HF
 * never ties it. `tied: true` uses E_p's word embeddings, W_dec = W_word^T (BERT's MLM). The
 * product is an explicit transpose then a plain matMul (the wasm fast path, DESIGN.md sec. 6).
 * Names: `cls.predictions.transform.dense.*`, `cls.predictions.transform.LayerNorm.*`,
 * `cls.predictions.decoder.weight` (untied only), `cls.predictions.bias`.
 */
import { tf } from "../backend/tf.js";
import type { EncoderConfig } from "../model/config.js";
import { gelu } from "../model/layers/gelu.js";
import { LayerNorm } from "../model/layers/layer-norm.js";
import { Linear } from "../model/layers/linear.js";
import type { ParamScope } from "../model/params.js";

/** Transform (dense + GELU + LayerNorm) then a vocabulary decoder. */
export class MlmHead {
  readonly dense: Linear;
  readonly norm: LayerNorm;
  /** [H, V] when untied; undefined when tied to `wordEmbeddings`. */
  readonly decoder: tf.Variable | undefined;
  readonly bias: tf.Variable;

  /**
   * Creates the head under `scope` (`cls.predictions`); `wordEmbeddings` [V, H] is used as the
   * decoder when given (tied), otherwise a fresh [H, V] decoder is created.
   */
  constructor(
    scope: ParamScope,
    config: EncoderConfig,
    private readonly wordEmbeddings?: tf.Variable,
  ) {
    const { hidden, vocabSize, initializerRange } = config;
    this.dense = new Linear(scope.child("transform.dense"), hidden, hidden, initializerRange);
    this.norm = new LayerNorm(scope.child("transform.LayerNorm"), hidden, config.layerNormEps);
    this.decoder = wordEmbeddings === undefined ? scope.truncatedNormal("decoder.weight", [hidden, vocabSize], initializerRange, true) : undefined;
    this.bias = scope.zeros("bias", [vocabSize]);
  }

  /** Z [B, m, H] -> logits [B, m, V]. Call inside `tf.tidy`. */
  apply(z: tf.Tensor3D): tf.Tensor3D {
    const [B, m, H] = z.shape;
    const t = tf.reshape(this.norm.apply(gelu(this.dense.apply(z))), [B * m, H]);
    const w = this.decoder ?? tf.transpose(this.wordEmbeddings!);
    const logits = tf.add(tf.matMul(t, w), this.bias);
    return tf.reshape(logits, [B, m, -1]) as tf.Tensor3D;
  }
}
