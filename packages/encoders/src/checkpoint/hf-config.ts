/**
 * `EncoderConfig` <-> Hugging Face `BertConfig` (`config.json`).
 *
 * | EncoderConfig     | config.json                    |
 * |-------------------|--------------------------------|
 * | vocabSize         | vocab_size                     |
 * | hidden            | hidden_size                    |
 * | layers            | num_hidden_layers              |
 * | heads             | num_attention_heads            |
 * | intermediate      | intermediate_size              |
 * | maxPositions      | max_position_embeddings        |
 * | typeVocabSize     | type_vocab_size                |
 * | layerNormEps      | layer_norm_eps                 |
 * | hiddenDropout     | hidden_dropout_prob            |
 * | attentionDropout  | attention_probs_dropout_prob   |
 * | initializerRange  | initializer_range              |
 * | pooling           | i3_pooling (ours; HF ignores)  |
 *
 * Reading requires `hidden_act` "gelu" (the exact erf GELU implemented here) and absolute
 * position embeddings; other values are rejected rather than silently mis-computed.
 */
import { encoderConfig, type EncoderConfig, type Pooling } from "../model/config.js";

/** The `config.json` fields written for a BERT model (HF `BertConfig` names). */
export interface HfBertConfig {
  architectures: string[];
  model_type: "bert";
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  hidden_act: "gelu";
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  initializer_range: number;
  position_embedding_type: "absolute";
  i3_pooling: Pooling;
  [extra: string]: unknown;
}

/** The HF config for `cfg`; `extra` fields (e.g. num_labels, id2label) are merged in. */
export function toHfConfig(cfg: EncoderConfig, architectures: string[] = ["BertModel"], extra: Record<string, unknown> = {}): HfBertConfig {
  return {
    architectures,
    model_type: "bert",
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.hidden,
    num_hidden_layers: cfg.layers,
    num_attention_heads: cfg.heads,
    intermediate_size: cfg.intermediate,
    max_position_embeddings: cfg.maxPositions,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_act: "gelu",
    hidden_dropout_prob: cfg.hiddenDropout,
    attention_probs_dropout_prob: cfg.attentionDropout,
    initializer_range: cfg.initializerRange,
    position_embedding_type: "absolute",
    i3_pooling: cfg.pooling,
    ...extra,
  };
}

/** Thrown for a config.json this toolkit cannot reproduce exactly. */
export class HfConfigError extends Error {
  constructor(message: string) {
    super(`config.json: ${message}`);
    this.name = "HfConfigError";
  }
}

/**
 * Reads a parsed `config.json` into an `EncoderConfig`; missing optional fields take BERT's
 * defaults; `overrides` win (e.g. `{ pooling: "mean" }`).
 */
export function fromHfConfig(json: Record<string, unknown>, overrides: Partial<EncoderConfig> = {}): EncoderConfig {
  if (json.model_type !== undefined && json.model_type !== "bert") throw new HfConfigError(`model_type "${String(json.model_type)}" is not "bert"`);
  const act = json.hidden_act ?? "gelu";
  if (act !== "gelu") throw new HfConfigError(`hidden_act "${String(act)}" is not supported (only "gelu", the exact erf form)`);
  const pos = json.position_embedding_type ?? "absolute";
  if (pos !== "absolute") throw new HfConfigError(`position_embedding_type "${String(pos)}" is not supported (only "absolute")`);
  const num = (key: string): number => {
    const v = json[key];
    if (typeof v !== "number") throw new HfConfigError(`missing or non-numeric "${key}"`);
    return v;
  };
  const opt = (key: string): number | undefined => (typeof json[key] === "number" ? (json[key] as number) : undefined);
  const optional: Partial<EncoderConfig> = {};
  const set = <K extends keyof EncoderConfig>(k: K, v: EncoderConfig[K] | undefined) => {
    if (v !== undefined) (optional as Record<string, unknown>)[k] = v;
  };
  set("typeVocabSize", opt("type_vocab_size"));
  set("layerNormEps", opt("layer_norm_eps"));
  set("hiddenDropout", opt("hidden_dropout_prob"));
  set("attentionDropout", opt("attention_probs_dropout_prob"));
  set("initializerRange", opt("initializer_range"));
  if (json.i3_pooling === "cls" || json.i3_pooling === "mean") set("pooling", json.i3_pooling);
  return encoderConfig({
    vocabSize: num("vocab_size"),
    hidden: num("hidden_size"),
    layers: num("num_hidden_layers"),
    heads: num("num_attention_heads"),
    intermediate: num("intermediate_size"),
    maxPositions: num("max_position_embeddings"),
    ...optional,
    ...overrides,
  });
}
