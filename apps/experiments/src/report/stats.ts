/** Confidence intervals of a mean: Student's t over per-query values. */
import { studentTCdf } from "@i3/metrics";

/**
 * The `p`-quantile of Student's t with `df` degrees of freedom (0 < p < 1), by bisection on
 * `@i3/metrics`' `studentTCdf` (monotone), to ~1e-12.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A mean with its two-sided confidence interval. */
export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** mean ± t_{(1+level)/2, n-1} · s/√n (s: the n-1 sample standard deviation); a point when n < 2. */
export function meanConfidenceInterval(values: ArrayLike<number>, level = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, low: NaN, high: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  if (n < 2) return { n, mean, low: mean, high: mean };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const half = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { n, mean, low: mean - half, high: mean + half };
}
