/**
 * Student's t distribution through the regularized incomplete beta function:
 * for t with ν degrees of freedom and x = ν / (ν + t²), P(|T| >= |t|) = I_x(ν/2, 1/2)
 * (Abramowitz & Stegun 26.7.1 / 26.5.27); its quantiles by bisection on the CDF.
 */
import { incompleteBeta } from "./beta.js";

/** Two-sided tail probability P(|T| >= |t|) for ν = `df` > 0 degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentT: degrees of freedom must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Cumulative distribution P(T <= t) for ν = `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The `p`-quantile of Student's t with `df` degrees of freedom (0 < p < 1): the t with
 * {@link studentTCdf}(t, df) = p, found by bisection on the (monotone) CDF after doubling a
 * bracket, to a relative width of ~1e-12 (at most 200 halvings). Same values as
 * `scipy.stats.t.ppf(p, df)` and the t tables (Abramowitz & Stegun table 26.10).
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
