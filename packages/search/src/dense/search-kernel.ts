/**
 * Which kernel scores the blocks of an exact search:
 * - `onnx`: onnxruntime-node (Gemm + TopK on native MLAS kernels, `threads` intra-op threads);
 * - `tf`: one `tf.matMul` per block on the caller's TensorFlow.js namespace;
 * - `js`: plain JavaScript (float64 sums rounded to float32);
 * - `auto` (default): `onnx` when onnxruntime-node loads, else `tf` when a namespace is given,
 *   else `js`; the fallback's cause is reported and warned about once per process.
 * The `I3_SEARCH_KERNEL` environment variable sets the kernel when the options do not.
 */
import { defaultOnnxThreads, loadOnnxRuntime, type OnnxRuntime } from "./onnx-runtime.js";
import type { TfLike } from "./tf-kernel.js";

/** A kernel setting. */
export type SearchKernel = "auto" | "onnx" | "tf" | "js";

/** The kernel that ran. */
export interface SearchKernelReport {
  kernel: "onnx" | "tf" | "js";
  /** Human-readable: runtime and version, or backend. */
  description: string;
  /** Intra-op threads (`onnx` only). */
  threads?: number;
  /** Why `auto` did not run `onnx` (its load error). */
  fallback?: string;
}

const KERNELS: readonly SearchKernel[] = ["auto", "onnx", "tf", "js"];

let warned = false;

/** The kernel setting in force: `options.kernel`, else `I3_SEARCH_KERNEL`, else `"auto"`; rejects unknown names. */
export function kernelSetting(kernel: SearchKernel | undefined): SearchKernel {
  if (kernel !== undefined) {
    if (!KERNELS.includes(kernel)) throw new RangeError(`dense search: kernel must be one of ${KERNELS.join(", ")}, got ${JSON.stringify(kernel)}`);
    return kernel;
  }
  const env = process.env.I3_SEARCH_KERNEL;
  if (env === undefined || env === "") return "auto";
  if (!KERNELS.includes(env as SearchKernel)) throw new RangeError(`I3_SEARCH_KERNEL must be one of ${KERNELS.join(", ")}, got ${JSON.stringify(env)}`);
  return env as SearchKernel;
}

/** Resolves the kernel of a search: its report, and the loaded runtime when it is `onnx`. */
export function chooseKernel(options: { kernel?: SearchKernel; tf?: TfLike; threads?: number }): { report: SearchKernelReport; ort?: OnnxRuntime } {
  const setting = kernelSetting(options.kernel);
  if (setting === "js") return { report: jsReport() };
  if (setting === "tf") {
    if (options.tf === undefined) throw new Error('dense search: kernel "tf" needs a TensorFlow.js namespace in options.tf');
    return { report: tfReport(options.tf) };
  }
  let ort: OnnxRuntime;
  try {
    ort = loadOnnxRuntime();
  } catch (err) {
    if (setting === "onnx") throw new Error(`dense search: kernel "onnx": ${(err as Error).message}`);
    const fallback = (err as Error).message;
    const report = options.tf !== undefined ? tfReport(options.tf) : jsReport();
    if (!warned) {
      warned = true;
      console.warn(`dense search: ${fallback}; using the ${report.kernel} kernel`);
    }
    return { report: { ...report, fallback } };
  }
  const threads = options.threads ?? defaultOnnxThreads();
  return { report: { kernel: "onnx", description: `onnxruntime-node ${ort.version} (Gemm + TopK, ${threads} threads)`, threads }, ort };
}

function jsReport(): SearchKernelReport {
  return { kernel: "js", description: "plain JavaScript" };
}

function tfReport(tf: TfLike): SearchKernelReport {
  return { kernel: "tf", description: `tfjs matMul (${tf.getBackend()} backend)` };
}
