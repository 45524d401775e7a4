/**
 * The few internals of `@tensorflow/tfjs-backend-wasm` 4.22 the fast kernels use, typed
 * structurally (the package does not export them): the emscripten module (memory, malloc)
 * and the dataId -> heap offset map.
 */
import type { DataType, TensorInfo } from "@tensorflow/tfjs-core";
import { webAssembly, type WasmMemory } from "./web-assembly-api.js";

/** The emscripten module behind the wasm backend (only what we touch). */
export interface EmscriptenModuleLike {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The tfjs wasm backend (only what we touch). */
export interface WasmBackendLike {
  wasm: EmscriptenModuleLike;
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The backend's WebAssembly.Memory, or undefined if this build does not expose it. */
export function backendMemory(backend: WasmBackendLike): WasmMemory | undefined {
  const m = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  return m instanceof webAssembly.Memory ? m : undefined;
}

/** Byte offset of a tensor's data in the backend heap. */
export function heapOffset(backend: WasmBackendLike, t: TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry == null || entry.memoryOffset == null) throw new Error("fast kernels: tensor has no wasm heap data");
  return entry.memoryOffset;
}
