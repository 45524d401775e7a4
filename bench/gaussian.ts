/** Seeded synthetic vectors for the search benchmarks. */

/** `n` standard normal float32 values from `rand` (uniform in [0, 1)), Box-Muller, one cosine per pair of draws. */
export function gaussianValues(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}
