/**
 * What a run asks for. `auto` takes the best device that loads: gpu, then cpu, then wasm, then js.
 * `wasm+onnxruntime` (opt-in, never chosen by `auto`): the wasm backend with its large matMuls on
 * onnxruntime-node's native kernels (`installOnnxMatMul`, packages/encoders/docs/kernels.md).
 */
export type Device = "auto" | "gpu" | "cpu" | "wasm" | "wasm+onnxruntime" | "js";

/** A concrete device (what `auto` resolves to). */
export type ConcreteDevice = Exclude<Device, "auto">;

/** The devices `auto` tries, best first. */
export const AUTO_ORDER: readonly ConcreteDevice[] = ["gpu", "cpu", "wasm", "js"];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Default `"auto"`. */
  device?: Device;
  /**
   * wasm only: use the SIMD build (default: whenever the runtime supports SIMD, which
   * Node >= 16 does). Takes effect only on the first wasm initialisation of the process.
   */
  wasmSimd?: boolean;
  /**
   * wasm only: directory holding `tfjs-backend-wasm*.wasm` (default: the `dist/` folder
   * of the installed `@tensorflow/tfjs-backend-wasm`). First wasm initialisation only.
   */
  wasmDir?: string;
}

/** What was selected; recorded in every log line and result file of a run. */
export interface BackendInfo {
  /** The device that was asked for. */
  requested: Device;
  /** `tf.getBackend()`: "tensorflow", "wasm" or "cpu". */
  backend: string;
  /** The device actually used. */
  device: ConcreteDevice;
  /** tfjs-core version (`tf.version_core`). */
  tfjsVersion: string;
  /** npm package that provided the backend, e.g. "@tensorflow/tfjs-backend-wasm". */
  binding?: string;
  /** wasm only: whether the SIMD build is running. */
  simd?: boolean;
  /** Threads the backend computes with (1 for wasm in Node and for js). */
  threads: number;
  /** Why better devices were skipped (`auto` only), e.g. "gpu: @tensorflow/tfjs-node-gpu is not installed". */
  fallbackReasons: string[];
}
