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
export { LayerNorm } from "./layers/layerNorm.js";
export { gelu } from "./layers/gelu.js";
export { BertEmbeddings } from "./layers/embeddings.js";
export { MultiHeadAttention, AttentionBlock, attentionBias, MASK_BIAS } from "./layers/attention.js";
export { FeedForward } from "./layers/feedForward.js";
export { EncoderLayer, DecoderStyleLayer } from "./layers/transformerLayer.js";
export { clsPool, meanPool, pool } from "./pooling.js";
export { BertEncoder } from "./encoder.js";
export type { EncoderInputs, EncoderOutput, BertEncoderOptions } from "./encoder.js";
export { ScoreHead, Pooler } from "./heads.js";
export { DualEncoder } from "./dualEncoder.js";
export type { DualEncoderOptions } from "./dualEncoder.js";
export { CrossEncoder } from "./crossEncoder.js";
export type { CrossEncoderOptions } from "./crossEncoder.js";
export { pairInputs, truncateLongestFirst } from "./pairInputs.js";
export type { PairBatch, SpecialTokenIds } from "./pairInputs.js";
