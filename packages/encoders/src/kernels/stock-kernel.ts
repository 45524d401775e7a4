/** Calling a captured stock kernel from a replacement kernel (the fallback of every fast kernel). */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";

/** A kernel call's arguments as the registry passes them. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/** Runs kernel `k` on `args` and returns its (first) output. */
export function callStock(k: KernelConfig, args: KernelArgs): TensorInfo {
  const r = (k.kernelFunc as KernelFunc)(args as never);
  return Array.isArray(r) ? (r[0] as TensorInfo) : r;
}
