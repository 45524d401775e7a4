/**
 * Product quantisation (Jégou, Douze and Schmid, "Product Quantization for Nearest Neighbor
 * Search", IEEE TPAMI 2011), the project's own small implementation (no native dependency).
 *
 * Definition. The `dim` coordinates are cut into M = `subspaces` contiguous sub-vectors of
 * dsub = dim / M coordinates. Each subspace m has a codebook C_m of K <= 256 centroids, learnt by
 * Lloyd's k-means (squared L2) on a seeded sample of the vectors; a vector x is stored as the M
 * bytes c_m(x) = argmin_k ||x_m - C_m[k]||^2 (ties: lowest k), and read back as the
 * concatenation x̂ = [C_1[c_1(x)], ..., C_M[c_M(x)]]. Searching a PQ index scores q . x̂ exactly,
 * which is the asymmetric distance computation (ADC) of the paper for inner product:
 * q . x̂ = sum_m q_m . C_m[c_m(x)].
 *
 * k-means details: the K initial centroids are K distinct training vectors drawn with
 * `@i3/core`'s SeededRandom (Forgy initialisation, as faiss' default); a cluster left empty
 * keeps its previous centroid; sums are accumulated in float64 and stored as float32; with
 * fewer training vectors than `centroids`, K = the number of training vectors. Deterministic for
 * (vectors, options).
 */
import { SeededRandom } from "@i3/core";
import type { VectorStore } from "./vector-store.js";

/** Options of {@link ProductQuantizer.train}. */
export interface ProductQuantizerOptions {
  /** M: sub-vectors per vector (must divide the dimension); M bytes per stored vector. */
  subspaces: number;
  /** K: centroids per subspace, at most 256 (one byte per code). Default 256. */
  centroids?: number;
  /** Lloyd iterations. Default 20. */
  iterations?: number;
  /** At most this many vectors (a seeded sample) train the codebooks. Default 65,536. */
  sample?: number;
  /** Seeds the sample and the initial centroids. */
  seed: number;
}

function positiveInt(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new RangeError(`product quantizer: ${name} must be an integer in [1, ${max}], got ${value}`);
  return value;
}

/** A trained product quantizer: M codebooks of K centroids of dim / M coordinates. */
export class ProductQuantizer {
  /** Coordinates per subspace. */
  readonly subDim: number;

  constructor(
    readonly dim: number,
    readonly subspaces: number,
    readonly centroids: number,
    /** [M, K, dsub] row-major. */
    readonly codebooks: Float32Array,
  ) {
    positiveInt("dim", dim);
    positiveInt("subspaces", subspaces);
    positiveInt("centroids", centroids, 256);
    if (dim % subspaces !== 0) throw new RangeError(`product quantizer: subspaces (${subspaces}) must divide the dimension ${dim}`);
    this.subDim = dim / subspaces;
    if (codebooks.length !== subspaces * centroids * this.subDim) {
      throw new RangeError(`product quantizer: codebooks hold ${codebooks.length} values, expected M ${subspaces} x K ${centroids} x dsub ${this.subDim}`);
    }
  }

  /** Learns the codebooks from `vectors` ([n, dim] row-major, n >= 1) by per-subspace k-means (see the module comment). */
  static train(vectors: Float32Array, dim: number, options: ProductQuantizerOptions): ProductQuantizer {
    positiveInt("dim", dim);
    const subspaces = positiveInt("subspaces", options.subspaces);
    if (dim % subspaces !== 0) throw new RangeError(`product quantizer: subspaces (${subspaces}) must divide the dimension ${dim}`);
    const wanted = positiveInt("centroids", options.centroids ?? 256, 256);
    const iterations = positiveInt("iterations", options.iterations ?? 20);
    const sampleSize = positiveInt("sample", options.sample ?? 65_536);
    if (vectors.length % dim !== 0) throw new RangeError(`product quantizer: ${vectors.length} values is not a multiple of dim ${dim}`);
    const n = vectors.length / dim;
    if (n < 1) throw new RangeError("product quantizer: no vectors to train on");
    const random = new SeededRandom(options.seed);
    const rows = n <= sampleSize ? Array.from({ length: n }, (_, i) => i) : random.sampleIndices(n, sampleSize);
    const k = Math.min(wanted, rows.length);
    const dsub = dim / subspaces;
    const codebooks = new Float32Array(subspaces * k * dsub);
    const init = random.sampleIndices(rows.length, k);
    const train = new Float32Array(rows.length * dsub);
    const assign = new Int32Array(rows.length);
    const sums = new Float64Array(k * dsub);
    const counts = new Int32Array(k);
    for (let m = 0; m < subspaces; m++) {
      rows.forEach((row, i) => train.set(vectors.subarray(row * dim + m * dsub, row * dim + (m + 1) * dsub), i * dsub));
      const book = codebooks.subarray(m * k * dsub, (m + 1) * k * dsub);
      init.forEach((i, c) => book.set(train.subarray(i * dsub, (i + 1) * dsub), c * dsub));
      for (let it = 0; it < iterations; it++) {
        for (let i = 0; i < rows.length; i++) assign[i] = nearest(train, i * dsub, book, k, dsub);
        sums.fill(0);
        counts.fill(0);
        for (let i = 0; i < rows.length; i++) {
          const c = assign[i]!;
          counts[c]!++;
          for (let d = 0; d < dsub; d++) sums[c * dsub + d] = sums[c * dsub + d]! + train[i * dsub + d]!;
        }
        for (let c = 0; c < k; c++) {
          if (counts[c] === 0) continue; // empty cluster: keep its centroid
          for (let d = 0; d < dsub; d++) book[c * dsub + d] = sums[c * dsub + d]! / counts[c]!;
        }
      }
    }
    return new ProductQuantizer(dim, subspaces, k, codebooks);
  }

