/**
 * Replacement `BatchMatMul` and `_FusedMatMul` kernels for the tfjs wasm backend.
 *
 * - Batched products (attention's [B*heads, S, D] matMuls and all their gradients, which are
 *   BatchMatMuls with transpose flags) run in the AssemblyScript SIMD kernel on the backend's
 *   own memory, every transpose combination handled by strides and B-packing.
 * - With the opt-in onnxruntime route installed (onnx-mat-mul.ts), large 2-D products and batched
 *   ones against a shared weight run in onnxruntime's native GEMM first.
 * - Single 2-D products keep the backend's XNNPACK path (~22 GFLOP/s); a transposed operand
 *   is first transposed physically by the SIMD transpose (fast-transpose.ts; the backend's own
 *   transposed matMul path runs at ~2 GFLOP/s).
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import { batchMatMulOn } from "./batch-mat-mul-module.js";
import { matMulGeometry, simpleBroadcast, type MatMulGeometry } from "./mat-mul-geometry.js";
import { transposeLastTwo } from "./fast-transpose.js";
import { counts } from "./counts.js";
import { onnxBatchMatMul } from "./onnx-mat-mul.js";
import { callStock, type KernelArgs } from "./stock-kernel.js";

export { fastKernelCounts, type FastKernelCounts } from "./counts.js";

/** The stock kernels the replacements fall back to (captured when installing). */
export interface StockKernels {
  batchMatMul: KernelConfig;
  fusedMatMul: KernelConfig | undefined;
  transpose: KernelConfig;
}

function callKernel(k: KernelConfig, inputs: Record<string, TensorInfo | undefined>, backend: unknown, attrs: NamedAttrMap): TensorInfo {
  return callStock(k, { inputs, backend, attrs });
}

/** x with its last two dims swapped: the SIMD transpose, else the backend's Transpose kernel. */
function physicalTranspose(stock: StockKernels, x: TensorInfo, backend: unknown): TensorInfo {
  const fast = transposeLastTwo(backend as WasmBackendLike, x);
  if (fast !== undefined) return fast;
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return callKernel(stock.transpose, { x }, backend, { perm });
}

/** Runs `kernel` with transposeA/B = false on physically transposed copies of a and b. */
function withPhysicalTransposes(stock: StockKernels, kernel: KernelConfig, args: KernelArgs): TensorInfo {
  const attrs = (args.attrs ?? {}) as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean };
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  if (!attrs.transposeA && !attrs.transposeB) {
    counts.stock++;
    return callKernel(kernel, args.inputs, args.backend, attrs);
  }
  counts.transposed++;
  const wasm = args.backend as WasmBackendLike;
  const a2 = attrs.transposeA ? physicalTranspose(stock, a, args.backend) : a;
  const b2 = attrs.transposeB ? physicalTranspose(stock, b, args.backend) : b;
  try {
    return callKernel(kernel, { ...args.inputs, a: a2, b: b2 }, args.backend, { ...attrs, transposeA: false, transposeB: false });
  } finally {
    if (a2 !== a) wasm.disposeData(a2.dataId);
    if (b2 !== b) wasm.disposeData(b2.dataId);
  }
}

/** Computes the product described by `g` in the SIMD kernel; undefined if it cannot run here. */
function simdBatchMatMul(backend: WasmBackendLike, a: TensorInfo, b: TensorInfo, g: MatMulGeometry): TensorInfo | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  const k = batchMatMulOn(memory);
  const out = backend.makeOutput(g.outShape, "float32");
  const scratchSize = k.scratchBytes(g.K, g.N) + 16;
  const raw = backend.wasm._malloc(scratchSize);
  if (raw === 0) throw new Error(`fast BatchMatMul: malloc(${scratchSize}) failed`);
  try {
    const scratch = (raw + 15) & ~15;
    // Heap offsets stay valid if malloc grew the memory; the kernel reads it through `memory`.
    k.batchMatMul(
      heapOffset(backend, a), g.aBatch, g.rsA, g.csA,
      heapOffset(backend, b), g.bBatch, g.rsB, g.csB,
      heapOffset(backend, out), g.batch, g.M, g.N, g.K, scratch,
    );
  } finally {
    backend.wasm._free(raw);
  }
  counts.simd++;
  return out;
}

