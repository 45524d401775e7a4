/**
 * Exact maximum-inner-product top-k by blocked matrix products: passages are taken a block at
 * a time (`blockSize` rows), every query block is scored against it (plain JavaScript kernel,
 * or one `tf.matMul` when a `tf` namespace is given), and each query's row of scores goes
 * through its bounded min-heap. Ties: document id descending (via `tieRank`).
 */
import { scoreBlockJs } from "./js-kernel.js";
import { MultiTopK, type DenseHits } from "./top-k.js";
import { TfBlockScorer, transposeRows, type TfLike } from "./tf-kernel.js";
import type { VectorStore } from "./vector-store.js";

/** Options of an exact search. */
export interface ExactSearchOptions {
  /** Passages per block. Default 1024 (JS) or 4096 (tf). */
  blockSize?: number;
  /** Queries per block. Default 64 (JS) or 512 (tf). */
  queryBlockSize?: number;
  /** A TensorFlow.js namespace (e.g. `tf` from `@i3/encoders`, backend already set): scores with `tf.matMul`. */
  tf?: TfLike;
}

/** Checks a query matrix and returns the number of queries. */
export function checkQueries(queries: Float32Array, dim: number): number {
  if (!(queries instanceof Float32Array)) throw new TypeError("dense search: queries must be a Float32Array [nq, dim]");
  if (queries.length % dim !== 0) throw new RangeError(`dense search: queries has ${queries.length} values, not a multiple of dim ${dim}`);
  for (let i = 0; i < queries.length; i++) {
    if (!Number.isFinite(queries[i]!)) throw new RangeError(`dense search: query ${Math.floor(i / dim)} component ${i % dim} is ${queries[i]}`);
  }
  return queries.length / dim;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`dense search: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The `min(k, count)` best passages of each query of `queries` (`[nq, dim]` row-major) by inner
 * product, best first. `tieRank[i]` is passage i's position in ascending id order.
 */
export function exactSearch(store: VectorStore, queries: Float32Array, k: number, tieRank: Uint32Array, options: ExactSearchOptions = {}): DenseHits[] {
  const { dim, count } = store;
  const nq = checkQueries(queries, dim);
  positive("k", k);
  const tf = options.tf;
  const blockSize = positive("blockSize", options.blockSize ?? (tf ? 4096 : 1024));
  const queryBlock = positive("queryBlockSize", options.queryBlockSize ?? (tf ? 512 : 64));
  const heaps = new MultiTopK(nq, Math.min(k, Math.max(count, 1)), tieRank);
  if (nq === 0) return [];
  const block = Math.min(blockSize, Math.max(count, 1));
  const scratch = store.dtype === "float32" ? new Float32Array(0) : new Float32Array(block * dim);
  if (tf !== undefined) {
    const scorer = new TfBlockScorer(tf, queries, nq, dim, queryBlock);
    const transposed = new Float32Array(block * dim);
    try {
      for (let pStart = 0; pStart < count; pStart += block) {
        const pCount = Math.min(block, count - pStart);
        const rows = store.rows(pStart, pCount, scratch);
        transposeRows(rows, 0, pCount, dim, transposed);
        scorer.scorePassageBlock(transposed, pCount, (qStart, qCount, scores) => {
          for (let i = 0; i < qCount; i++) heaps.offerRow(qStart + i, scores, i * pCount, pStart, pCount);
        });
      }
    } finally {
      scorer.dispose();
    }
  } else {
    const out = new Float32Array(Math.min(queryBlock, nq) * block);
    for (let pStart = 0; pStart < count; pStart += block) {
      const pCount = Math.min(block, count - pStart);
      const rows = store.rows(pStart, pCount, scratch);
      for (let qStart = 0; qStart < nq; qStart += queryBlock) {
        const qCount = Math.min(queryBlock, nq - qStart);
        scoreBlockJs(queries, qStart, qCount, rows, 0, pCount, dim, out);
        for (let i = 0; i < qCount; i++) heaps.offerRow(qStart + i, out, i * pCount, pStart, pCount);
      }
    }
  }
  return Array.from({ length: nq }, (_, q) => heaps.result(q));
}
