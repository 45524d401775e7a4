/**
 * Replacement `Exp` and `Erf` kernels for the tfjs wasm backend: f32x4 polynomial versions in the
 * AssemblyScript module (exp ~2 ulp; erf absolute error < 2e-7, Numerical Recipes' erfc). The
 * stock kernels take 25-50 ns per element, which made erf-GELU the largest non-matMul cost of a
 * BERT layer (docs/kernels.md). Non-float32 inputs go to the stock kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import { batchMatMulOn, type BatchMatMulExports } from "./batch-mat-mul-module.js";
import { callStock } from "./stock-kernel.js";

/** The replacement kernel for one elementwise function of the module. */
export function makeFastUnary(stock: KernelConfig, fn: "expArray" | "erfArray"): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: unknown }): TensorInfo => {
    const { x } = args.inputs;
    const backend = args.backend as WasmBackendLike;
    const memory = backendMemory(backend);
    const n = util.sizeFromShape(x.shape);
    if (x.dtype !== "float32" || memory === undefined || n === 0) {
      return callStock(stock, args);
    }
    const out = backend.makeOutput(x.shape, "float32");
    const k: BatchMatMulExports = batchMatMulOn(memory);
    k[fn](heapOffset(backend, x), n, heapOffset(backend, out));
    return out;
  }) as unknown as KernelFunc;
}
