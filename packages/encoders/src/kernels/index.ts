/**
 * Fast kernels for the tfjs wasm backend: batched/transposed matMul and a differentiable
 * embedding lookup that works on wasm. See docs/kernels.md.
 */
export { installFastKernels, uninstallFastKernels, fastKernelsInstalled } from "./install.js";
export { fastKernelCounts, fastKernelRouting } from "./fast-batch-mat-mul.js";
export type { FastKernelCounts } from "./fast-batch-mat-mul.js";
export type { FastKernelsStatus, InstallFastKernelsOptions } from "./install.js";
export { embeddingLookup, embeddingLookupOneHot } from "./embedding-lookup.js";
export { installOnnxMatMul, uninstallOnnxMatMul } from "./install-onnx-mat-mul.js";
export type { OnnxMatMulOptions, OnnxMatMulStatus } from "./install-onnx-mat-mul.js";
export { onnxMatMulInstalled } from "./onnx-mat-mul.js";
