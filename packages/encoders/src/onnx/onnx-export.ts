/**
 * What an exporter returns, the conventions every exported graph follows, and config.json.
 *
 * Inputs: `input_ids`, `attention_mask`, `token_type_ids`, int64 [batch, sequence] (the names
 * and types Hugging Face tokenizers and transformers.js feed BERT models). Outputs: bi-encoder
 * towers `sentence_embedding` float32 [batch, H]; the cross-encoder `logits` float32 [batch, 1]
 * (transformers.js' sequence-classification output). `batch` and `sequence` are dynamic axes.
 */
import type { EncoderConfig } from "../model/config.js";
import { toHfConfig } from "../checkpoint/hf-config.js";

/** Default-domain opset of every exported graph (17: LayerNormalization). */
export const ONNX_OPSET = 17;
/** `ModelProto.producer_name` of every exported graph. */
export const ONNX_PRODUCER = "i3-toolkit @i3/encoders";
/** Output name of a bi-encoder tower (query vector, passage vector, I3's p*). */
export const EMBEDDING_OUTPUT = "sentence_embedding";
/** Output name of the cross-encoder (and of MICE's query graph). */
export const LOGITS_OUTPUT = "logits";

/** The model kinds the exporter knows. */
export type OnnxModelKind = "dual-encoder" | "cross-encoder" | "i3" | "mice";

/** An exported model: ONNX files and the config.json that describes them. */
export interface OnnxExport {
  readonly kind: OnnxModelKind;
  /** ONNX model bytes by base name: `model` (one graph), or `query` and `passage`. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** config.json: the BERT config (model_type "bert", for transformers.js) + `i3_onnx` + extras. */
  readonly config: Record<string, unknown>;
}

/**
 * config.json of an export: `toHfConfig(encoder)` with `architectures`, `extra` fields and
 * `i3_onnx` = {kind, files (name -> onnx/<name>.onnx), inputs, output, opset}.
 */
export function exportConfig(
  kind: OnnxModelKind,
  encoder: EncoderConfig,
  files: readonly string[],
  output: string,
  architectures: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const i3Onnx = {
    kind,
    files: Object.fromEntries(files.map((f) => [f, `onnx/${f}.onnx`])),
    inputs: ["input_ids", "attention_mask", "token_type_ids"],
    output,
    opset: ONNX_OPSET,
  };
  return toHfConfig(encoder, architectures, { ...extra, i3_onnx: i3Onnx });
}
