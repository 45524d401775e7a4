/**
 * mulberry32 (Tommy Ettinger, public domain; as collected in bryc's "code/jshash/PRNGs.md"):
 * a 32-bit state generator with period 2^32, good enough for shuffling, sampling, dropout masks
 * and test inputs, and bit-exact across machines because it only uses 32-bit integer arithmetic.
 * One stream, two views: {@link mulberry32Uint32} gives the raw words, {@link mulberry32Float}
 * the same words divided by 2^32.
 */

/** A mulberry32 stream seeded with the unsigned 32-bit value of `seed`: each call gives the next uint32. */
export function mulberry32Uint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The same stream as {@link mulberry32Uint32}(`seed`), as floats in [0, 1) (uint32 / 2^32). */
export function mulberry32Float(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  return () => next() / 4294967296;
}
