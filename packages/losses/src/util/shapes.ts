import type * as tf from "@tensorflow/tfjs-core";

/** Throws `${loss}: ${name} must have rank r, got shape [..]`. */
export function assertRank(loss: string, name: string, t: tf.Tensor, rank: number): void {
  if (t.rank !== rank) {
    throw new Error(`${loss}: ${name} must have rank ${rank}, got shape [${t.shape.join(", ")}]`);
  }
}

/** Throws unless `t.shape` equals `shape` exactly. */
export function assertShape(loss: string, name: string, t: tf.Tensor, shape: readonly number[]): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${loss}: ${name} must have shape [${shape.join(", ")}], got [${t.shape.join(", ")}]`);
  }
}

/** Throws unless `t` is float32 (losses are computed on float32 scores / logits). */
export function assertFloat(loss: string, name: string, t: tf.Tensor): void {
  if (t.dtype !== "float32") throw new Error(`${loss}: ${name} must be float32, got ${t.dtype}`);
}

/** Throws unless `t` is a non-empty tensor. */
export function assertNonEmpty(loss: string, name: string, t: tf.Tensor): void {
  if (t.size === 0) throw new Error(`${loss}: ${name} is empty (shape [${t.shape.join(", ")}])`);
}

/** Throws unless `x` is a finite number > 0. */
export function assertPositive(loss: string, name: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${loss}: ${name} must be a finite number > 0, got ${x}`);
}
