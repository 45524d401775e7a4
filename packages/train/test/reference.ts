/**
 * Float64 plain-JS references written from the PyTorch sources, independent of the tfjs code:
 * `torch.optim.AdamW` (`_single_tensor_adamw`), `torch.nn.utils.clip_grad_norm_`.
 */
import { mulberry32Float } from "@i3/core";

/** One parameter's AdamW state. */
export interface RefSlot {
  p: number[];
  m: number[];
  v: number[];
  step: number;
}

export function refSlot(p: readonly number[]): RefSlot {
  return { p: [...p], m: p.map(() => 0), v: p.map(() => 0), step: 0 };
}

/** PyTorch AdamW step in float64 (decay first, then moments, bias-corrected update with eps outside the sqrt). */
export function refAdamWStep(s: RefSlot, g: readonly number[], lr: number, wd: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
  s.step += 1;
  const bc1 = 1 - beta1 ** s.step;
  const bc2 = 1 - beta2 ** s.step;
  for (let i = 0; i < s.p.length; i++) {
    const gi = g[i]!;
    s.p[i] = s.p[i]! * (1 - lr * wd);
    s.m[i] = beta1 * s.m[i]! + (1 - beta1) * gi;
    s.v[i] = beta2 * s.v[i]! + (1 - beta2) * gi * gi;
    const denom = Math.sqrt(s.v[i]!) / Math.sqrt(bc2) + eps;
    s.p[i] = s.p[i]! - (lr / bc1) * (s.m[i]! / denom);
  }
}

/** `clip_grad_norm_` in float64: returns the scaled gradients and the total norm. */
export function refClip(grads: readonly (readonly number[])[], maxNorm: number): { grads: number[][]; norm: number } {
  const norm = Math.sqrt(grads.flat().reduce((a, x) => a + x * x, 0));
  const coef = Math.min(maxNorm / (norm + 1e-6), 1);
  return { grads: grads.map((g) => g.map((x) => x * coef)), norm };
}

/** mulberry32 floats in [0, 1) (test inputs), from @i3/core. */
export const rng = mulberry32Float;

/** n float32-representable values uniform in [-scale, scale). */
export function randoms(n: number, seed: number, scale = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround((2 * r() - 1) * scale));
}

/** |a - e| <= atol + rtol |e| elementwise, naming the first offender. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/**
 * One step of `torch_optimizer.Lamb` (pytorch-optimizer 0.3.0, the I3 reference's optimizer) in
 * float64, written from its `step()`: moments without bias correction, r = m / (sqrt(v) + eps) +
 * wd p, trust ratio min(||p||, clamp) / ||r|| (1 when either norm is 0), step size lr (times
 * sqrt(1 - beta2^t) / (1 - beta1^t) with `debias`). The paper (You et al. 2020, Algorithm 2)
 * differs only in bias-correcting m and v and leaving phi unclipped.
 */
export function refLambStep(
  s: RefSlot,
  g: readonly number[],
  lr: number,
  opts: { wd?: number; beta1?: number; beta2?: number; eps?: number; clamp?: number; debias?: boolean } = {},
): void {
  const { wd = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-6, clamp = 10, debias = false } = opts;
  s.step += 1;
  const r: number[] = [];
  for (let i = 0; i < s.p.length; i++) {
    s.m[i] = beta1 * s.m[i]! + (1 - beta1) * g[i]!;
    s.v[i] = beta2 * s.v[i]! + (1 - beta2) * g[i]! * g[i]!;
    r.push(s.m[i]! / (Math.sqrt(s.v[i]!) + eps) + wd * s.p[i]!);
  }
  const norm = (x: readonly number[]) => Math.sqrt(x.reduce((a, y) => a + y * y, 0));
  const weightNorm = Math.min(norm(s.p), clamp);
  const rNorm = norm(r);
  const trust = weightNorm === 0 || rNorm === 0 ? 1 : weightNorm / rNorm;
  const stepSize = debias ? (lr * Math.sqrt(1 - beta2 ** s.step)) / (1 - beta1 ** s.step) : lr;
  for (let i = 0; i < s.p.length; i++) s.p[i] = s.p[i]! - stepSize * trust * r[i]!;
}
