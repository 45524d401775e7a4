/**
 * The confidence interval of a mean from per-query values (Student 1908): with n values, mean
 * m and n−1 sample standard deviation s, the two-sided interval at `level` is
 *   m ± t_{(1+level)/2, n−1} · s / √n,
 * as `scipy.stats.t.interval(level, n - 1, loc=m, scale=scipy.stats.sem(values))`.
 */
import { studentTQuantile } from "./student-t.js";

/** A mean with its two-sided confidence interval. */
export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/**
 * mean ± t_{(1+level)/2, n−1} · s/√n (s: the n−1 sample standard deviation) at `level`
 * (default 0.95); a point (low = high = mean) when n = 1, and NaN everywhere when n = 0.
 */
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
