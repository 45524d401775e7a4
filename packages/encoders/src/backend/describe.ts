import type { BackendInfo } from "./types.js";

/**
 * One line for logs and result files, e.g.
 * `backend=wasm device=wasm requested=auto tfjs=4.22.0 binding=@tensorflow/tfjs-backend-wasm simd=true threads=1 fallback=[gpu: @tensorflow/tfjs-node-gpu is not installed; cpu: @tensorflow/tfjs-node is not installed]`.
 */
export function describeBackend(info: BackendInfo): string {
  const parts = [
    `backend=${info.backend}`,
    `device=${info.device}`,
    `requested=${info.requested}`,
    `tfjs=${info.tfjsVersion}`,
  ];
  if (info.binding !== undefined) parts.push(`binding=${info.binding}`);
  if (info.simd !== undefined) parts.push(`simd=${info.simd}`);
  parts.push(`threads=${info.threads}`);
  if (info.fallbackReasons.length > 0) parts.push(`fallback=[${info.fallbackReasons.join("; ")}]`);
  return parts.join(" ");
}
