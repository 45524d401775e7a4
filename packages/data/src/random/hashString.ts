/**
 * Stable 32-bit string hashing, identical on every machine and JS engine: it hashes the UTF-8
 * bytes, not `String.prototype` internals or Python's salted `hash()`.
 */

const encoder = new TextEncoder();

/**
 * MurmurHash3's 32-bit finaliser `fmix32` (Appleby, smhasher `MurmurHash3.cpp`): spreads every
 * input bit over the whole word so that nearby inputs give unrelated outputs.
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
export function hashString(text: string): number {
  return fmix32(fnv1a32(text));
}

/**
 * A 32-bit seed derived from a tuple of parts, e.g. `deriveSeed(seed, epoch, qid)`. Each part is
 * written as `length:value` before hashing, so `("ab","c")` and `("a","bc")` differ.
 * Numbers must be safe integers (they are written in decimal).
 */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  let key = "";
  for (const part of parts) {
    if (typeof part === "number" && !Number.isSafeInteger(part)) {
      throw new RangeError(`deriveSeed: numeric parts must be safe integers, got ${part}`);
    }
    const text = String(part);
    key += `${text.length}:${text};`;
  }
  return hashString(key);
}