  /** Codes [n, M] (one byte per subspace) of `vectors` ([n, dim] row-major). */
  encode(vectors: Float32Array): Uint8Array {
    const { dim, subspaces, centroids: k, subDim: dsub } = this;
    if (vectors.length % dim !== 0) throw new RangeError(`product quantizer: ${vectors.length} values is not a multiple of dim ${dim}`);
    const n = vectors.length / dim;
    const codes = new Uint8Array(n * subspaces);
    for (let m = 0; m < subspaces; m++) {
      const book = this.codebooks.subarray(m * k * dsub, (m + 1) * k * dsub);
      for (let i = 0; i < n; i++) codes[i * subspaces + m] = nearest(vectors, i * dim + m * dsub, book, k, dsub);
    }
    return codes;
  }

  /** Reconstructions x̂ [n, dim] of `codes` ([n, M]) into `out` (default: a new array). */
  decode(codes: Uint8Array, out: Float32Array = new Float32Array((codes.length / this.subspaces) * this.dim)): Float32Array {
    const { dim, subspaces, centroids: k, subDim: dsub, codebooks } = this;
    const n = codes.length / subspaces;
    if (!Number.isInteger(n)) throw new RangeError(`product quantizer: ${codes.length} codes is not a multiple of ${subspaces} subspaces`);
    if (out.length < n * dim) throw new RangeError(`product quantizer: out has ${out.length} slots, need ${n * dim}`);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < subspaces; m++) {
        const c = codes[i * subspaces + m]!;
        if (c >= k) throw new RangeError(`product quantizer: code ${c} >= ${k} centroids`);
        const from = (m * k + c) * dsub;
        out.set(codebooks.subarray(from, from + dsub), i * dim + m * dsub);
      }
    }
    return out;
  }
}

/** Index of the centroid of `book` ([k, dsub]) nearest to `x[at .. at+dsub)` in squared L2 (ties: lowest index). */
function nearest(x: Float32Array, at: number, book: Float32Array, k: number, dsub: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < k; c++) {
    let distance = 0;
    const base = c * dsub;
    for (let d = 0; d < dsub; d++) {
      const diff = x[at + d]! - book[base + d]!;
      distance += diff * diff;
    }
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}

/** PQ codes decoded one block at a time: searching it scores q . x̂ (ADC), with M bytes per passage in memory. */
export class PqStore implements VectorStore {
  readonly dtype = "pq";
  readonly count: number;
  readonly dim: number;

  constructor(
    readonly quantizer: ProductQuantizer,
    /** [count, M] codes. */
    readonly codes: Uint8Array,
  ) {
    if (codes.length % quantizer.subspaces !== 0) throw new RangeError(`PqStore: ${codes.length} codes is not a multiple of ${quantizer.subspaces} subspaces`);
    this.count = codes.length / quantizer.subspaces;
    this.dim = quantizer.dim;
  }

  rows(start: number, n: number, scratch: Float32Array): Float32Array {
    const m = this.quantizer.subspaces;
    return this.quantizer.decode(this.codes.subarray(start * m, (start + n) * m), scratch.subarray(0, n * this.dim));
  }
}
