/**
 * Exact search on onnxruntime (native MLAS kernels, all cores): per (passage block, query block)
 * one run of `Gemm(queries, passagesᵀ)` + `TopK`, whose sorted top candidates are merged into
 * each query's running list ({@link MergedTopK}: one linear pass per block, no heap, no final sort). Passage blocks are fed in place: a float32 store's rows
 * as they are, a float16 store's bit patterns as a float16 tensor (cast to float32 inside the
 * graph, so memory stays 2 bytes per value); other stores (PQ) are decoded per block.
 *
 * Tie rule. ONNX TopK keeps the lower index among equal values; the index's rule is document id
 * descending. So TopK is asked for one candidate more than k: when the (k+1)-th value of a row
 * equals the k-th, equal scores straddle the cut and TopK's choice among them may be the wrong
 * one; that query's block is then scored in full (`Gemm` alone, same shapes and threads, so the
 * same float32 values) and selected by a {@link MultiTopK} heap. Otherwise the k candidates are
 * exactly the block's k best as a set, and only runs of equal values need reordering (by id).
 */
import { MergedTopK } from "./merged-top-k.js";
import type { OnnxRuntime, OrtSession } from "./onnx-runtime.js";
import { MultiTopK, type DenseHits } from "./top-k.js";
import { Float16Store, Float32Store, type VectorStore } from "./vector-store.js";

/** Block sizes and threads of {@link searchOnnx}. */
export interface OnnxSearchSettings {
  /** Passages per run. */
  blockSize: number;
  /** Queries per run. */
  queryBlockSize: number;
  /** Intra-op threads. */
  threads: number;
}

/** The top `min(k, count)` hits of every query of `queries` (`[nq, dim]`) in `store`; `tieRank` as in `exactSearch`. */
export function searchOnnx(ort: OnnxRuntime, store: VectorStore, queries: Float32Array, nq: number, k: number, tieRank: Uint32Array, settings: OnnxSearchSettings): DenseHits[] {
  const { dim, count } = store;
  const lists = new MergedTopK(nq, Math.min(k, Math.max(count, 1)), tieRank);
  const candidates = new Uint32Array(Math.min(k, Math.max(count, 1)));
  const precision = store instanceof Float16Store ? "float16" : "float32";
  const topK = ort.session({ passages: precision, topK: true }, settings.threads);
  let full: OrtSession | undefined;
  const block = Math.min(settings.blockSize, count);
  const scratch = store instanceof Float32Store || store instanceof Float16Store ? undefined : new Float32Array(block * dim);
  for (let pStart = 0; pStart < count; pStart += block) {
    const pCount = Math.min(block, count - pStart);
    const passages = passageTensor(ort, store, pStart, pCount, scratch);
    const keep = Math.min(k, pCount);
    const ask = Math.min(k + 1, pCount);
    const kTensor = ort.tensor("int64", BigInt64Array.of(BigInt(ask)), [1]);
    for (let qStart = 0; qStart < nq; qStart += settings.queryBlockSize) {
      const qCount = Math.min(settings.queryBlockSize, nq - qStart);
      const queryTensor = ort.tensor("float32", queries.subarray(qStart * dim, (qStart + qCount) * dim), [qCount, dim]);
      const out = topK.run({ queries: queryTensor, passages, k: kTensor }, ["values", "indices"]);
      const values = out.values!.data as Float32Array;
      const indices = out.indices!.data as BigInt64Array;
      const straddling: number[] = [];
      for (let i = 0; i < qCount; i++) {
        const row = i * ask;
        if (ask > keep && values[row + keep]! === values[row + keep - 1]!) {
          straddling.push(i);
          continue;
        }
        for (let j = 0; j < keep; j++) candidates[j] = pStart + Number(indices[row + j]!);
        orderEqualRuns(values, row, candidates, keep, tieRank);
        lists.merge(qStart + i, values, row, candidates, 0, keep);
      }
      if (straddling.length > 0) {
        full ??= ort.session({ passages: precision, topK: false }, settings.threads);
        const scores = full.run({ queries: queryTensor, passages }, ["scores"]).scores!.data as Float32Array;
        for (const i of straddling) {
          const heap = new MultiTopK(1, keep, tieRank);
          heap.offerRow(0, scores, i * pCount, pStart, pCount);
          const best = heap.result(0);
          lists.merge(qStart + i, best.scores, 0, best.indices, 0, best.indices.length);
        }
      }
    }
  }
  return Array.from({ length: nq }, (_, q) => lists.result(q));
}

/**
 * Reorders each run of equal values in `values[offset .. offset+n-1]` (sorted descending, equal
 * values by lower row first, as ONNX TopK returns them) so that its `docs` go by `tieRank`
 * descending (insertion sort: runs are short).
 */
function orderEqualRuns(values: Float32Array, offset: number, docs: Uint32Array, n: number, tieRank: Uint32Array): void {
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[offset + end] === values[offset + start]) end++;
    for (let i = start + 1; i < end; i++) {
      const d = docs[i]!;
      let j = i - 1;
      while (j >= start && tieRank[docs[j]!]! < tieRank[d]!) {
        docs[j + 1] = docs[j]!;
        j--;
      }
      docs[j + 1] = d;
    }
    start = end;
  }
}

/** Rows `start .. start+n-1` of the store as an ONNX tensor, without a copy for float32 and float16 stores. */
function passageTensor(ort: OnnxRuntime, store: VectorStore, start: number, n: number, scratch: Float32Array | undefined) {
  const dim = store.dim;
  if (store instanceof Float16Store) return ort.tensor("float16", store.bits.subarray(start * dim, (start + n) * dim), [n, dim]);
  if (store instanceof Float32Store) return ort.tensor("float32", store.data.subarray(start * dim, (start + n) * dim), [n, dim]);
  return ort.tensor("float32", store.rows(start, n, scratch!), [n, dim]);
}
