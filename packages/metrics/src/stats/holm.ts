/**
 * Holm's step-down multiple-comparison correction (Holm, "A simple sequentially rejective
 * multiple test procedure", Scand. J. Statistics 6(2), 1979), controlling the family-wise error
 * rate: with p sorted ascending p_(1) <= ... <= p_(m), the adjusted
 * p~_(i) = max over j <= i of min(1, (m - j + 1) * p_(j)). Reject H_(i) when p~_(i) <= alpha.
 */

/** Holm-adjusted p-values, in the input order. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const [i, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) throw new Error(`holm: p-value ${i} must be in [0, 1], got ${p}`);
  }
  const order = pValues.map((_, i) => i).sort((x, y) => pValues[x]! - pValues[y]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]!));
    adjusted[idx] = running;
  });
  return adjusted;
}

/** Bonferroni-adjusted p-values: min(1, m * p). */
export function bonferroni(pValues: readonly number[]): number[] {
  return pValues.map((p) => Math.min(1, pValues.length * p));
}
