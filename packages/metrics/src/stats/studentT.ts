/**
 * Student's t distribution through the regularized incomplete beta function:
 * for t with ν degrees of freedom and x = ν / (ν + t²), P(|T| >= |t|) = I_x(ν/2, 1/2)
 * (Abramowitz & Stegun 26.7.1 / 26.5.27).
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
