/**
 * BERT input embeddings (Devlin et al. 2019, sec. 3; HF `BertEmbeddings`):
 * E = dropout(LayerNorm(W_word[ids] + W_pos[0..S-1] + W_type[tokenTypeIds])).
 * HF names: `embeddings.{word,position,token_type}_embeddings.weight`, `embeddings.LayerNorm.*`.
 *
 * Lookups use `embeddingLookup` (a gather whose gradient is a scatter, so it trains on the
 * wasm backend too); positions are a slice of the table (absolute positions from 0).
 */
import { tf } from "../../backend/tf.js";
import { embeddingLookup } from "../../kernels/embedding-lookup.js";
import type { EncoderConfig } from "../config.js";
import type { RunContext } from "../context.js";
import type { ParamScope } from "../params.js";
import { LayerNorm } from "./layer-norm.js";

/** Word + position + token-type embeddings, LayerNorm, dropout. */
export class BertEmbeddings {
  readonly word: tf.Variable;
  readonly position: tf.Variable;
  readonly tokenType: tf.Variable;
  readonly norm: LayerNorm;

  /** Creates the three tables (truncnormal) and the LayerNorm under `scope` (normally `embeddings`). */
  constructor(
    scope: ParamScope,
    readonly config: EncoderConfig,
  ) {
    const { vocabSize, maxPositions, typeVocabSize, hidden, initializerRange } = config;
    this.word = scope.truncatedNormal("word_embeddings.weight", [vocabSize, hidden], initializerRange);
    this.position = scope.truncatedNormal("position_embeddings.weight", [maxPositions, hidden], initializerRange);
    this.tokenType = scope.truncatedNormal("token_type_embeddings.weight", [typeVocabSize, hidden], initializerRange);
    this.norm = new LayerNorm(scope.child("LayerNorm"), hidden, config.layerNormEps);
  }

  /**
   * ids [B, S] int32 (and optional tokenTypeIds [B, S] int32, default all 0) -> [B, S, H].
   * Throws if S exceeds `maxPositions`.
   */
  apply(ids: tf.Tensor, tokenTypeIds: tf.Tensor | undefined, ctx: RunContext): tf.Tensor3D {
    if (ids.rank !== 2) throw new Error(`embeddings: ids must be [B, S], got [${ids.shape}]`);
    const [, S] = ids.shape as [number, number];
    const H = this.config.hidden;
    if (S > this.config.maxPositions) throw new Error(`embeddings: sequence length ${S} exceeds maxPositions ${this.config.maxPositions}`);
    const words = embeddingLookup(this.word as tf.Tensor2D, toInt(ids));
    const positions = tf.slice(this.position, [0, 0], [S, H]);
    const types =
      tokenTypeIds === undefined ? tf.slice(this.tokenType, [0, 0], [1, H]) : embeddingLookup(this.tokenType as tf.Tensor2D, toInt(tokenTypeIds));
    const sum = tf.add(tf.add(words, positions), types);
    return ctx.dropout(this.norm.apply(sum), this.config.hiddenDropout) as tf.Tensor3D;
  }
}

function toInt(t: tf.Tensor): tf.Tensor {
  return t.dtype === "int32" ? t : tf.cast(t, "int32");
}
