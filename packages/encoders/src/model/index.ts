/**
 * BERT-style models on TensorFlow.js: config and presets, reusable blocks (embeddings,
 * attention, cross-attention, FFN, encoder and decoder-style layers), `BertEncoder`,
 * `DualEncoder`, `CrossEncoder`. See docs/model.md.
 */
export { encoderConfig, presetConfig, headDim, EncoderConfigError, ENCODER_DEFAULTS, PRESETS } from "./config.js";
export type { EncoderConfig, EncoderConfigInput, Pooling, PresetName } from "./config.js";
export { ParamScope, disposeParams } from "./params.js";
export type { NamedParam, VariableGroups, ParameterizedModel } from "./params.js";
export { RunContext } from "./context.js";
export type { ForwardOptions } from "./context.js";
export { Linear } from "./layers/linear.js";
export { LayerNorm } from "./layers/layer-norm.js";
export { gelu } from "./layers/gelu.js";
export { BertEmbeddings } from "./layers/embeddings.js";
export { MultiHeadAttention, AttentionBlock, attentionBias, MASK_BIAS } from "./layers/attention.js";
export { FeedForward } from "./layers/feed-forward.js";
export { EncoderLayer, DecoderStyleLayer } from "./layers/transformer-layer.js";
export { clsPool, meanPool, pool } from "./pooling.js";
export { BertEncoder } from "./encoder.js";
export type { EncoderInputs, EncoderOutput, BertEncoderOptions } from "./encoder.js";
export { ScoreHead, Pooler } from "./heads.js";
export { DualEncoder } from "./dual-encoder.js";
export type { DualEncoderOptions } from "./dual-encoder.js";
export { CrossEncoder } from "./cross-encoder.js";
export type { CrossEncoderOptions } from "./cross-encoder.js";
export { pairInputs, truncateLongestFirst } from "./pair-inputs.js";
export type { PairBatch, SpecialTokenIds } from "./pair-inputs.js";
