/**
 * `installFastKernels()`: swaps the wasm backend's BatchMatMul, _FusedMatMul, GatherV2, ScatterNd,
 * Exp, Erf, Identity, Transpose and Sum kernels for the fast ones (fast-batch-mat-mul.ts,
 * fast-gather.ts, fast-unary.ts, shared-identity.ts, fast-transpose.ts, fast-sum.ts) through tfjs's
 * kernel registry; reversible.
 */
import { BatchMatMul, Erf, Exp, GatherV2, Identity, ScatterNd, Sum, _FusedMatMul, Transpose, getBackend, getKernel, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs-core";
import { makeFastBatchMatMul, makeFastFusedMatMul, type StockKernels } from "./fast-batch-mat-mul.js";
import { makeFastGather, makeFastScatterNd } from "./fast-gather.js";
import { makeFastUnary } from "./fast-unary.js";
import { makeSharedIdentity } from "./shared-identity.js";
import { makeFastSum } from "./fast-sum.js";
import { makeFastTranspose } from "./fast-transpose.js";

const BACKEND = "wasm";

/** What `installFastKernels` did. */
export interface FastKernelsStatus {
  installed: boolean;
  /** Kernel names now overridden on the wasm backend. */
  kernels: string[];
  /** Why nothing was installed (when `installed` is false). */
  reason?: string;
}

/** Options of `installFastKernels`. */
export interface InstallFastKernelsOptions {
  /** Where to report a skipped install (default console.warn). */
  log?: (message: string) => void;
}

/** The stock kernels replaced by the current install (to restore them). */
let stock: StockKernels | undefined;
let stockOthers: KernelConfig[] = [];

/** console.warn, reached through globalThis (the toolkit's lib settings do not type it). */
function warn(message: string): void {
  (globalThis as unknown as { console?: { warn(m: string): void } }).console?.warn(message);
}

/** Replaces a registered kernel of the wasm backend by `config`. */
function replace(config: KernelConfig): void {
  unregisterKernel(config.kernelName, BACKEND);
  registerKernel(config);
}

/**
 * Overrides the wasm backend's `BatchMatMul` (batched products in an own SIMD kernel, transposed
 * 2-D operands physically transposed onto the fast path) and `_FusedMatMul` (physical
 * transposes), `GatherV2` / `ScatterNd` (row gather and scatter-add, the embedding lookup and its
 * gradient), `Exp` / `Erf` (f32x4 polynomials; erf-GELU), `Identity` (shares the buffer instead of
 * copying: tfjs clones every tensor it saves for a gradient), `Transpose` of the last two axes
 * and `Sum` over leading axes (SIMD; the weight and bias gradients). Idempotent. Only acts when the active backend is "wasm"; elsewhere it is a
 * no-op that logs why. Call after `tf.setBackend("wasm")` has resolved.
 */
export function installFastKernels(options: InstallFastKernelsOptions = {}): FastKernelsStatus {
  const log = options.log ?? warn;
  if (stock !== undefined) return { installed: true, kernels: installedNames() };
  const active = getBackend();
  if (active !== BACKEND) {
    const reason = `installFastKernels: active backend is "${active}", not "wasm"; nothing installed`;
    log(reason);
    return { installed: false, kernels: [], reason };
  }
  const batchMatMul = getKernel(BatchMatMul, BACKEND);
  const transpose = getKernel(Transpose, BACKEND);
  if (batchMatMul === undefined || transpose === undefined) {
    const reason = "installFastKernels: the wasm backend has no BatchMatMul/Transpose kernel; nothing installed";
    log(reason);
    return { installed: false, kernels: [], reason };
  }
  const fused = getKernel(_FusedMatMul, BACKEND);
  const s: StockKernels = { batchMatMul, fusedMatMul: fused, transpose };
  replace({ kernelName: BatchMatMul, backendName: BACKEND, setupFunc: batchMatMul.setupFunc, kernelFunc: makeFastBatchMatMul(s) });
  if (fused !== undefined) {
    replace({ kernelName: _FusedMatMul, backendName: BACKEND, setupFunc: fused.setupFunc, kernelFunc: makeFastFusedMatMul(s, fused) });
  }
  stockOthers = [];
  const others: [string, (k: KernelConfig) => KernelConfig["kernelFunc"]][] = [
    [GatherV2, makeFastGather],
    [ScatterNd, makeFastScatterNd],
    [Exp, (k) => makeFastUnary(k, "expArray")],
    [Erf, (k) => makeFastUnary(k, "erfArray")],
    [Identity, makeSharedIdentity],
    [Transpose, makeFastTranspose],
    [Sum, makeFastSum],
  ];
  for (const [name, make] of others) {
    const k = getKernel(name, BACKEND);
    if (k === undefined) continue;
    replace({ kernelName: name, backendName: BACKEND, setupFunc: k.setupFunc, kernelFunc: make(k) });
    stockOthers.push(k);
  }
  stock = s;
  return { installed: true, kernels: installedNames() };
}

/** Restores the stock wasm kernels replaced by `installFastKernels` (no-op if none). */
export function uninstallFastKernels(): void {
  if (stock === undefined) return;
  replace(stock.batchMatMul);
  if (stock.fusedMatMul !== undefined) replace(stock.fusedMatMul);
  for (const k of stockOthers) replace(k);
  stockOthers = [];
  stock = undefined;
}

/** True while the fast kernels are installed. */
export function fastKernelsInstalled(): boolean {
  return stock !== undefined;
}

function installedNames(): string[] {
  if (stock === undefined) return [];
  return [BatchMatMul, ...(stock.fusedMatMul !== undefined ? [_FusedMatMul] : []), ...stockOthers.map((k) => k.kernelName)];
}
