/**
 * One loader per concrete device. A loader makes its backend current (`tf.setBackend`)
 * or throws {@link BackendUnavailableError}; it never falls back by itself (that is
 * {@link initBackend}'s job for `auto`).
 */
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { tf } from "./tf.js";
import type * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import { BackendUnavailableError, INSTALL_HINTS, firstLine, isModuleNotFound } from "./errors.js";
import type { ConcreteDevice, InitBackendOptions } from "./types.js";
import { installMatMulRoute } from "./mat-mul-route.js";

/** What a loader found; {@link initBackend} adds `requested`, `tfjsVersion` and `fallbackReasons`. */
export interface LoadedBackend {
  backend: string;
  device: ConcreteDevice;
  binding: string;
  simd?: boolean;
  threads: number;
  notes: string[];
}

export const GPU_BINDING = "@tensorflow/tfjs-node-gpu";
export const CPU_BINDING = "@tensorflow/tfjs-node";
export const WASM_BINDING = "@tensorflow/tfjs-backend-wasm";
export const JS_BINDING = "@tensorflow/tfjs-backend-cpu";

/** The npm package that registered the "tensorflow" backend in this process, if any. */
let tensorflowBinding: string | undefined;

/** Dynamic import through a variable, so a missing optional package is a runtime error, not a type error. */
async function importOptional(spec: string): Promise<unknown> {
  return import(spec);
}

/** libtensorflow's intra-op pool: TF_NUM_INTRAOP_THREADS, else one thread per core. */
function tensorflowThreads(): number {
  const env = Number(process.env["TF_NUM_INTRAOP_THREADS"]);
  return Number.isInteger(env) && env > 0 ? env : os.availableParallelism();
}

/** The native backend's own report of whether it runs on a CUDA device (tfjs-node's NodeJSKernelBackend). */
function usingGpu(): boolean {
  const b = tf.backend() as unknown as { isUsingGpuDevice?: unknown };
  return b.isUsingGpuDevice === true;
}

/** Imports a tfjs-node package (which registers the "tensorflow" backend) and makes it current. */
async function loadTensorflow(device: "gpu" | "cpu", spec: string): Promise<string> {
  if (tensorflowBinding === undefined) {
    if (tf.findBackendFactory("tensorflow") !== null) {
      tensorflowBinding = "unknown tfjs-node package";
    } else {
      try {
        await importOptional(spec);
      } catch (err) {
        const reason = isModuleNotFound(err, spec)
          ? `${spec} is not installed`
          : `${spec} failed to load (${firstLine(err)})`;
        throw new BackendUnavailableError(device, reason, INSTALL_HINTS[device]);
      }
      tensorflowBinding = spec;
    }
  }
  if (!(await tf.setBackend("tensorflow"))) {
    throw new BackendUnavailableError(
      device,
      `${tensorflowBinding} loaded but its "tensorflow" backend failed to initialise`,
      INSTALL_HINTS[device],
    );
  }
  return tensorflowBinding;
}

async function loadGpu(): Promise<LoadedBackend> {
  if (tensorflowBinding === CPU_BINDING) {
    throw new BackendUnavailableError(
      "gpu",
      `the "tensorflow" backend was already registered by ${CPU_BINDING} (CPU only) in this process`,
      "Request the device before any other, in a fresh process.",
    );
  }
  const binding = await loadTensorflow("gpu", GPU_BINDING);
  if (!usingGpu()) {
    throw new BackendUnavailableError(
      "gpu",
      `${binding} loaded but TensorFlow found no usable CUDA GPU`,
      "Check `nvidia-smi`, the driver, CUDA 11.2 and cuDNN 8.1 (LD_LIBRARY_PATH), or request \"auto\" or \"cpu\".",
    );
  }
  return { backend: "tensorflow", device: "gpu", binding, threads: tensorflowThreads(), notes: [] };
}

async function loadCpu(): Promise<LoadedBackend> {
  // If tfjs-node-gpu already registered "tensorflow" (e.g. `auto` found no GPU), its CPU kernels serve.
  const binding = await loadTensorflow("cpu", tensorflowBinding ?? CPU_BINDING);
  const notes = binding === CPU_BINDING ? [] : [`cpu: served by the "tensorflow" backend of ${binding}`];
  const device = usingGpu() ? "gpu" : "cpu";
  return { backend: "tensorflow", device, binding, threads: tensorflowThreads(), notes };
}

