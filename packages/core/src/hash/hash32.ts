/**
 * Stable 32-bit hashes, identical on every machine and JS engine: they hash the UTF-8 bytes of
 * a string, not `String.prototype` internals or Python's salted `hash()`. Used to derive seeds
 * (../random/seeds.ts); not for content identity (use sha256: `stableHash`, `sha256File`).
 */

const encoder = new TextEncoder();

/**
 * MurmurHash3's 32-bit finaliser `fmix32` (Appleby, smhasher `MurmurHash3.cpp`): spreads every
 * input bit over the whole word so that nearby inputs give unrelated outputs. Unsigned result.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text` (Fowler, Noll, Vo; IETF draft
 * draft-eastlake-fnv, offset basis 2166136261, prime 16777619). Unsigned 32-bit result.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `fmix32(fnv1a32(text))`: FNV-1a with Murmur3's finaliser for better avalanche. Unsigned 32-bit. */
export function hashString32(text: string): number {
  return fmix32(fnv1a32(text));
}
