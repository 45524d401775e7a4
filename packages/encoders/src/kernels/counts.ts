/** How often each fast kernel path ran since the last reset (for tests and benchmarks). */
export interface FastKernelCounts {
  /** Batched products computed by the SIMD matMul kernel. */
  simd: number;
  /** Products run by onnxruntime's native GEMM (the opt-in `installOnnxMatMul` route). */
  onnx: number;
  /** Products run by a stock kernel after physically transposing an operand. */
  transposed: number;
  /** Products handed to a stock kernel unchanged. */
  stock: number;
  /** Last-two-axes transposes done by the SIMD transpose. */
  simdTranspose: number;
  /** Leading-axes sums done by the SIMD column sum. */
  simdSum: number;
}

/** The live counters (modules increment them). */
export const counts: FastKernelCounts = { simd: 0, onnx: 0, transposed: 0, stock: 0, simdTranspose: 0, simdSum: 0 };

/** A copy of the path counters; `reset` zeroes them afterwards. */
export function fastKernelCounts(reset = false): FastKernelCounts {
  const c = { ...counts };
  if (reset) for (const k of Object.keys(counts) as (keyof FastKernelCounts)[]) counts[k] = 0;
  return c;
}
