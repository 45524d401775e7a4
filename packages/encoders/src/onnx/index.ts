/**
 * ONNX export of the trained models (onnxruntime, transformers.js): a protobufjs writer for the
 * ONNX schema subset, a graph builder, the BERT blocks as ONNX nodes, one exporter per model
 * kind and the folder writer. See docs/onnx.md.
 */
export { ONNX_SCHEMA, ONNX_DTYPE, ONNX_IR_VERSION, modelProtoType } from "./onnx-schema.js";
export type { OnnxElementType } from "./onnx-schema.js";
export { OnnxGraphBuilder } from "./graph-builder.js";
export type { Dim, Attr, ModelOptions } from "./graph-builder.js";
export { BertGraph } from "./bert-graph.js";
export type { TokenInputs } from "./bert-graph.js";
export { ONNX_OPSET, ONNX_PRODUCER, EMBEDDING_OUTPUT, LOGITS_OUTPUT, exportConfig } from "./onnx-export.js";
export type { OnnxExport, OnnxModelKind } from "./onnx-export.js";
export { encoderTowerToOnnx, dualEncoderToOnnx } from "./export-dual-encoder.js";
export { crossEncoderToOnnx } from "./export-cross-encoder.js";
export { i3PassageToOnnx, i3RetrieverToOnnx } from "./export-i3.js";
export { micePassageToOnnx, miceQueryToOnnx, miceToOnnx, DOCUMENT_STATES_OUTPUT, MICE_DOCUMENT_INPUTS } from "./export-mice.js";
export { saveOnnxExport, ONNX_SUBFOLDER } from "./onnx-folder.js";
