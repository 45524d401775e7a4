import { afterEach, describe, expect, it } from "vitest";
import { mulberry32Float as rng } from "@i3/core";
import { compressIndex, DenseIndex, Float16Store, toFloat16, type DenseResult, type SearchKernel } from "../src/dense/index.js";
import { searchModelBytes } from "../src/dense/onnx-search-model.js";
import { DEEP_K, defaultBlocks } from "../src/dense/exact-search.js";

/**
 * Components k/64 with |k| <= levels <= 64: every inner product (dim <= 256) is a multiple of
 * 2^-12 below 2^8, exact in float32 whatever the summation order, and exact in float16 storage,
 * so all kernels must return identical ids and scores, exact ties included.
 */
function dyadic(n: number, dim: number, rand: () => number, levels = 64): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rand() * 2 - 1) * levels) / 64;
  return out;
}

function gaussian(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

/** Ids whose string order differs from row order (so the tie rule is visible). */
function shuffledIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `p${(i * 7919) % 10007}`);
}

/** Plain comparable form of results. */
function plain(results: DenseResult[]): { ids: string[]; scores: number[] }[] {
  return results.map((r) => ({ ids: r.ids, scores: Array.from(r.scores) }));
}

const ONNX_BLOCKS = [{}, { blockSize: 37, queryBlockSize: 5 }, { blockSize: 100, queryBlockSize: 64 }, { blockSize: 3, queryBlockSize: 2 }];

afterEach(() => {
  delete process.env.I3_SEARCH_KERNEL;
});

describe("the onnx kernel equals the plain JS kernel", () => {
  it("on float32 and float16 stores, k = 1, k > n, exact ties, query counts off the block size", () => {
    const rand = rng(41);
    for (const [count, dim, nq, levels] of [
      [250, 16, 23, 64],
      [300, 4, 11, 1], // components in {-1/64, 0, 1/64}: most scores tie
      [97, 32, 7, 3],
    ] as const) {
      const ids = shuffledIds(count);
      const vectors = dyadic(count, dim, rand, levels);
      const queries = dyadic(nq, dim, rand, levels);
      const f32 = DenseIndex.fromVectors(ids, vectors, dim);
      const f16 = DenseIndex.fromStore(ids, new Float16Store(toFloat16(vectors), dim));
      expect(f16.dtype).toBe("float16");
      for (const k of [1, 10, 99, count, count + 3]) {
        const expected = plain(f32.search(queries, k, { kernel: "js" }));
        for (const index of [f32, f16]) {
          for (const opts of ONNX_BLOCKS) {
            expect(plain(index.search(queries, k, { ...opts, kernel: "onnx" }))).toEqual(expected);
            expect(index.lastKernel?.kernel).toBe("onnx");
          }
        }
      }
    }
  });

  it("keeps the id-descending rule when equal scores straddle the k-th place (ONNX TopK alone keeps lower rows)", () => {
    // Every passage scores the same: TopK would return rows 0..k; the rule wants the largest ids.
    const count = 50;
    const ids = Array.from({ length: count }, (_, i) => `d${String(count - i).padStart(3, "0")}`); // row 0 has the largest id
    const reversed = [...ids].reverse();
    const vectors = new Float32Array(count * 2).fill(0.5);
    const index = DenseIndex.fromVectors(ids, vectors, 2);
    for (const blockSize of [50, 8, 7]) {
      const [r] = index.search(new Float32Array([1, 1]), 5, { kernel: "onnx", blockSize });
      expect(r!.ids).toEqual(["d050", "d049", "d048", "d047", "d046"]);
    }
    // Largest ids in the last rows: TopK's lower-index choice would be wrong without the check.
    const index2 = DenseIndex.fromVectors(reversed, vectors, 2);
    const [r2] = index2.search(new Float32Array([1, -1, 1, 1]), 3, { kernel: "onnx", blockSize: 16 }).slice(1);
    expect(r2!.ids).toEqual(["d050", "d049", "d048"]);
  });

  it("on Gaussian data: the same ids, scores within 1e-4 of the JS kernel's (float32 sums in another order)", () => {
    const rand = rng(5);
    const count = 3000;
    const dim = 64;
    const ids = shuffledIds(count);
    const index = DenseIndex.fromVectors(ids, gaussian(count * dim, rand), dim);
    const queries = gaussian(37 * dim, rand);
    for (const k of [1, 10, 100]) {
      const js = index.search(queries, k, { kernel: "js" });
      const onnx = index.search(queries, k, { kernel: "onnx", blockSize: 1000, queryBlockSize: 16 });
      let maxDiff = 0;
      onnx.forEach((r, q) => {
        expect(r.ids).toEqual(js[q]!.ids);
        r.scores.forEach((s, i) => (maxDiff = Math.max(maxDiff, Math.abs(s - js[q]!.scores[i]!))));
      });
      expect(maxDiff).toBeLessThan(1e-4);
    }
  });

  it("on a product-quantised store (decoded per block)", () => {
    const rand = rng(8);
    const ids = shuffledIds(400);
    const index = DenseIndex.fromVectors(ids, dyadic(400, 8, rand), 8);
    const pq = compressIndex(index, { precision: "pq", pq: { subspaces: 2, centroids: 4, iterations: 3, sample: 200, seed: 1 } });
    expect(pq.dtype).toBe("pq");
    const queries = dyadic(9, 8, rand);
    const js = pq.search(queries, 20, { kernel: "js" });
    const onnx = pq.search(queries, 20, { kernel: "onnx", blockSize: 150 });
    onnx.forEach((r, q) => {
      expect(r.ids).toEqual(js[q]!.ids);
      r.scores.forEach((s, i) => expect(Math.abs(s - js[q]!.scores[i]!)).toBeLessThan(1e-4));
    });
  });
});

