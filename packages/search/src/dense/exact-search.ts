/**
 * Exact maximum-inner-product top-k by blocked matrix products: passages are taken a block at
 * a time (`blockSize` rows), every query block is scored against it by one of three kernels
 * (./search-kernel.ts: onnxruntime's Gemm + TopK, one `tf.matMul`, or plain JavaScript), and
 * each query's candidates go through its bounded min-heap (the onnx kernel merges sorted lists
 * instead). Ties: document id descending (via `tieRank`).
 */
import { scoreBlockJs } from "./js-kernel.js";
import { searchOnnx } from "./onnx-kernel.js";
import { chooseKernel, type SearchKernel, type SearchKernelReport } from "./search-kernel.js";
import { MultiTopK, type DenseHits } from "./top-k.js";
import { TfBlockScorer, transposeRows, type TfLike } from "./tf-kernel.js";
import type { VectorStore } from "./vector-store.js";

/** Options of an exact search. */
export interface ExactSearchOptions {
  /**
   * Which kernel scores the blocks (./search-kernel.ts). Default: the `I3_SEARCH_KERNEL`
   * environment variable when set, else `"auto"` (onnxruntime when it loads, else `tf` when a
   * namespace is given, else plain JavaScript).
   */
  kernel?: SearchKernel;
  /** Intra-op threads of the `onnx` kernel. Default: the cores Node reports (`os.availableParallelism()`). */
  threads?: number;
  /** Passages per block. Default 65536 (onnx; 131072 when k > 100), 4096 (tf) or 1024 (JS). */
  blockSize?: number;
  /** Queries per block. Default 256 (onnx), 512 (tf) or 64 (JS). */
  queryBlockSize?: number;
  /** A TensorFlow.js namespace (e.g. `tf` from `@i3/encoders`, backend already set): the `tf` kernel's `tf.matMul`. */
  tf?: TfLike;
}

/** The hits of an exact search and the kernel that computed them. */
export interface ExactSearchResult {
  hits: DenseHits[];
  kernel: SearchKernelReport;
}

/** Default (passage block, query block) per kernel. */
export const DEFAULT_BLOCKS: Record<SearchKernelReport["kernel"], [number, number]> = { onnx: [65536, 256], tf: [4096, 512], js: [1024, 64] };

/** Above this k, the onnx kernel's default passage block doubles ({@link defaultBlocks}). */
export const DEEP_K = 100;

/**
 * The default (passage block, query block) of a search at depth `k`: {@link DEFAULT_BLOCKS}, but
 * twice the onnx kernel's passage block above k = {@link DEEP_K}. TopK's sorted k + 1
 * candidates and their merge cost per block whatever its size, so a deep search pays for every
 * block: on 100k x 256 float32, k = 1000, 131,072-row blocks searched 1.3-1.7x faster than
 * 65,536-row ones (1.5-1.7x at 300k rows), while k = 10 ran at the same speed (measured
 * 2026-12-06, docs/dense.md). The cost is the score block's memory, twice as large; and scores
 * may differ in their last float32 bits from 65,536-row blocks on corpora larger than that (MLAS
 * sums in an order that depends on the block's shape).
 */
export function defaultBlocks(kernel: SearchKernelReport["kernel"], k: number): [number, number] {
  const [block, queryBlock] = DEFAULT_BLOCKS[kernel];
  return kernel === "onnx" && k > DEEP_K ? [2 * block, queryBlock] : [block, queryBlock];
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
  return exactSearchWithKernel(store, queries, k, tieRank, options).hits;
}

/** {@link exactSearch}, also saying which kernel ran (and why, when `auto` fell back). */
export function exactSearchWithKernel(store: VectorStore, queries: Float32Array, k: number, tieRank: Uint32Array, options: ExactSearchOptions = {}): ExactSearchResult {
  const nq = checkQueries(queries, store.dim);
  positive("k", k);
  if (options.threads !== undefined) positive("threads", options.threads);
  const { report, ort } = chooseKernel(options);
  const tf = report.kernel === "tf" ? options.tf : undefined;
  const [defaultBlock, defaultQueryBlock] = defaultBlocks(report.kernel, k);
  const blockSize = positive("blockSize", options.blockSize ?? defaultBlock);
  const queryBlock = positive("queryBlockSize", options.queryBlockSize ?? defaultQueryBlock);
  if (nq === 0) return { hits: [], kernel: report };
  const block = Math.min(blockSize, Math.max(store.count, 1));
  if (ort !== undefined) return { hits: searchOnnx(ort, store, queries, nq, k, tieRank, { blockSize: block, queryBlockSize: queryBlock, threads: report.threads! }), kernel: report };
  const heaps = new MultiTopK(nq, Math.min(k, Math.max(store.count, 1)), tieRank);
  if (tf !== undefined) searchTf(tf, store, queries, nq, heaps, block, queryBlock);
  else searchJs(store, queries, nq, heaps, block, queryBlock);
  return { hits: Array.from({ length: nq }, (_, q) => heaps.result(q)), kernel: report };
}

/** The `tf` kernel: each passage block transposed in JavaScript, one `tf.matMul` per query block. */
function searchTf(tf: TfLike, store: VectorStore, queries: Float32Array, nq: number, heaps: MultiTopK, block: number, queryBlock: number): void {
  const { dim, count } = store;
  const scratch = store.dtype === "float32" ? new Float32Array(0) : new Float32Array(block * dim);
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
}

/** The `js` kernel: {@link scoreBlockJs} per (query block, passage block). */
function searchJs(store: VectorStore, queries: Float32Array, nq: number, heaps: MultiTopK, block: number, queryBlock: number): void {
  const { dim, count } = store;
  const scratch = store.dtype === "float32" ? new Float32Array(0) : new Float32Array(block * dim);
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
