/**
 * The `wasm+onnxruntime` device's kernels: the fast wasm kernels plus the onnxruntime route of
 * the matMuls (src/kernels), installed and removed as the device is selected.
 */
import { installFastKernels } from "../kernels/install.js";
import { installOnnxMatMul, uninstallOnnxMatMul, type OnnxMatMulStatus } from "../kernels/install-onnx-mat-mul.js";

/** Installs the fast wasm kernels and the onnxruntime matMul route (2 threads); says whether it could. */
export function installMatMulRoute(): OnnxMatMulStatus {
  installFastKernels({ log: () => {} });
  return installOnnxMatMul({ threads: 2 });
}

/** Removes the onnxruntime matMul route (the fast wasm kernels stay). */
export function removeMatMulRoute(): void {
  uninstallOnnxMatMul();
}
