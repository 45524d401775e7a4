/**
 * Paired two-sided randomization (permutation) test, Fisher's test as used in IR by Smucker,
 * Allan & Carterette (CIKM 2007): under H0 the sign of each per-query difference d_i = b_i - a_i
 * is exchangeable. Statistic: |sum d_i| (equivalently |mean|).
 * - Exact (n <= `exactUpTo`, default 20): all 2^n sign vectors, p = #{|S| >= |S_obs|} / 2^n.
 * - Monte Carlo otherwise: `trials` random sign vectors from a seeded xoshiro128**,
 *   p = (1 + #{|S| >= |S_obs|}) / (1 + trials) (Phipson & Smyth 2010: never 0, valid).
 * Sums equal up to rounding count as ties (relative tolerance 1e-9).
 */
import { Xoshiro128 } from "./prng.js";
import { checkPaired } from "./ttest.js";

/** Options of {@link randomizationTest}. */
export interface RandomizationOptions {
  /** Random sign vectors drawn in Monte Carlo mode (default 10,000). */
  trials?: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** Enumerate all 2^n sign vectors when n <= this (default 20; 0 disables). */
  exactUpTo?: number;
}

/** Result of {@link randomizationTest}. */
export interface RandomizationResult {
  readonly n: number;
  readonly meanDiff: number;
  readonly pValue: number;
  /** Whether the p-value is exact (full enumeration) or Monte Carlo. */
  readonly exact: boolean;
  /** Sign vectors evaluated. */
  readonly trials: number;
}

/** Two-sided paired randomization test of `b` against `a` (same query order). */
export function randomizationTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: RandomizationOptions = {},
): RandomizationResult {
  checkPaired(a, b, "randomizationTest");
  const n = a.length;
  const trials = options.trials ?? 10_000;
  const exactUpTo = options.exactUpTo ?? 20;
  if (!Number.isSafeInteger(trials) || trials < 1) throw new Error(`randomizationTest: trials must be a positive integer, got ${trials}`);
  if (exactUpTo > 30) throw new Error(`randomizationTest: exactUpTo must be <= 30 (2^n sign vectors), got ${exactUpTo}`);
  const d = new Float64Array(n);
  let observed = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    d[i] = b[i]! - a[i]!;
    observed += d[i]!;
    scale += Math.abs(d[i]!);
  }
  const threshold = Math.abs(observed) - 1e-9 * scale;
  const meanDiff = observed / n;

  if (n <= exactUpTo) {
    // Gray-code walk: each step flips one sign, so each sign vector costs O(1).
    const total = 2 ** n;
    let sum = observed;
    let count = Math.abs(sum) >= threshold ? 1 : 0;
    const sign = new Int8Array(n).fill(1);
    for (let step = 1; step < total; step++) {
      let bit = 0;
      while (((step >> bit) & 1) === 0) bit++;
      sum -= 2 * sign[bit]! * d[bit]!;
      sign[bit] = -sign[bit]!;
      if (Math.abs(sum) >= threshold) count++;
    }
    return { n, meanDiff, pValue: count / total, exact: true, trials: total };
  }

  const rng = new Xoshiro128(options.seed ?? 42);
  let count = 0;
  for (let t = 0; t < trials; t++) {
    let sum = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextUint32();
      sum += (bits & 1) === 1 ? d[i]! : -d[i]!;
      bits >>>= 1;
    }
    if (Math.abs(sum) >= threshold) count++;
  }
  return { n, meanDiff, pValue: (count + 1) / (trials + 1), exact: false, trials };
}
