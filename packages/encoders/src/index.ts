/**
 * @i3/encoders: transformer encoders on TensorFlow.js.
 * - `backend/`: backend selection (`initBackend({ device })`) and the shared `tf` import point;
 * - `kernels/`: fast wasm kernels (batched matMul, transposed operands, embedding lookup);
 * - `model/`: BERT-style encoder, reusable transformer blocks, dual-encoder, cross-encoder;
 * - `checkpoint/`: Hugging Face checkpoints (`config.json` + `model.safetensors`);
 * - `i3/`: the I3 retriever; `mice/`: the MICE re-ranker; `onnx/`: ONNX export.
 */
export * from "./backend/index.js";
export * from "./kernels/index.js";
export * from "./model/index.js";
export * from "./checkpoint/index.js";
export * from "./i3/index.js";
export * from "./mice/index.js";
export * from "./onnx/index.js";
