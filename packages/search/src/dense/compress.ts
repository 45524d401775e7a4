/**
 * Index compression: the same passages and ids, the vectors held at a lower precision, searched
 * with the same exact kernel (each block decoded to float32 first):
 * - `float32`: the index itself;
 * - `float16`: IEEE binary16, round to nearest even (half the memory; ./float16.ts);
 * - `pq`: product-quantisation codes, M bytes per passage (./product-quantizer.ts), the
 *   codebooks learnt on the index's own vectors with a seeded k-means.
 */
import { DenseIndex } from "./dense-index.js";
import { toFloat16 } from "./float16.js";
import { PqStore, ProductQuantizer, type ProductQuantizerOptions } from "./product-quantizer.js";
import { Float16Store } from "./vector-store.js";

/** How an index's vectors are held in memory. */
export type IndexPrecision = "float32" | "float16" | "pq";

/** Options of {@link compressIndex}. */
export interface CompressIndexOptions {
  precision: IndexPrecision;
  /** With `pq`: the quantizer's options (subspaces, centroids, iterations, sample, seed). */
  pq?: ProductQuantizerOptions;
}

/** `index` held at `options.precision` (a new index sharing the ids; `float32` returns `index` itself). */
export function compressIndex(index: DenseIndex, options: CompressIndexOptions): DenseIndex {
  if (options.precision === "float32") return index;
  const vectors = index.rows(0, index.count);
  if (options.precision === "float16") return DenseIndex.fromStore(index.ids, new Float16Store(toFloat16(vectors), index.dim));
  if (options.pq === undefined) throw new Error('compressIndex: precision "pq" needs the pq options (subspaces, seed, ...)');
  const quantizer = ProductQuantizer.train(vectors, index.dim, options.pq);
  return DenseIndex.fromStore(index.ids, new PqStore(quantizer, quantizer.encode(vectors)));
}
