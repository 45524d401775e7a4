/**
 * onnxruntime-node, loaded lazily and used synchronously. The package's public
 * `InferenceSession.run` is asynchronous only because it defers the native call with
 * `setImmediate`; the native binding underneath (`onnxruntime-node/dist/binding.js`, "a simple
 * synchronized inference session object wrap") runs in place. Exact search is synchronous
 * (`DenseIndex.search`), so it uses that binding (`@i3/core` loadOrtBinding, resolved from this
 * package). Loading happens at the first ONNX search, never
 * at import, so `@i3/search` imports without onnxruntime-node; any failure (package absent, no
 * binary for this platform, a changed binding) is thrown as one error naming the cause, which
 * the caller turns into a fallback.
 */
import { createRequire } from "node:module";
import { loadOrtBinding } from "@i3/core";
import { availableParallelism } from "node:os";
import { searchModelBytes, type SearchModelSpec } from "./onnx-search-model.js";

/** An onnxruntime tensor value as the binding takes and returns it. */
export interface OrtTensor {
  readonly data: Float32Array | BigInt64Array | Uint16Array;
  readonly dims: readonly number[];
}

/** One loaded model: `run(feeds, outputNames)` synchronously. */
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>, outputs: readonly string[]): Record<string, OrtTensor>;
}

/** The loaded runtime. */
export interface OnnxRuntime {
  /** onnxruntime-node's version. */
  readonly version: string;
  /** A tensor over `data` (used in place, not copied). */
  tensor(type: "float32" | "float16" | "int64", data: Float32Array | Uint16Array | BigInt64Array, dims: number[]): OrtTensor;
  /** The search model of `spec` on the CPU execution provider with `threads` intra-op threads (cached). */
  session(spec: SearchModelSpec, threads: number): OrtSession;
}

let loaded: { runtime: OnnxRuntime } | { error: Error } | undefined;

/** Default intra-op threads: the cores Node reports (`os.availableParallelism()`). */
export function defaultOnnxThreads(): number {
  return availableParallelism();
}

/** The runtime, loaded on first call; throws (the same error on every call) when it cannot load. */
export function loadOnnxRuntime(): OnnxRuntime {
  if (loaded === undefined) {
    try {
      loaded = { runtime: load() };
    } catch (err) {
      loaded = { error: new Error(`onnxruntime-node could not be loaded: ${(err as Error).message}`) };
    }
  }
  if ("error" in loaded) throw loaded.error;
  return loaded.runtime;
}

function load(): OnnxRuntime {
  const { Tensor, InferenceSession: Session, version } = loadOrtBinding(createRequire(import.meta.url));
  const sessions = new Map<string, OrtSession>();
  return {
    version,
    tensor: (type, data, dims) => new Tensor(type, data, dims) as OrtTensor,
    session(spec, threads) {
      const key = `${spec.passages}/${spec.topK}/${threads}`;
      let session = sessions.get(key);
      if (session === undefined) {
        const native = new Session();
        const bytes = searchModelBytes(spec);
        native.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
          executionProviders: [{ name: "cpu" }],
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          executionMode: "sequential",
          graphOptimizationLevel: "all",
          // A run lasts milliseconds, so waking the pool costs nothing; spinning after it would
          // take CPU from whatever runs next (tfjs query encoding, other processes).
          extra: { "session.intra_op.allow_spinning": "0" },
        });
        session = {
          run: (feeds, outputs) => native.run(feeds, Object.fromEntries(outputs.map((o) => [o, null])), {}) as Record<string, OrtTensor>,
        };
        sessions.set(key, session);
      }
      return session;
    },
  };
}
