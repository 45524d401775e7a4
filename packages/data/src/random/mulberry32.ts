/**
 * mulberry32 (Tommy Ettinger, public domain; as collected in bryc's "code/jshash/PRNGs.md"):
 * a 32-bit state generator with period 2^32, good enough for shuffling and sampling, and
 * bit-exact across machines because it only uses 32-bit integer arithmetic.
 *
 * Returns a function giving the next unsigned 32-bit integer.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
