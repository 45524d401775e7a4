/**
 * Seed derivation: a 32-bit seed from a run seed and where a computation sits, so randomness is
 * a pure function of its position (reproduced exactly after a resume, independent of what else
 * ran). Three functions, named after what they hash; each output is part of published numbers
 * and cache keys, so none of them may change.
 */
import { fmix32, hashString32 } from "../hash/hash32.js";

/**
 * A seed from a tuple of strings and integers, e.g. `seedFromParts(seed, epoch, qid)`:
 * {@link hashString32} (FNV-1a over UTF-8, then fmix32) of the parts written as
 * `length:value;` each, so `("ab", "c")` and `("a", "bc")` differ. Numbers must be safe integers
 * (written in decimal). Data pipelines use it (`SeededRandom.from`).
 */
export function seedFromParts(...parts: readonly (string | number)[]): number {
  let key = "";
  for (const part of parts) {
    if (typeof part === "number" && !Number.isSafeInteger(part)) {
      throw new RangeError(`seedFromParts: numeric parts must be safe integers, got ${part}`);
    }
    const text = String(part);
    key += `${text.length}:${text};`;
  }
  return hashString32(key);
}

/**
 * A seed from a run seed and integer coordinates, e.g. `seedFromCoordinates(seed, step,
 * microBatch)` (the training loop's per-step seed): MurmurHash3's fmix32 chained over the low
 * and high 32-bit words of the seed and of each coordinate, with the golden-ratio constant
 * 0x9e3779b9 between them. All inputs must be safe integers.
 */
export function seedFromCoordinates(seed: number, ...coordinates: readonly number[]): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer (got ${seed})`);
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.floor(seed / 2 ** 32) >>> 0);
  for (const c of coordinates) {
    if (!Number.isSafeInteger(c)) throw new Error(`seed coordinate must be a safe integer (got ${c})`);
    h = fmix32((h + 0x9e3779b9) ^ (c >>> 0));
    h = fmix32(h ^ Math.floor(c / 2 ** 32) >>> 0);
  }
  return h;
}

/**
 * A seed from a seed and a name, e.g. a parameter's initial values from `seedFromName(modelSeed,
 * "encoder.layer.0.attention.self.query.weight")`: 32-bit FNV-1a over the UTF-16 code units of
 * `name` (not its UTF-8 bytes) with the offset basis XORed with the low 32 bits of `seed`, then
 * fmix32.
 */
export function seedFromName(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return fmix32(h);
}
