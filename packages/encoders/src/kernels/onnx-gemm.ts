/**
 * A synchronous float32 GEMM on onnxruntime-node's native CPU kernels (MLAS), for the wasm
 * backend's matMul kernel (onnx-mat-mul.ts).
 *
 * onnxruntime-node's public `InferenceSession.run` is asynchronous, but only because it defers
 * to `setImmediate`: the native binding's own `run` (`onnxruntime-node/dist/binding.js`) is
 * synchronous. This module calls the binding directly, so a tfjs kernel can use it without a
 * worker. Operands are passed as Float32Array views on the caller's memory (the wasm heap: no
 * copy in) and the result is written into a pre-allocated output view (no copy out).
 *
 * One tiny session per transpose combination and rank: a single ONNX `Gemm` node for 2-D
 * products, onnxruntime's `com.microsoft` `FusedMatMul` for batches of them (transA / transB
 * attributes, dynamic dims). MLAS splits a GEMM over threads by output blocks only, never
 * along K, so each output element is summed in the same order whatever the thread count: results
 * are deterministic (test: kernels-onnx.test.ts).
 */
import { createRequire } from "node:module";
import { loadOrtBinding, type NativeOrtSession, type OrtBinding } from "@i3/core";
import { OnnxGraphBuilder } from "../onnx/graph-builder.js";

type OrtModules = Omit<OrtBinding, "InferenceSession"> & { readonly Session: OrtBinding["InferenceSession"] };

/** Options of {@link loadOnnxGemm}. */
export interface OnnxGemmOptions {
  /** onnxruntime intra-op threads (default 2). Fixed per engine: results do not depend on it. */
  threads?: number;
  /** The npm package to load (default "onnxruntime-node"; another name tests the fallback). */
  packageName?: string;
  /**
   * Let onnxruntime's pool threads spin between calls (its default) rather than sleep (default
   * false here: spinning keeps a core busy while the wasm thread runs the other ops, which
   * starves other processes and, on a shared machine, this one).
   */
  spinWait?: boolean;
}

/** Loads onnxruntime-node and its native binding (`@i3/core` loadOrtBinding); a reason string when it cannot. */
function loadOrt(packageName: string): OrtModules | string {
  try {
    const { Tensor, InferenceSession, version } = loadOrtBinding(createRequire(import.meta.url), packageName);
    return { Tensor, Session: InferenceSession, version };
  } catch (err) {
    return `${packageName} did not load (${String(err instanceof Error ? err.message : err).split("\n")[0]})`;
  }
}

/** The ONNX model of C = op(A) . op(B), 2-D (one Gemm node) or batched (one FusedMatMul); dims dynamic. */
function gemmModel(transA: boolean, transB: boolean, batched: boolean): Uint8Array {
  const g = new OnnxGraphBuilder(`gemm_${Number(transA)}${Number(transB)}${batched ? "_batched" : ""}`);
  const lead = batched ? ["batch"] : [];
  const a = g.input("a", "float", [...lead, ...(transA ? ["k", "m"] : ["m", "k"])]);
  const b = g.input("b", "float", [...lead, ...(transB ? ["n", "k"] : ["k", "n"])]);
  const attrs = { transA: { int: transA ? 1 : 0 }, transB: { int: transB ? 1 : 0 } };
  const c = batched ? g.contribOp("FusedMatMul", [a, b], attrs) : g.op("Gemm", [a, b], attrs);
  g.output("c", c, "float", [...lead, "m", "n"]);
  return g.toBytes({ opset: 17, producer: "@i3/encoders onnx-gemm" });
}

/** A loaded GEMM engine: see the module comment. */
export class OnnxGemm {
  private readonly sessions = new Map<string, NativeOrtSession>();
  private disposed = false;

  private constructor(
    private readonly ort: OrtModules,
    /** Intra-op threads of every session. */
    readonly threads: number,
    private readonly spinWait: boolean,
  ) {}

  /** Loads onnxruntime-node; returns why not (a string) when it is not installed or fails to load. */
  static load(options: OnnxGemmOptions = {}): OnnxGemm | string {
    const ort = loadOrt(options.packageName ?? "onnxruntime-node");
    if (typeof ort === "string") return ort;
    const threads = options.threads ?? 2;
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`onnx gemm: threads must be a positive integer, got ${threads}`);
    return new OnnxGemm(ort, threads, options.spinWait ?? false);
  }

  /** onnxruntime-node's version. */
  get version(): string {
    return this.ort.version;
  }

  /**
   * c (M x N) = op(a) . op(b), all row-major float32 views (a is K x M when transA, b is N x K
   * when transB); c is overwritten. Synchronous; the views may live on a wasm heap.
   */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, transA: boolean, transB: boolean): void {
    this.run(a, b, c, 0, M, K, N, transA, transB);
  }

  /**
   * c[i] (M x N) = op(a[i]) . op(b[i]) for i < batch: `gemm` over `batch` consecutive matrices of
   * each view (both operands batched; attention's products).
   */
  batchedGemm(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, M: number, K: number, N: number, transA: boolean, transB: boolean): void {
    this.run(a, b, c, batch, M, K, N, transA, transB);
  }

  /** Releases the native sessions. */
  dispose(): void {
    for (const s of this.sessions.values()) s.dispose?.();
    this.sessions.clear();
    this.disposed = true;
  }

  /** One product; `batch` 0 = a single 2-D product. */
  private run(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, M: number, K: number, N: number, transA: boolean, transB: boolean): void {
    if (this.disposed) throw new Error("onnx gemm: used after dispose");
    const n = Math.max(batch, 1);
    if (a.length !== n * M * K || b.length !== n * K * N || c.length !== n * M * N) {
      throw new Error(`onnx gemm: views of ${a.length}, ${b.length}, ${c.length} floats for batch=${batch} M=${M} K=${K} N=${N}`);
    }
    const lead = batch > 0 ? [batch] : [];
    const { Tensor } = this.ort;
    const feeds = {
      a: new Tensor("float32", a, [...lead, ...(transA ? [K, M] : [M, K])]),
      b: new Tensor("float32", b, [...lead, ...(transB ? [N, K] : [K, N])]),
    };
    this.session(transA, transB, batch > 0).run(feeds, { c: new Tensor("float32", c, [...lead, M, N]) }, {});
  }

  private session(transA: boolean, transB: boolean, batched: boolean): NativeOrtSession {
    const key = `${Number(transA)}${Number(transB)}${Number(batched)}`;
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = new this.ort.Session();
      const bytes = gemmModel(transA, transB, batched);
      s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        extra: { "session.intra_op.allow_spinning": this.spinWait ? "1" : "0" },
      });
      this.sessions.set(key, s);
    }
    return s;
  }
}
