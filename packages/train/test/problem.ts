/** A tiny 2-layer MLP classifier (4 -> 8 -> 3, ReLU, seeded dropout) on a seeded toy data set. */
import { tf } from "@i3/encoders";
import type { StepContext } from "../src/index.js";
import { randoms, rng } from "./reference.js";

export interface Example {
  readonly x: readonly number[];
  readonly label: number;
}

/** n examples, 4 features, 3 classes (label = argmax of a fixed linear map, so it is learnable). */
export function dataset(n: number, seed = 7): Example[] {
  const xs = randoms(4 * n, seed, 2);
  return Array.from({ length: n }, (_, i) => {
    const x = xs.slice(4 * i, 4 * i + 4);
    const s = [x[0]! + x[1]!, x[2]! - x[0]!, x[3]! - x[1]!];
    return { x, label: s.indexOf(Math.max(...s)) };
  });
}

/** Batches of `size`, reshuffled per epoch by a seed derived from (seed, epoch): deterministic per (seed, epoch). */
export function batchesOf(data: readonly Example[], size: number, seed: number): (epoch: number) => Generator<Example[]> {
  return function* (epoch: number) {
    const r = rng(seed * 1000 + epoch);
    const order = data.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let i = 0; i < order.length; i += size) yield order.slice(i, i + size).map((k) => data[k]!);
  };
}

export interface Mlp {
  readonly params: Record<string, tf.Variable>;
  lossFn(batch: readonly Example[], ctx: StepContext): tf.Scalar;
  weights(): Record<string, Float32Array>;
  dispose(): void;
}

/** The MLP with weights drawn from `initSeed`; `dropout` > 0 applies seeded dropout to the hidden layer. */
export function mlp(initSeed: number, dropout = 0): Mlp {
  const params = {
    "fc1.weight": tf.variable(tf.tensor2d(randoms(32, initSeed, 0.5), [4, 8])),
    "fc1.bias": tf.variable(tf.tensor1d(randoms(8, initSeed + 1, 0.1))),
    "fc2.weight": tf.variable(tf.tensor2d(randoms(24, initSeed + 2, 0.5), [8, 3])),
    "fc2.bias": tf.variable(tf.tensor1d(randoms(3, initSeed + 3, 0.1))),
  };
  return {
    params,
    lossFn(batch, ctx) {
      const x = tf.tensor2d(batch.map((e) => [...e.x]));
      const onehot = tf.tensor2d(batch.map((e) => [0, 1, 2].map((c) => (c === e.label ? 1 : 0))));
      let h = tf.relu(tf.add(tf.matMul(x, params["fc1.weight"]), params["fc1.bias"]));
      if (dropout > 0) h = tf.dropout(h, dropout, undefined, ctx.seed);
      const logits = tf.add(tf.matMul(h, params["fc2.weight"]), params["fc2.bias"]);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
    },
    weights() {
      return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()]));
    },
    dispose() {
      tf.dispose(Object.values(params));
    },
  };
}
