/**
 * Replacement `GatherV2` and `ScatterNd` kernels for the tfjs wasm backend, for the row case an
 * embedding lookup uses (gather float32 rows along axis 0; scatter-add rows by [n, 1] int32
 * indices). The stock wasm kernels take ~50 ms to gather 4096 rows of 256 floats; these copy
 * rows with memory.copy / f32x4 adds in the AssemblyScript module. Other cases use the stock kernels.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import { batchMatMulOn } from "./batch-mat-mul-module.js";
import { callStock, type KernelArgs } from "./stock-kernel.js";

/** The replacement GatherV2: rows of a float32 tensor along axis 0 by int32 indices. */
export function makeFastGather(stock: KernelConfig): KernelFunc {
  return ((args: KernelArgs): TensorInfo => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const attrs = (args.attrs ?? {}) as { axis?: number | number[]; batchDims?: number };
    const backend = args.backend as WasmBackendLike;
    const axis = util.parseAxisParam(attrs.axis ?? 0, x.shape)[0];
    const memory = backendMemory(backend);
    const n = util.sizeFromShape(indices.shape);
    const V = x.shape[0] ?? 0;
    const D = util.sizeFromShape(x.shape.slice(1));
    if (axis !== 0 || (attrs.batchDims ?? 0) !== 0 || x.dtype !== "float32" || indices.dtype !== "int32" || memory === undefined || n === 0 || V === 0 || D === 0) {
      return callStock(stock, args);
    }
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], "float32");
    const bad = batchMatMulOn(memory).gatherRows(heapOffset(backend, x), heapOffset(backend, indices), n, D, V, heapOffset(backend, out));
    if (bad >= 0) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: the index at position ${bad} is not in [0, ${V - 1}]`);
    }
    return out;
  }) as unknown as KernelFunc;
}

/** The replacement ScatterNd: float32 rows added into a zero [V, ...] tensor by [n, 1] int32 indices. */
export function makeFastScatterNd(stock: KernelConfig): KernelFunc {
  return ((args: KernelArgs): TensorInfo => {
    const { indices, updates } = args.inputs as { indices: TensorInfo; updates: TensorInfo };
    const shape = ((args.attrs ?? {}) as { shape?: number[] }).shape ?? [];
    const backend = args.backend as WasmBackendLike;
    const memory = backendMemory(backend);
    const n = indices.shape[0] ?? 0;
    const V = shape[0] ?? 0;
    const D = util.sizeFromShape(shape.slice(1));
    const rowCase =
      indices.shape.length === 2 && indices.shape[1] === 1 && indices.dtype === "int32" && updates.dtype === "float32" &&
      updates.shape[0] === n && util.sizeFromShape(updates.shape) === n * D;
    if (!rowCase || memory === undefined || n === 0 || V === 0 || D === 0) return callStock(stock, args);
    const out = backend.makeOutput(shape, "float32");
    const bad = batchMatMulOn(memory).scatterAddRows(heapOffset(backend, updates), heapOffset(backend, indices), n, D, V, heapOffset(backend, out));
    if (bad >= 0) {
      backend.disposeData(out.dataId);
      throw new Error(`ScatterNd: the index at position ${bad} is not in [0, ${V - 1}]`);
    }
    return out;
  }) as unknown as KernelFunc;
}
