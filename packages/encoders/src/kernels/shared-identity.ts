/**
 * Replacement `Identity` kernel for the tfjs wasm backend: the output shares the input's heap
 * buffer (reference count + 1), as the cpu and webgl backends' Identity and the wasm backend's own
 * `Reshape` already do. The stock wasm Identity copies the data.
 *
 * Why it matters: while recording gradients, tfjs saves every tensor a gradient needs through
 * `keep(clone(t))`, i.e. an Identity. On wasm each save was a full copy, so a training step held
 * every saved activation twice (the original until the forward's tidy ends, the copy until the
 * backward ends) and paid a memcpy per save: ~35% of a BERT layer's forward activation memory
 * and ~10% of the step time at 4x256, and part of why the `small` training benchmark ran the
 * 4 GiB wasm32 heap out (docs/kernels.md). Sharing is safe because no wasm kernel writes into
 * its inputs (every kernel allocates its output; variables re-point, never write in place).
 * String tensors (kept in JS, not on the heap) go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { callStock } from "./stock-kernel.js";

/** What the kernel needs from the backend. */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/** The replacement Identity kernel function (falls back to `stock` for strings). */
export function makeSharedIdentity(stock: KernelConfig): KernelFunc {
  return ((args: { inputs: { x: TensorInfo }; backend: unknown }): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === "string") {
      return callStock(stock, args);
    }
    (args.backend as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }) as unknown as KernelFunc;
}
