/**
 * Two-sided paired t-test (Student 1908; as in scipy.stats.ttest_rel): d_i = b_i - a_i,
 * t = mean(d) / (sd(d) / sqrt(n)) with the n-1 sample standard deviation, df = n - 1,
 * p = P(|T_df| >= |t|). When every difference is equal (sd = 0): p = 1 if they are all 0
 * (t = 0), else p = 0 (t = ±Infinity); scipy returns NaN there.
 */
import { studentTTwoSided } from "./student-t.js";

/** Result of a paired test of system `b` against baseline `a`. */
export interface PairedTTest {
  readonly n: number;
  /** mean(b - a). */
  readonly meanDiff: number;
  readonly t: number;
  readonly df: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

/** Checks two per-query score lists are paired (same length, at least 2, finite). */
export function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>, who: string): void {
  if (a.length !== b.length) throw new Error(`${who}: the two systems have ${a.length} and ${b.length} values; they must be paired`);
  if (a.length < 2) throw new Error(`${who}: need at least 2 paired values, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) throw new Error(`${who}: value ${i} is not finite`);
  }
}

/** Two-sided paired t-test of `b` against `a` (per-query values in the same query order). */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): PairedTTest {
  checkPaired(a, b, "pairedTTest");
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += b[i]! - a[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = b[i]! - a[i]! - mean;
    ss += e * e;
  }
  const df = n - 1;
  const sd = Math.sqrt(ss / df);
  // Differences equal to rounding: treat as zero variance rather than dividing noise by noise.
  if (sd <= 1e-14 * Math.max(1, Math.abs(mean))) {
    return mean === 0 || Math.abs(mean) <= 1e-14
      ? { n, meanDiff: mean, t: 0, df, pValue: 1 }
      : { n, meanDiff: mean, t: mean > 0 ? Infinity : -Infinity, df, pValue: 0 };
  }
  const t = mean / (sd / Math.sqrt(n));
  return { n, meanDiff: mean, t, df, pValue: studentTTwoSided(t, df) };
}
