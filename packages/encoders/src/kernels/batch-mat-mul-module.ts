/**
 * Instantiates the AssemblyScript kernels (`wasm/batchMatMul.as`: batched matMul, row gather and
 * scatter-add, exp / erf, transpose of the last two axes, sums over leading axes) on the tfjs
 * wasm backend's own memory, so it reads operands and writes results in place.
 */
import { batchMatMulWasmBase64 } from "./wasm/batch-mat-mul-wasm.js";
import { webAssembly, type WasmMemory } from "./web-assembly-api.js";

/** Exports of the kernel module (addresses in bytes, strides in floats). */
export interface BatchMatMulExports {
  scratchBytes(K: number, N: number): number;
  batchMatMul(
    a: number, aBatch: number, rsA: number, csA: number,
    b: number, bBatch: number, rsB: number, csB: number,
    c: number, batch: number, M: number, N: number, K: number, scratch: number,
  ): void;
  gatherRows(table: number, ids: number, n: number, D: number, V: number, out: number): number;
  scatterAddRows(upd: number, ids: number, n: number, D: number, V: number, out: number): number;
  expArray(x: number, n: number, out: number): void;
  erfArray(x: number, n: number, out: number): void;
  transpose2d(src: number, batch: number, R: number, C: number, dst: number): void;
  sumRows(x: number, R: number, C: number, out: number): void;
}

let compiled: object | undefined;
const instances = new WeakMap<WasmMemory, BatchMatMulExports>();

/** The compiled kernel module (compiled once, synchronously: it is ~2 KB). */
export function kernelModule(): object {
  if (compiled === undefined) compiled = new webAssembly.Module(Uint8Array.from(atob(batchMatMulWasmBase64), (c) => c.charCodeAt(0)));
  return compiled;
}

/** The kernel instantiated on `memory` (one instance per memory, cached). */
export function batchMatMulOn(memory: WasmMemory): BatchMatMulExports {
  let inst = instances.get(memory);
  if (inst === undefined) {
    const instance = new webAssembly.Instance(kernelModule(), { env: { memory } });
    inst = instance.exports as unknown as BatchMatMulExports;
    instances.set(memory, inst);
  }
  return inst;
}
