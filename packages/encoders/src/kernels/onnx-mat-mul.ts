/**
 * Opt-in route of the fast wasm `BatchMatMul` kernel to onnxruntime's native GEMM (onnx-gemm.ts;
 * installed by install-onnx-mat-mul.ts): once installed, every 2-D product (any transposes: the
 * dense layers and their weight and input gradients) and every batched product against one
 * shared weight with A not transposed (folded to 2-D) above `minFlops` run in onnxruntime on its
 * native threads, reading the operands on the wasm heap and writing the output there. Products
 * with both operands batched alike (attention and its gradients) go there too when
 * `attention` is on (the install default).
 *
 * Opt-in because it sums in another order than XNNPACK / the SIMD kernel: results differ from
 * the stock path in the last digits (to ~1e-7 relative), so it must not change the published
 * runs. Deterministic for a given thread count (and in fact independent of it: see onnx-gemm.ts).
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { OnnxGemm } from "./onnx-gemm.js";
import { backendMemory, heapOffset, type WasmBackendLike } from "./wasm-backend-access.js";
import type { MatMulGeometry } from "./mat-mul-geometry.js";
import { counts } from "./counts.js";

let engine: OnnxGemm | undefined;
let minFlops = 2 ** 22;
let attention = true;

/** Which products the route takes (see the module comment). */
export interface OnnxRouteSettings {
  /** Products of fewer FLOPs (2 batch M N K) stay on the wasm kernels. */
  minFlops: number;
  /** Also batched products with both operands batched (attention). */
  attention: boolean;
}

/** Sets (or with undefined clears) the engine products are routed to; disposes the previous one. */
export function setOnnxGemm(next: OnnxGemm | undefined, settings: OnnxRouteSettings = { minFlops: 2 ** 22, attention: true }): void {
  if (engine !== next) engine?.dispose();
  engine = next;
  minFlops = settings.minFlops;
  attention = settings.attention;
}

/** The current install: thread count and version, or undefined when matMuls stay on wasm. */
export function onnxMatMulInstalled(): { threads: number; version: string } | undefined {
  return engine === undefined ? undefined : { threads: engine.threads, version: engine.version };
}

/**
 * The product `g` in onnxruntime when it is installed and `g` is one it takes (2-D, batched A
 * times a shared B with A not transposed, or both batched alike when `attention` is on; at least
 * `minFlops`); otherwise undefined.
 */
export function onnxBatchMatMul(backend: WasmBackendLike, a: TensorInfo, b: TensorInfo, g: MatMulGeometry, transA: boolean, transB: boolean): TensorInfo | undefined {
  if (engine === undefined || !(g.M > 0 && g.N > 0 && g.K > 0) || 2 * g.batch * g.M * g.N * g.K < minFlops) return undefined;
  const folded = g.batch > 1 && g.batchB === 1 && g.batchA === g.batch && !transA;
  const batched = g.batch > 1 && g.batchA === g.batch && g.batchB === g.batch;
  if (g.batch !== 1 && !folded && !(batched && attention)) return undefined;
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  const out = backend.makeOutput(g.outShape, "float32");
  // Views after makeOutput: it may have grown the memory (a new buffer).
  const view = (t: TensorInfo, n: number) => new Float32Array(memory.buffer, heapOffset(backend, t), n);
  if (batched) {
    const n = g.batch;
    engine.batchedGemm(view(a, n * g.M * g.K), view(b, n * g.K * g.N), view(out, n * g.M * g.N), n, g.M, g.K, g.N, transA, transB);
  } else {
    const M = g.batch * g.M;
    engine.gemm(view(a, M * g.K), view(b, g.K * g.N), view(out, M * g.N), M, g.K, g.N, transA, transB);
  }
  counts.onnx++;
  return out;
}
