/**
 * Linear (dense) layer, `torch.nn.Linear` as used throughout HF `modeling_bert.py`:
 * y = x W + b, W stored [in, out] (PyTorch stores W^T, [out, in]; checkpoints transpose).
 * Any leading shape is flattened so the product is one 2-D matMul [N, in] x [in, out]
 * (the wasm backend's fast path).
 */
import { tf } from "../../backend/tf.js";
import type { ParamScope } from "../params.js";

/** y = x W + b over the last axis. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  /** Creates `weight` [inDim, outDim] ~ truncnormal(0, std) and `bias` [outDim] = 0 under `scope`. */
  constructor(
    scope: ParamScope,
    readonly inDim: number,
    readonly outDim: number,
    std: number,
  ) {
    this.weight = scope.truncatedNormal("weight", [inDim, outDim], std, true);
    this.bias = scope.zeros("bias", [outDim]);
  }

  /** x [..., inDim] -> [..., outDim]. */
  apply(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, this.inDim]);
    const y = tf.add(tf.matMul(x2, this.weight), this.bias);
    return tf.reshape(y, [...lead, this.outDim]);
  }
}
