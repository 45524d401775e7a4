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
 * One tiny session per transpose combination: a single ONNX `Gemm` node (transA / transB
 * attributes, dynamic M, K, N). MLAS splits a GEMM over threads by output blocks only, never
 * along K, so each output element is summed in the same order whatever the thread count: results
 * are deterministic (test: kernels-onnx.test.ts).
 */
import { createRequire } from "node:module";
import { OnnxGraphBuilder } from "../onnx/graph-builder.js";

/** The parts of onnxruntime-common's `Tensor` constructor used here. */
type OrtTensorCtor = new (type: "float32", data: Float32Array, dims: readonly number[]) => object;

/** The native session class of onnxruntime-node's binding (only what is used). */
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, object>, fetches: Record<string, object | null>, options: object): Record<string, unknown>;
  dispose?(): void;
}

interface OrtModules {
  Tensor: OrtTensorCtor;
  Session: new () => NativeSession;
  version: string;
}

/** Options of {@link loadOnnxGemm}. */
export interface OnnxGemmOptions {
  /** onnxruntime intra-op threads (default 2). Fixed per engine: results do not depend on it. */
  threads?: number;
  /** The npm package to load (default "onnxruntime-node"; another name tests the fallback). */
  packageName?: string;
}

/** Loads onnxruntime-node and its native binding; a reason string when it cannot. */
function loadOrt(packageName: string): OrtModules | string {
  try {
    const require = createRequire(import.meta.url);
    const ort = require(packageName) as { Tensor: OrtTensorCtor };
    const native = require(`${packageName}/dist/binding.js`) as { binding: { InferenceSession: new () => NativeSession }; initOrt(): void };
    native.initOrt();
    const version = (require(`${packageName}/package.json`) as { version: string }).version;
    return { Tensor: ort.Tensor, Session: native.binding.InferenceSession, version };
  } catch (err) {
    return `${packageName} did not load (${String(err instanceof Error ? err.message : err).split("\n")[0]})`;
  }
}

/** The ONNX model of C = op(A) . op(B): one Gemm node, dims dynamic. */
function gemmModel(transA: boolean, transB: boolean): Uint8Array {
  const g = new OnnxGraphBuilder(`gemm_${Number(transA)}${Number(transB)}`);
  const a = g.input("a", "float", transA ? ["k", "m"] : ["m", "k"]);
  const b = g.input("b", "float", transB ? ["n", "k"] : ["k", "n"]);
  const c = g.op("Gemm", [a, b], { transA: { int: transA ? 1 : 0 }, transB: { int: transB ? 1 : 0 } });
  g.output("c", c, "float", ["m", "n"]);
  return g.toBytes({ opset: 17, producer: "@i3/encoders onnx-gemm" });
}

/** A loaded GEMM engine: see the module comment. */
export class OnnxGemm {
  private readonly sessions = new Map<string, NativeSession>();
  private disposed = false;

  private constructor(
    private readonly ort: OrtModules,
    /** Intra-op threads of every session. */
    readonly threads: number,
  ) {}

  /** Loads onnxruntime-node; returns why not (a string) when it is not installed or fails to load. */
  static load(options: OnnxGemmOptions = {}): OnnxGemm | string {
    const ort = loadOrt(options.packageName ?? "onnxruntime-node");
    if (typeof ort === "string") return ort;
    const threads = options.threads ?? 2;
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`onnx gemm: threads must be a positive integer, got ${threads}`);
    return new OnnxGemm(ort, threads);
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
    if (this.disposed) throw new Error("onnx gemm: used after dispose");
    if (a.length !== M * K || b.length !== K * N || c.length !== M * N) {
      throw new Error(`onnx gemm: views of ${a.length}, ${b.length}, ${c.length} floats for M=${M} K=${K} N=${N}`);
    }
    const { Tensor } = this.ort;
    const feeds = {
      a: new Tensor("float32", a, transA ? [K, M] : [M, K]),
      b: new Tensor("float32", b, transB ? [N, K] : [K, N]),
    };
    this.session(transA, transB).run(feeds, { c: new Tensor("float32", c, [M, N]) }, {});
  }

  /** Releases the native sessions. */
  dispose(): void {
    for (const s of this.sessions.values()) s.dispose?.();
    this.sessions.clear();
    this.disposed = true;
  }

  private session(transA: boolean, transB: boolean): NativeSession {
    const key = `${Number(transA)}${Number(transB)}`;
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = new this.ort.Session();
      const bytes = gemmModel(transA, transB);
      s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
      this.sessions.set(key, s);
    }
    return s;
  }
}