/** Routing switches (exposed for benchmarks; defaults are the measured best). */
export const fastKernelRouting = {
  /**
   * Batched A (not transposed) times one shared B: fold into one 2-D product [batch*M, K] x [K, N]
   * on the backend's XNNPACK path when K exceeds this; otherwise the SIMD kernel (B packed once)
   * runs it, which was as fast or faster in 9 of 12 measurements at K = 256-3072 (docs/kernels.md).
   * Above 4096 (e.g. an MLM head's gradient with K = vocabulary size) XNNPACK's GEMM was the
   * safer choice when the SIMD kernel had no K blocks; measured then, not re-tuned since.
   */
  foldSharedRhsAboveK: 4096,
  /**
   * Opt-in: 2-D products with a transposed A (the weight gradients X^T dY, K = tokens) run in the
   * SIMD kernel, whose K blocks keep a B panel in L1, when K is at least this and M <= N; otherwise
   * XNNPACK after a physical transpose (its GEMM slows down with a long K). Measured (quiet, one
   * thread): M x K x N = 256 x 2048 x 256: 28.0 vs 21.7 GFLOP/s, 256 x 2048 x 1024: 29.9 vs 28.3,
   * 128 x 1024 x 512: 22.5 vs 20.6, 256 x 4096 x 1024: 30.8 vs 19.7, but 1024 x 2048 x 256 (M > N)
   * 18.5 vs 20.4, hence M <= N; a `small` training chunk ~10% faster. Off by default (Infinity):
   * it sums in another order than XNNPACK, so training would drift from the published runs in the
   * last digits; set it to 512 where speed matters more than bit-for-bit reproduction.
   */
  simdTransposedAFromK: Number.POSITIVE_INFINITY,
};

/** When the SIMD kernel is used rather than the backend's own path (see docs/kernels.md). */
export function useSimdKernel(g: MatMulGeometry, transposeA = false): boolean {
  if (!(g.M > 0 && g.N > 0 && g.K > 0 && simpleBroadcast(g))) return false;
  return g.batch > 1 || (transposeA && g.K >= fastKernelRouting.simdTransposedAFromK && g.M <= g.N);
}

/** x viewed with another shape (same data; the stock kernels only read dataId and shape). */
function view(x: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** The replacement BatchMatMul kernel function, closing over the stock kernels. */
export function makeFastBatchMatMul(stock: StockKernels): KernelFunc {
  return ((args: KernelArgs): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (a.dtype === "float32" && b.dtype === "float32") {
      const g = matMulGeometry(a.shape, b.shape, !!attrs.transposeA, !!attrs.transposeB);
      const native = onnxBatchMatMul(args.backend as WasmBackendLike, a, b, g, !!attrs.transposeA, !!attrs.transposeB);
      if (native !== undefined) return native;
      if (g.K > fastKernelRouting.foldSharedRhsAboveK && g.batch > 1 && g.batchB === 1 && g.batchA === g.batch && !attrs.transposeA) {
        // e.g. x [B, S, H] . W [H, F]: one 2-D product on the backend's fast path.
        const bRows = attrs.transposeB ? g.N : g.K;
        const bCols = attrs.transposeB ? g.K : g.N;
        const out = withPhysicalTransposes(stock, stock.batchMatMul, {
          inputs: { a: view(a, [g.batch * g.M, g.K]), b: view(b, [bRows, bCols]) },
          backend: args.backend,
          attrs: { transposeA: false, transposeB: !!attrs.transposeB },
        });
        out.shape = g.outShape;
        return out;
      }
      if (useSimdKernel(g, !!attrs.transposeA)) {
        const out = simdBatchMatMul(args.backend as WasmBackendLike, a, b, g);
        if (out !== undefined) return out;
      }
    }
    return withPhysicalTransposes(stock, stock.batchMatMul, args);
  }) as unknown as KernelFunc;
}

/** The replacement _FusedMatMul kernel function: physical transposes, then the stock kernel. */
export function makeFastFusedMatMul(stock: StockKernels, fused: KernelConfig): KernelFunc {
  return ((args: KernelArgs): TensorInfo => withPhysicalTransposes(stock, fused, args)) as unknown as KernelFunc;
}
