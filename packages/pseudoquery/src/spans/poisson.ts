/**
 * Poisson sampling for span lengths. Knuth's multiplication method (TAOCP vol. 2, sec. 3.4.1):
 * multiply uniforms until the product drops to exp(-lambda) or below; the number of factors
 * minus one is Poisson(lambda). Exact, O(lambda) uniforms per draw: fine for span lengths
 * (lambda around 3).
 */
import type { SeededRandom } from "@i3/core";

/** One Poisson(lambda) draw from `rng` (Knuth's method; 0 < lambda <= 50). */
export function samplePoisson(rng: SeededRandom, lambda: number): number {
  if (!(lambda > 0 && lambda <= 50)) throw new RangeError(`samplePoisson: lambda must be in (0, 50], got ${lambda}`);
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.float();
  while (p > limit) {
    k++;
    p *= rng.float();
  }
  return k;
}

/** Poisson(lambda) clipped to [min, max] (BART's span lengths with SpanBERT's cap of 10 by default). */
export function clippedPoisson(rng: SeededRandom, lambda: number, min = 1, max = 10): number {
  if (!(Number.isInteger(min) && Number.isInteger(max) && 1 <= min && min <= max)) {
    throw new RangeError(`clippedPoisson: need integers 1 <= min <= max, got [${min}, ${max}]`);
  }
  return Math.min(max, Math.max(min, samplePoisson(rng, lambda)));
}
