/**
 * Replacement `Transpose` kernel for the tfjs wasm backend, for the one permutation the
 * training step needs fast: swapping the last two axes of a float32 tensor (every matMul
 * gradient's transposed operand, see fast-batch-mat-mul.ts). The module's `transpose2d` moves
 * 4 x 4 blocks through SIMD registers in 32 x 32 tiles; the stock kernel took 4.3 ms for a
 * [2048, 256] matrix (~0.12 G floats/s), a quarter of the weight gradient that followed it
 * (docs/kernels.md). Every other permutation and dtype goes to the stock kernel.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import { batchMatMulOn } from "./batch-mat-mul-module.js";
import { counts } from "./counts.js";
import { callStock } from "./stock-kernel.js";

/** True when `perm` keeps every axis but swaps the last two. */
export function swapsLastTwoAxes(perm: readonly number[]): boolean {
  const r = perm.length;
  if (r < 2) return false;
  return perm.every((p, i) => (i === r - 2 ? p === r - 1 : i === r - 1 ? p === r - 2 : p === i));
}

/**
 * x with its last two axes swapped, computed by the SIMD module; undefined when it cannot run
 * here (not float32, or the backend does not expose its memory).
 */
export function transposeLastTwo(backend: WasmBackendLike, x: TensorInfo): TensorInfo | undefined {
  const memory = backendMemory(backend);
  const r = x.shape.length;
  if (x.dtype !== "float32" || memory === undefined || r < 2) return undefined;
  const R = x.shape[r - 2]!;
  const C = x.shape[r - 1]!;
  const batch = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...x.shape.slice(0, -2), C, R], "float32");
  if (batch * R * C > 0) batchMatMulOn(memory).transpose2d(heapOffset(backend, x), batch, R, C, heapOffset(backend, out));
  counts.simdTranspose++;
  return out;
}

/** The replacement Transpose kernel function (falls back to `stock`). */
export function makeFastTranspose(stock: KernelConfig): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: unknown; attrs: NamedAttrMap }): TensorInfo => {
    const perm = args.attrs["perm"] as number[];
    const out = swapsLastTwoAxes(perm) ? transposeLastTwo(args.backend as WasmBackendLike, args.inputs.x) : undefined;
    if (out !== undefined) return out;
    return callStock(stock, args);
  }) as unknown as KernelFunc;
}