/** Set once per process: the wasm paths and SIMD flag must be set before the wasm backend first initialises. */
let wasmConfigured = false;

async function loadWasm(opts: InitBackendOptions): Promise<LoadedBackend> {
  let wasm: typeof tfWasm;
  try {
    wasm = await import("@tensorflow/tfjs-backend-wasm");
  } catch (err) {
    throw new BackendUnavailableError("wasm", `${WASM_BINDING} failed to load (${firstLine(err)})`, INSTALL_HINTS.wasm);
  }
  const alreadyInitialised = tf.engine().registry["wasm"] !== undefined;
  if (!wasmConfigured && !alreadyInitialised) {
    // In Node the emscripten loader reads the binaries from disk: give it file paths.
    // Threads: the threaded build starts workers from blob: URLs, which fails in Node;
    // tfjs already reports WASM_HAS_MULTITHREAD_SUPPORT = false under Node, we make it explicit.
    const dir = opts.wasmDir ?? path.dirname(createRequire(import.meta.url).resolve(WASM_BINDING));
    wasm.setWasmPaths({
      "tfjs-backend-wasm.wasm": path.join(dir, "tfjs-backend-wasm.wasm"),
      "tfjs-backend-wasm-simd.wasm": path.join(dir, "tfjs-backend-wasm-simd.wasm"),
      "tfjs-backend-wasm-threaded-simd.wasm": path.join(dir, "tfjs-backend-wasm-threaded-simd.wasm"),
    });
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    if (opts.wasmSimd === false) tf.env().set("WASM_HAS_SIMD_SUPPORT", false);
    wasmConfigured = true;
  }
  if (!(await tf.setBackend("wasm"))) {
    throw new BackendUnavailableError(
      "wasm",
      `${WASM_BINDING} did not initialise (see the tfjs warning above; are the .wasm files readable?)`,
      INSTALL_HINTS.wasm,
    );
  }
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  const notes =
    opts.wasmSimd !== undefined && opts.wasmSimd !== simd
      ? [`wasm: wasmSimd=${opts.wasmSimd} ignored, the backend was already initialised with simd=${simd}`]
      : [];
  return { backend: "wasm", device: "wasm", binding: WASM_BINDING, simd, threads: wasm.getThreadsCount(), notes };
}

/**
 * The wasm backend with the fast kernels and the onnxruntime route of its matMuls installed;
 * throws when onnxruntime-node does not load (never a silent fallback: the route changes the
 * summation order, so a run must not switch paths unnoticed).
 */
async function loadWasmOnnxruntime(opts: InitBackendOptions): Promise<LoadedBackend> {
  const wasm = await loadWasm(opts);
  const status = installMatMulRoute();
  if (!status.installed) throw new BackendUnavailableError("wasm+onnxruntime", status.reason ?? "onnxruntime route not installed", INSTALL_HINTS["wasm+onnxruntime"]);
  return { ...wasm, device: "wasm+onnxruntime", binding: `${WASM_BINDING} + onnxruntime-node ${status.version} (matMuls, ${status.threads} threads)` };
}

async function loadJs(): Promise<LoadedBackend> {
  try {
    await import("@tensorflow/tfjs-backend-cpu");
  } catch (err) {
    throw new BackendUnavailableError("js", `${JS_BINDING} failed to load (${firstLine(err)})`, INSTALL_HINTS.js);
  }
  if (!(await tf.setBackend("cpu"))) {
    throw new BackendUnavailableError("js", `${JS_BINDING}'s "cpu" backend failed to initialise`, INSTALL_HINTS.js);
  }
  // Its first write prints a "install the node backend" banner; the choice is recorded in BackendInfo instead.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { backend: "cpu", device: "js", binding: JS_BINDING, threads: 1, notes: [] };
}

/** Loads one concrete device; throws {@link BackendUnavailableError} when it cannot. */
export function loadDevice(device: ConcreteDevice, opts: InitBackendOptions): Promise<LoadedBackend> {
  switch (device) {
    case "gpu":
      return loadGpu();
    case "cpu":
      return loadCpu();
    case "wasm":
      return loadWasm(opts);
    case "wasm+onnxruntime":
      return loadWasmOnnxruntime(opts);
    case "js":
      return loadJs();
  }
}