describe("default blocks by depth", () => {
  it("doubles the onnx passage block above k = 100 only, with the same results as the shallow blocks", () => {
    expect(defaultBlocks("onnx", 10)).toEqual([65536, 256]);
    expect(defaultBlocks("onnx", DEEP_K)).toEqual([65536, 256]);
    expect(defaultBlocks("onnx", DEEP_K + 1)).toEqual([131072, 256]);
    expect(defaultBlocks("tf", 1000)).toEqual([4096, 512]);
    expect(defaultBlocks("js", 1000)).toEqual([1024, 64]);
    // 70,000 rows: one default block at k = 200, two 65,536-row blocks otherwise; the same hits as plain JS.
    const rand = rng(43);
    const count = 70_000;
    const index = DenseIndex.fromVectors(shuffledIds(count).map((id, i) => `${id}-${i}`), dyadic(count, 8, rand, 4), 8);
    const queries = dyadic(3, 8, rand, 4);
    const expected = plain(index.search(queries, 200, { kernel: "js" }));
    expect(plain(index.search(queries, 200, { kernel: "onnx" }))).toEqual(expected);
    expect(plain(index.search(queries, 200, { kernel: "onnx", blockSize: 65536 }))).toEqual(expected);
  });
});

describe("kernel setting and report", () => {
  const index = DenseIndex.fromVectors(["a", "b", "c"], new Float32Array([1, 0, 0, 1, 1, 1]), 2);
  const query = new Float32Array([1, 2]);

  it("auto runs onnx when onnxruntime-node loads, with the thread count it used", () => {
    index.search(query, 2, { threads: 1 });
    expect(index.lastKernel).toMatchObject({ kernel: "onnx", threads: 1 });
    expect(index.lastKernel!.description).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ \(Gemm \+ TopK, 1 threads\)$/);
    expect(index.lastKernel!.fallback).toBeUndefined();
  });

  it("reads I3_SEARCH_KERNEL when the options name no kernel, and rejects unknown names", () => {
    process.env.I3_SEARCH_KERNEL = "js";
    expect(index.search(query, 1)[0]!.ids).toEqual(["c"]);
    expect(index.lastKernel).toEqual({ kernel: "js", description: "plain JavaScript" });
    index.search(query, 1, { kernel: "onnx" });
    expect(index.lastKernel!.kernel).toBe("onnx");
    process.env.I3_SEARCH_KERNEL = "blas";
    expect(() => index.search(query, 1)).toThrow(/I3_SEARCH_KERNEL must be one of auto, onnx, tf, js, got "blas"/);
    expect(() => index.search(query, 1, { kernel: "gpu" as SearchKernel })).toThrow(/kernel must be one of/);
    expect(() => index.search(query, 1, { kernel: "tf" })).toThrow(/needs a TensorFlow.js namespace/);
    expect(() => index.search(query, 1, { kernel: "onnx", threads: 0 })).toThrow(/threads must be a positive integer/);
  });
});

describe("searchModelBytes", () => {
  it("writes a model onnxruntime's own public API loads, with the declared inputs and outputs", async () => {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(searchModelBytes({ passages: "float16", topK: true }));
    expect(session.inputNames).toEqual(["queries", "passages", "k"]);
    expect(session.outputNames).toEqual(["values", "indices"]);
    const passages = new ort.Tensor("float16", toFloat16(new Float32Array([1, 0, 0, 1, 1, 1])), [3, 2]);
    const out = await session.run({ queries: new ort.Tensor("float32", new Float32Array([1, 2]), [1, 2]), passages, k: new ort.Tensor("int64", BigInt64Array.of(2n), [1]) });
    expect(Array.from(out.values!.data as Float32Array)).toEqual([3, 2]);
    expect(Array.from(out.indices!.data as BigInt64Array)).toEqual([2n, 1n]);
    await session.release();
  });
});
