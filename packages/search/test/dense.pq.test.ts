import { mulberry32Float } from "@i3/core";
import { describe, expect, it } from "vitest";
import { compressIndex, DenseIndex, fromFloat16, ProductQuantizer, toFloat16 } from "../src/index.js";

function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const rand = mulberry32Float(seed);
  return Float32Array.from({ length: n * dim }, () => rand() * 2 - 1);
}

/** Brute-force top-k over explicit vectors, score desc then id desc (independent of the kernel). */
function bruteForce(ids: string[], vectors: Float32Array, dim: number, query: Float32Array, k: number): string[] {
  const scored = ids.map((id, i) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += query[d]! * vectors[i * dim + d]!;
    return { id, s: Math.fround(s) };
  });
  scored.sort((a, b) => b.s - a.s || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return scored.slice(0, k).map((x) => x.id);
}

describe("ProductQuantizer", () => {
  it("finds the clusters of hand-built data exactly (k-means on two subspaces)", () => {
    // dim 2, M = 2 (one coordinate per subspace); subspace 0 values around {0, 10}, subspace 1 around {-5, 5}
    const v = new Float32Array([0, -5, 0.2, -5.2, 10, 5, 9.8, 4.8, 10.2, 5.2, -0.2, -4.8]);
    const pq = ProductQuantizer.train(v, 2, { subspaces: 2, centroids: 2, iterations: 10, seed: 3 });
    expect([pq.subspaces, pq.centroids, pq.subDim]).toEqual([2, 2, 1]);
    const books = [Array.from(pq.codebooks.subarray(0, 2)).sort((a, b) => a - b), Array.from(pq.codebooks.subarray(2, 4)).sort((a, b) => a - b)];
    expect(books[0]![0]).toBeCloseTo(0, 5);
    expect(books[0]![1]).toBeCloseTo(10, 5);
    expect(books[1]![0]).toBeCloseTo(-5, 5);
    expect(books[1]![1]).toBeCloseTo(5, 5);
    const decoded = pq.decode(pq.encode(v));
    for (let i = 0; i < v.length; i++) expect(Math.abs(decoded[i]! - v[i]!)).toBeLessThan(0.25);
  });

  it("is deterministic for a seed, and encodes each sub-vector to its nearest centroid", () => {
    const v = randomVectors(300, 8, 1);
    const a = ProductQuantizer.train(v, 8, { subspaces: 4, centroids: 16, iterations: 5, seed: 7 });
    const b = ProductQuantizer.train(v, 8, { subspaces: 4, centroids: 16, iterations: 5, seed: 7 });
    const c = ProductQuantizer.train(v, 8, { subspaces: 4, centroids: 16, iterations: 5, seed: 8 });
    expect(Buffer.from(a.codebooks.buffer).equals(Buffer.from(b.codebooks.buffer))).toBe(true);
    expect(Buffer.from(a.codebooks.buffer).equals(Buffer.from(c.codebooks.buffer))).toBe(false);
    const codes = a.encode(v);
    for (let i = 0; i < 300; i += 37) {
      for (let m = 0; m < 4; m++) {
        const distances = Array.from({ length: 16 }, (_, k) => {
          let s = 0;
          for (let d = 0; d < 2; d++) s += (v[i * 8 + m * 2 + d]! - a.codebooks[(m * 16 + k) * 2 + d]!) ** 2;
          return s;
        });
        expect(codes[i * 4 + m]).toBe(distances.indexOf(Math.min(...distances)));
      }
    }
  });

  it("uses all points as centroids when there are fewer than K, and reports bad options", () => {
    const v = randomVectors(5, 4, 2);
    const pq = ProductQuantizer.train(v, 4, { subspaces: 2, seed: 1 });
    expect(pq.centroids).toBe(5);
    expect(Array.from(pq.decode(pq.encode(v)))).toEqual(Array.from(v)); // every point is its own centroid
    expect(() => ProductQuantizer.train(v, 4, { subspaces: 3, seed: 1 })).toThrow(/subspaces \(3\) must divide the dimension 4/);
    expect(() => ProductQuantizer.train(v, 4, { subspaces: 2, centroids: 300, seed: 1 })).toThrow(/centroids must be an integer in \[1, 256\]/);
  });
});

describe("compressIndex", () => {
  const dim = 8;
  const ids = Array.from({ length: 200 }, (_, i) => `p${i}`);
  const vectors = randomVectors(200, dim, 5);
  const queries = randomVectors(3, dim, 6);
  const index = DenseIndex.fromVectors(ids, vectors, dim);

  it("float32 is the index itself; float16 searches exactly the rounded vectors", () => {
    expect(compressIndex(index, { precision: "float32" })).toBe(index);
    const half = compressIndex(index, { precision: "float16" });
    expect(half.dtype).toBe("float16");
    const rounded = fromFloat16(toFloat16(vectors));
    expect(Array.from(half.rows(0, 200))).toEqual(Array.from(rounded));
    const hits = half.search(queries, 10);
    for (let q = 0; q < 3; q++) expect(hits[q]!.ids).toEqual(bruteForce(ids, rounded, dim, queries.subarray(q * dim, (q + 1) * dim), 10));
  });

  it("pq searches exactly the decoded vectors (ADC), with M bytes per passage", () => {
    const pq = compressIndex(index, { precision: "pq", pq: { subspaces: 4, centroids: 32, iterations: 8, seed: 1 } });
    expect(pq.dtype).toBe("pq");
    const decoded = pq.rows(0, 200);
    const hits = pq.search(queries, 10);
    for (let q = 0; q < 3; q++) expect(hits[q]!.ids).toEqual(bruteForce(ids, decoded, dim, queries.subarray(q * dim, (q + 1) * dim), 10));
    // the approximation keeps most of the exact top 10
    const exact = index.search(queries, 10);
    const overlap = exact.reduce((n, r, q) => n + r.ids.filter((id) => hits[q]!.ids.includes(id)).length, 0);
    expect(overlap).toBeGreaterThan(10);
    expect(() => compressIndex(index, { precision: "pq" })).toThrow(/needs the pq options/);
  });
});
