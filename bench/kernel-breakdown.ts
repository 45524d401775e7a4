/**
 * Where the kernel time of one training chunk goes (`tf.profile`): milliseconds per kernel, with
 * `BatchMatMul` split into the attention products (both operands batched) and the rest (dense
 * layers and their gradients: the products the onnxruntime route takes), and the wall time.
 */
import { tf } from "@i3/encoders";

/** Kernel milliseconds of one profiled call. */
export interface KernelBreakdown {
  wallMs: number;
  kernelMs: number;
  /** BatchMatMul calls whose two operands are both batched (attention and its gradients). */
  attentionMatMulMs: number;
  /** All other BatchMatMul calls (dense layers, their gradients). */
  denseMatMulMs: number;
  /** The largest other kernels, ms, largest first. */
  otherKernelsMs: Record<string, number>;
}

const round = (x: number): number => Number(x.toFixed(1));

/** Profiles `f` once (its result is disposed by the caller inside `f`). */
export async function kernelBreakdown(f: () => void, top = 8): Promise<KernelBreakdown> {
  const t0 = performance.now();
  const info = await tf.profile(f);
  const wallMs = performance.now() - t0;
  let attention = 0;
  let dense = 0;
  let total = 0;
  const others: Record<string, number> = {};
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    total += ms;
    if (k.name === "BatchMatMul") {
      const [a, b] = k.inputShapes;
      if ((a?.length ?? 0) > 2 && (b?.length ?? 0) > 2) attention += ms;
      else dense += ms;
    } else others[k.name] = (others[k.name] ?? 0) + ms;
  }
  const largest = Object.entries(others).sort((x, y) => y[1] - x[1]).slice(0, top);
  return {
    wallMs: round(wallMs),
    kernelMs: round(total),
    attentionMatMulMs: round(attention),
    denseMatMulMs: round(dense),
    otherKernelsMs: Object.fromEntries(largest.map(([name, ms]) => [name, round(ms)])),
  };
}
