/**
 * Replacement `Sum` kernel for the tfjs wasm backend, for sums over a tensor's leading axes
 * (x [R..., C...] summed over the first k axes): every bias and LayerNorm-shift gradient, i.e.
 * tfjs's broadcast-add gradient. The stock kernel transposes the reduced axes to the end first
 * and took 3.3 ms for a [2048, 256] gradient; the module's `sumRows` adds whole rows with
 * f32x4 in the same order (r = 0, 1, ...), reading the input once. Other axes and dtypes go to
 * the stock kernel.
 */
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import { batchMatMulOn } from "./batch-mat-mul-module.js";
import { counts } from "./counts.js";
import { callStock } from "./stock-kernel.js";

/** k when `axes` (normalised) are exactly the leading axes 0..k-1 of a rank-r tensor, k < r; else 0. */
export function leadingAxesCount(axes: readonly number[], rank: number): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

/** The replacement Sum kernel function (falls back to `stock`). */
export function makeFastSum(stock: KernelConfig): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: unknown; attrs: NamedAttrMap }): TensorInfo => {
    const { x } = args.inputs;
    const backend = args.backend as WasmBackendLike;
    const memory = backendMemory(backend);
    const axes = util.parseAxisParam(args.attrs["axis"] as number | number[], x.shape);
    const k = leadingAxesCount(axes, x.shape.length);
    if (x.dtype === "float32" && memory !== undefined && k > 0) {
      const R = util.sizeFromShape(x.shape.slice(0, k));
      const rest = x.shape.slice(k);
      const C = util.sizeFromShape(rest);
      const shape = args.attrs["keepDims"] ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
      const out = backend.makeOutput(shape, "float32");
      if (C > 0) batchMatMulOn(memory).sumRows(heapOffset(backend, x), R, C, heapOffset(backend, out));
      counts.simdSum++;
      return out;
    }
    return callStock(stock, args);
  }) as unknown as KernelFunc;
}
