/**
 * Exact search on onnxruntime (native MLAS kernels, all cores): per (query block, passage block)
 * one run of `Gemm(queries, passagesᵀ)` + `TopK`, whose top candidates are merged into the
 * per-query heaps of {@link MultiTopK}. Passage blocks are fed in place: a float32 store's rows
 * as they are, a float16 store's bit patterns as a float16 tensor (cast to float32 inside the
 * graph, so memory stays 2 bytes per value); other stores (PQ) are decoded per block.
 *
 * Tie rule. ONNX TopK keeps the lower index among equal values; the index's rule is document id
 * descending. So TopK is asked for one candidate more than k: when the (k+1)-th value of a row
 * equals the k-th, equal scores straddle the cut and TopK's choice among them may be the wrong
 * one; that query's block is then scored in full (`Gemm` alone, same shapes and threads, so the
 * same float32 values) and every score goes through the heap. Otherwise the k candidates are
 * exactly the block's k best as a set, and the heap orders them by the index's rule.
 */
import type { OnnxRuntime, OrtSession } from "./onnx-runtime.js";
import type { MultiTopK } from "./top-k.js";
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

/** Scores every query of `queries` (`[nq, dim]`) against `store` and offers the candidates to `heaps`. */
export function searchOnnx(ort: OnnxRuntime, store: VectorStore, queries: Float32Array, nq: number, k: number, heaps: MultiTopK, settings: OnnxSearchSettings): void {
  const { dim, count } = store;
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
        if (ask > keep && values[row + keep]! === values[row + keep - 1]!) straddling.push(i);
        else heaps.offerHits(qStart + i, values, indices, row, pStart, keep);
      }
      if (straddling.length > 0) {
        full ??= ort.session({ passages: precision, topK: false }, settings.threads);
        const scores = full.run({ queries: queryTensor, passages }, ["scores"]).scores!.data as Float32Array;
        for (const i of straddling) heaps.offerRow(qStart + i, scores, i * pCount, pStart, pCount);
      }
    }
  }
}

/** Rows `start .. start+n-1` of the store as an ONNX tensor, without a copy for float32 and float16 stores. */
function passageTensor(ort: OnnxRuntime, store: VectorStore, start: number, n: number, scratch: Float32Array | undefined) {
  const dim = store.dim;
  if (store instanceof Float16Store) return ort.tensor("float16", store.bits.subarray(start * dim, (start + n) * dim), [n, dim]);
  if (store instanceof Float32Store) return ort.tensor("float32", store.data.subarray(start * dim, (start + n) * dim), [n, dim]);
  return ort.tensor("float32", store.rows(start, n, scratch!), [n, dim]);
}
