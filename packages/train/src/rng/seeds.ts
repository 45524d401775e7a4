/**
 * Seeds derived from (run seed, step, micro-batch), so training randomness (dropout masks,
 * sampling inside the loss) depends only on where a computation sits in the run and is
 * reproduced exactly after a resume: the RNG "state" of a run is its seed and step.
 * Mixing: MurmurHash3's 32-bit finaliser (fmix32) over the inputs, chained.
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 seed from a run seed and integer coordinates (e.g. step, micro-batch index). */
export function deriveSeed(seed: number, ...coords: number[]): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer (got ${seed})`);
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.floor(seed / 2 ** 32) >>> 0);
  for (const c of coords) {
    if (!Number.isSafeInteger(c)) throw new Error(`seed coordinate must be a safe integer (got ${c})`);
    h = fmix32((h + 0x9e3779b9) ^ (c >>> 0));
    h = fmix32(h ^ Math.floor(c / 2 ** 32) >>> 0);
  }
  return h;
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
