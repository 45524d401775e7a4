/**
 * `installOnnxMatMul()`: the opt-in onnxruntime route of the wasm matMuls (onnx-mat-mul.ts), on
 * top of `installFastKernels()`; reversible, and a no-op with a reason when onnxruntime-node
 * does not load.
 */
import { fastKernelsInstalled } from "./install.js";
import { OnnxGemm } from "./onnx-gemm.js";
import { setOnnxGemm } from "./onnx-mat-mul.js";

/** Options of {@link installOnnxMatMul}. */
export interface OnnxMatMulOptions {
  /** onnxruntime intra-op threads (default 2). Results do not depend on it (onnx-gemm.ts). */
  threads?: number;
  /** Products of fewer FLOPs (2 batch M N K) stay on the wasm kernels (default 2^22: below it the ~10 us call overhead dominates). */
  minFlops?: number;
  /** Let onnxruntime's threads spin between calls (default false; see onnx-gemm.ts). */
  spinWait?: boolean;
  /** Also attention's products (both operands batched) in onnxruntime (default true). */
  attention?: boolean;
  /** The npm package to load (default "onnxruntime-node"; another name tests the fallback). */
  packageName?: string;
}

/** What {@link installOnnxMatMul} did. */
export interface OnnxMatMulStatus {
  installed: boolean;
  /** onnxruntime-node's version (when installed). */
  version?: string;
  /** onnxruntime intra-op threads (when installed). */
  threads?: number;
  /** Why not (when `installed` is false): no fast kernels, or onnxruntime-node missing or broken. */
  reason?: string;
}

/**
 * Routes the wasm backend's large float32 2-D matMuls (and batched ones against one shared
 * weight) to onnxruntime's native GEMM. Needs `installFastKernels()` first. When onnxruntime-node
 * does not load it returns `installed: false` with the reason and changes nothing (the fast wasm
 * kernels keep running). A second call re-installs with the new options.
 */
export function installOnnxMatMul(options: OnnxMatMulOptions = {}): OnnxMatMulStatus {
  if (!fastKernelsInstalled()) {
    return { installed: false, reason: "installOnnxMatMul: the fast wasm kernels are not installed (call installFastKernels() on the wasm backend first)" };
  }
  const loaded = OnnxGemm.load({ threads: options.threads ?? 2, packageName: options.packageName, spinWait: options.spinWait });
  if (typeof loaded === "string") return { installed: false, reason: `installOnnxMatMul: ${loaded}` };
  setOnnxGemm(loaded, { minFlops: options.minFlops ?? 2 ** 22, attention: options.attention ?? true });
  return { installed: true, version: loaded.version, threads: loaded.threads };
}

/** Stops routing matMuls to onnxruntime and releases its native sessions (no-op if not installed). */
export function uninstallOnnxMatMul(): void {
  setOnnxGemm(undefined);
}
