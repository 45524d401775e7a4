/**
 * Where the passage vectors live in memory: float32 rows used in place, or float16 rows kept
 * as bit patterns and expanded one block at a time (half the memory, a small decode cost per
 * search).
 */
import { fromFloat16 } from "./float16.js";

/** Row-major passage vectors readable a block at a time. */
export interface VectorStore {
  readonly count: number;
  readonly dim: number;
  /** The in-memory representation: `"float32"`, `"float16"` or `"pq"` (product-quantisation codes, ./product-quantizer.ts). */
  readonly dtype: "float32" | "float16" | "pq";
  /**
   * Rows `start .. start+n-1` as float32 `[n, dim]`: a view of the store, or `scratch`
   * (at least `n * dim` long) filled with them.
   */
  rows(start: number, n: number, scratch: Float32Array): Float32Array;
}

/** Float32 rows used in place. */
export class Float32Store implements VectorStore {
  readonly dtype = "float32";
  readonly count: number;

  constructor(
    readonly data: Float32Array,
    readonly dim: number,
  ) {
    if (data.length % dim !== 0) throw new RangeError(`Float32Store: ${data.length} values is not a multiple of dim ${dim}`);
    this.count = data.length / dim;
  }

  rows(start: number, n: number): Float32Array {
    return this.data.subarray(start * this.dim, (start + n) * this.dim);
  }
}

/** Float16 bit patterns, expanded per block. */
export class Float16Store implements VectorStore {
  readonly dtype = "float16";
  readonly count: number;

  constructor(
    readonly bits: Uint16Array,
    readonly dim: number,
  ) {
    if (bits.length % dim !== 0) throw new RangeError(`Float16Store: ${bits.length} values is not a multiple of dim ${dim}`);
    this.count = bits.length / dim;
  }

  rows(start: number, n: number, scratch: Float32Array): Float32Array {
    const out = scratch.subarray(0, n * this.dim);
    fromFloat16(this.bits.subarray(start * this.dim, (start + n) * this.dim), out);
    return out;
  }
}
