import { mulberry32Uint32 } from "./mulberry32.js";
import { seedFromParts } from "./seeds.js";

/**
 * A seeded random source with the few operations data pipelines need (uniform floats and
 * integers, Fisher-Yates shuffles, sampling without replacement). Same seed, same sequence, on
 * every machine: the state is one 32-bit word advanced by mulberry32 (`mulberry32Uint32`).
 */
export class SeededRandom {
  private readonly nextUint32: () => number;

  /** A generator seeded with the unsigned 32-bit value of `seed`. */
  constructor(seed: number) {
    this.nextUint32 = mulberry32Uint32(seed);
  }

  /** A generator whose seed is `seedFromParts(...parts)`, e.g. `SeededRandom.from(seed, epoch, qid)`. */
  static from(...parts: readonly (string | number)[]): SeededRandom {
    return new SeededRandom(seedFromParts(...parts));
  }

  /** The next unsigned 32-bit integer. */
  uint32(): number {
    return this.nextUint32();
  }

  /** A float in [0, 1) with 32 random bits. */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * A uniform integer in [0, n), 1 <= n <= 2^32, without modulo bias (rejection sampling as in
   * Lemire, "Fast Random Integer Generation in an Interval", 2019, with the simple threshold test).
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`SeededRandom.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * Shuffles `items` in place (Durstenfeld's Fisher-Yates, Knuth TAOCP vol. 2, Algorithm P) and
   * returns it.
   */
  shuffle<T, A extends { length: number; [i: number]: T }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * Indices of [0, length) in a uniformly random order, produced lazily by a forward partial
   * Fisher-Yates: taking the first k costs O(length) memory once and O(k) swaps. The first k
   * yielded indices are a sample of size k without replacement.
   */
  *permutation(length: number): Generator<number, void, undefined> {
    const order = new Int32Array(length);
    for (let i = 0; i < length; i++) order[i] = i;
    for (let i = 0; i < length; i++) {
      const j = i + this.int(length - i);
      const picked = order[j] as number;
      order[j] = order[i] as number;
      order[i] = picked;
      yield picked;
    }
  }

  /** `k` distinct indices of [0, length), in sampling order (the first k of `permutation`). */
  sampleIndices(length: number, k: number): number[] {
    if (!Number.isInteger(k) || k < 0 || k > length) {
      throw new RangeError(`SeededRandom.sampleIndices: need 0 <= k <= ${length}, got ${k}`);
    }
    const out: number[] = [];
    if (k === 0) return out;
    for (const index of this.permutation(length)) {
      out.push(index);
      if (out.length === k) break;
    }
    return out;
  }
}
