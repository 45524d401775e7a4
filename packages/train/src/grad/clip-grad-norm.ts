/**
 * Gradient clipping by global norm, with the semantics of PyTorch's
 * `torch.nn.utils.clip_grad_norm_` (norm_type 2): the total norm is the 2-norm of the
 * per-tensor 2-norms (= the norm of all gradients concatenated); every gradient is multiplied
 * by clamp(max_norm / (total_norm + 1e-6), max = 1). The factor is computed in float32 and
 * applied always (a factor of exactly 1 leaves the gradients unchanged).
 */
import { tf } from "@i3/encoders";
import type { NamedGrads } from "../optim/adamw.js";

/** The global 2-norm of all gradients (float32, as PyTorch computes it). */
export function globalGradNorm(grads: NamedGrads): number {
  const list = Object.values(grads);
  if (list.length === 0) return 0;
  const norm = tf.tidy(() => tf.norm(tf.stack(list.map((g) => tf.norm(g)))));
  const value = norm.dataSync()[0] as number;
  norm.dispose();
  return value;
}

/** Result of {@link clipGradsByGlobalNorm}. */
export interface ClipResult {
  /** The scaled gradients: new tensors owned by the caller (the inputs are not disposed). */
  readonly grads: Record<string, tf.Tensor>;
  /** The total norm before clipping (what `clip_grad_norm_` returns). */
  readonly totalNorm: number;
  /** True when the gradients were scaled down (factor < 1). */
  readonly clipped: boolean;
}

/** Scales gradients so their global 2-norm is at most `maxNorm` (PyTorch `clip_grad_norm_`). */
export function clipGradsByGlobalNorm(grads: NamedGrads, maxNorm: number): ClipResult {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) throw new Error(`maxNorm must be a finite number > 0 (got ${maxNorm})`);
  const names = Object.keys(grads);
  if (names.length === 0) return { grads: {}, totalNorm: 0, clipped: false };
  const [norm, coef] = tf.tidy(() => {
    const total = tf.norm(tf.stack(names.map((n) => tf.norm(grads[n]!))));
    const c = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(total, 1e-6)), 1);
    return [total, c];
  });
  const totalNorm = norm.dataSync()[0] as number;
  const clipped = (coef.dataSync()[0] as number) < 1;
  const out = tf.tidy(() => Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, coef)])));
  tf.dispose([norm, coef]);
  return { grads: out, totalNorm, clipped };
}
