/**
 * onnxruntime-node's synchronous native binding. The package's public `InferenceSession.run` is
 * asynchronous only because it defers the native call with `setImmediate`; the binding underneath
 * (`onnxruntime-node/dist/binding.js`, "a simple synchronized inference session object wrap")
 * runs in place, which a synchronous caller needs (exact search, a tfjs kernel). This module
 * loads it with the caller's `require`, so the caller's package resolves onnxruntime-node and
 * @i3/core itself depends on nothing; the internals it relies on are checked and a change of
 * layout is an error saying so.
 */

/** The native session class of the binding (what callers use). */
export interface NativeOrtSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, object>, fetches: Record<string, object | null>, options: object): Record<string, unknown>;
  dispose?(): void;
}

/** The loaded binding: onnxruntime-common's `Tensor` constructor, the native session class and the package's version. */
export interface OrtBinding {
  readonly Tensor: new (type: string, data: ArrayBufferView, dims: readonly number[]) => { readonly data: unknown; readonly dims: readonly number[] };
  readonly InferenceSession: new () => NativeOrtSession;
  readonly version: string;
}

/**
 * Loads `packageName` (default onnxruntime-node) and its native binding through `require`
 * (`createRequire(import.meta.url)` of the caller) and initialises the runtime once. Throws an
 * Error naming the package and the cause: not installed, no binary for this platform, or a
 * binding whose layout is not the one this code was written for.
 */
export function loadOrtBinding(require: (id: string) => unknown, packageName = "onnxruntime-node"): OrtBinding {
  const ort = require(packageName) as { Tensor?: unknown };
  const version = (require(`${packageName}/package.json`) as { version?: string }).version ?? "unknown";
  const native = require(`${packageName}/dist/binding.js`) as { binding?: { InferenceSession?: unknown }; initOrt?: unknown };
  if (typeof ort.Tensor !== "function") throw new Error(`${packageName} ${version} exports no Tensor constructor`);
  if (typeof native.initOrt !== "function" || typeof native.binding?.InferenceSession !== "function") {
    throw new Error(`${packageName} ${version}: dist/binding.js has no synchronous InferenceSession (binding layout changed)`);
  }
  (native.initOrt as () => void)();
  return { Tensor: ort.Tensor as OrtBinding["Tensor"], InferenceSession: native.binding.InferenceSession as OrtBinding["InferenceSession"], version };
}
