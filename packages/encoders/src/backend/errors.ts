import type { ConcreteDevice } from "./types.js";

/**
 * An explicitly requested device cannot be used. The message says why and what to
 * install; `reason` is the short cause (also what `auto` records in `fallbackReasons`).
 */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
  constructor(
    readonly device: ConcreteDevice,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`device "${device}" is unavailable: ${reason}. ${hint}`);
  }
}

/** npm install commands and requirements, per device. */
export const INSTALL_HINTS: Record<ConcreteDevice, string> = {
  gpu:
    "Install the CUDA binding with `npm install -w @i3/encoders @tensorflow/tfjs-node-gpu@4.22.0` " +
    "(Linux x86-64, an NVIDIA GPU with its driver, CUDA 11.2 and cuDNN 8.1; its install script " +
    'downloads libtensorflow, so it needs network access), or request device "auto", "wasm" or "js".',
  cpu:
    "Install the native binding with `npm install -w @i3/encoders @tensorflow/tfjs-node@4.22.0` " +
    "(its install script downloads libtensorflow, so it needs network access), " +
    'or request device "auto", "wasm" or "js".',
  wasm:
    "Reinstall `@tensorflow/tfjs-backend-wasm@4.22.0` (a dependency of @i3/encoders) and check that " +
    'its dist/*.wasm files exist, or request device "js".',
  "wasm+onnxruntime":
    "Install onnxruntime-node (it comes with @huggingface/transformers; `npm ci` installs it), or request " +
    'device "wasm" (the matMuls then run in wasm, in another summation order).',
  js: "Reinstall `@tensorflow/tfjs-backend-cpu@4.22.0` (a dependency of @i3/encoders).",
};

/** The first line of an error's message (native loaders print whole stacks). */
export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split("\n")[0] ?? msg).trim();
}

/** True when `err` says the package `spec` itself is missing (not one of its own imports). */
export function isModuleNotFound(err: unknown, spec: string): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : "";
  // Node quotes the missing specifier: "Cannot find package '@tensorflow/tfjs-node' imported from ...".
  // A missing dependency *of* the package names another specifier (ours may only appear in a path).
  if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && msg.includes(`'${spec}'`)) return true;
  // Vite's resolver (vitest, bundlers) on an optional peer dependency that is absent: `Could not resolve "<spec>" imported by "<importer>"`.
  return msg.startsWith(`Could not resolve "${spec}"`);
}
