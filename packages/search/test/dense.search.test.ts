import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32Float as rng } from "@i3/core";
import { loadTrecRun } from "@i3/data";
import { DenseIndex, writeDenseRun, type TfLike, type TfTensorLike } from "../src/dense/index.js";

/**
 * Random vectors with components k/64, k in [-64, 64]: every inner product (dim <= 256) is a
 * multiple of 2^-12 below 2^8, exact in float32 and float64 whatever the summation order, so
 * results can be compared exactly, ties included.
 */
function dyadic(n: number, dim: number, rand: () => number, levels = 64): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rand() * 2 - 1) * levels) / 64;
  return out;
}

/** Brute force: float64 inner products, full sort by score desc then id desc (string order). */
function bruteForce(ids: string[], vectors: Float32Array, queries: Float32Array, dim: number, k: number): { ids: string[]; scores: number[] }[] {
  const nq = queries.length / dim;
  const out = [];
  for (let q = 0; q < nq; q++) {
    const all = ids.map((id, p) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += queries[q * dim + d]! * vectors[p * dim + d]!;
      return { id, s };
    });
    all.sort((a, b) => (a.s !== b.s ? b.s - a.s : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const top = all.slice(0, k);
    out.push({ ids: top.map((x) => x.id), scores: top.map((x) => x.s) });
  }
  return out;
}

/** A stand-in `tf`: float64 matMul returning float32 data, counting live tensors. */
function fakeTf(): TfLike & { live: number; matMuls: number } {
  class T implements TfTensorLike {
    constructor(
      readonly values: Float32Array,
      readonly shape: [number, number],
      private readonly owner: { live: number },
    ) {
      owner.live++;
    }
    dataSync(): Float32Array {
      return this.values;
    }
    dispose(): void {
      this.owner.live--;
    }
  }
  const tf = {
    live: 0,
    matMuls: 0,
    getBackend: () => "fake",
    tensor2d(values: Float32Array, shape: [number, number]): TfTensorLike {
      return new T(Float32Array.from(values), shape, tf);
    },
    matMul(a: TfTensorLike, b: TfTensorLike): TfTensorLike {
      tf.matMuls++;
      const A = a as T;
      const B = b as T;
      const [m, n] = A.shape;
      const [n2, p] = B.shape;
      if (n !== n2) throw new Error("shape mismatch");
      const out = new Float32Array(m * p);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < p; j++) {
          let s = 0;
          for (let d = 0; d < n; d++) s += A.values[i * n + d]! * B.values[d * p + j]!;
          out[i * p + j] = s;
        }
      return new T(out, [m, p], tf);
    },
  };
  return tf;
}

const tmp: string[] = [];
afterAll(async () => {
  for (const d of tmp) await rm(d, { recursive: true, force: true });
});

describe("DenseIndex.search (exact inner-product top-k)", () => {
  it("matches float64 brute force on random data, across block sizes and remainders", () => {
    const rand = rng(7);
    for (const [count, dim, nq] of [
      [203, 13, 9],
      [517, 32, 66],
      [64, 8, 4],
    ] as const) {
      const ids = Array.from({ length: count }, (_, i) => `d${(i * 7919) % 100003}`);
      const vectors = dyadic(count, dim, rand);
      const queries = dyadic(nq, dim, rand);
      const index = DenseIndex.fromVectors(ids, vectors, dim);
      for (const k of [1, 10, 100, count + 5]) {
        const expected = bruteForce(ids, vectors, queries, dim, k);
        for (const opts of [{}, { blockSize: 50, queryBlockSize: 5 }, { blockSize: 7, queryBlockSize: 64 }]) {
          for (const kernel of ["js", "onnx"] as const) {
            const got = index.search(queries, k, { ...opts, kernel });
            expect(got.length).toBe(nq);
            got.forEach((r, q) => {
              expect(r.ids).toEqual(expected[q]!.ids);
              expect(Array.from(r.scores)).toEqual(expected[q]!.scores);
              expect(Array.from(r.indices, (i) => ids[i])).toEqual(r.ids);
            });
          }
        }
      }
    }
  });

  it("on continuous data, the js kernel returns the float32 rounding of the float64 brute-force scores", () => {
    const rand = rng(21);
    const count = 400;
    const dim = 48;
    const ids = Array.from({ length: count }, (_, i) => `g${i}`);
    const gauss = (n: number) => Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
    const vectors = gauss(count * dim);
    const queries = gauss(5 * dim);
    const expected = bruteForce(ids, vectors, queries, dim, 20);
    DenseIndex.fromVectors(ids, vectors, dim)
      .search(queries, 20, { blockSize: 64, kernel: "js" })
      .forEach((r, q) => {
        expect(r.ids).toEqual(expected[q]!.ids);
        expect(Array.from(r.scores)).toEqual(expected[q]!.scores.map(Math.fround));
      });
  });

  it("breaks ties by doc id descending (string order), also across heap evictions", () => {
    // Few distinct levels -> many exact ties; ids whose string order differs from numeric order.
    const rand = rng(11);
    const count = 300;
    const dim = 4;
    const ids = Array.from({ length: count }, (_, i) => String((i * 37) % 1000));
    const vectors = dyadic(count, dim, rand, 1); // components in {-1/64, 0, 1/64}
    const queries = dyadic(20, dim, rand, 1);
    const index = DenseIndex.fromVectors(ids, vectors, dim);
    for (const k of [1, 5, 50]) {
      const expected = bruteForce(ids, vectors, queries, dim, k);
      for (const opts of [{}, { blockSize: 16, queryBlockSize: 3 }]) {
        for (const kernel of ["js", "onnx"] as const) {
          index.search(queries, k, { ...opts, kernel }).forEach((r, q) => expect(r.ids).toEqual(expected[q]!.ids));
        }
      }
    }
  });

  it("orders a hand-checked example", () => {
    // Scores for query [1, 0]: a=2, b=1, c=2, "10"=1, "9"=1.
    const ids = ["a", "b", "c", "10", "9"];
    const vectors = new Float32Array([2, 5, 1, 0, 2, -1, 1, 3, 1, 1]);
    const index = DenseIndex.fromVectors(ids, vectors, 2);
    const [r] = index.search(new Float32Array([1, 0]), 4);
    expect(r!.ids).toEqual(["c", "a", "b", "9"]); // 2 (c > a), then 1: "b" > "9" > "10"
    expect(Array.from(r!.scores)).toEqual([2, 2, 1, 1]);
  });

  it("gives the same results with a tf namespace (blocked matMul) and frees every tensor", () => {
    const rand = rng(3);
    const count = 333;
    const dim = 24;
    const nq = 21;
    const ids = Array.from({ length: count }, (_, i) => `p${i}`);
    const vectors = dyadic(count, dim, rand, 4);
    const queries = dyadic(nq, dim, rand, 4);
    const index = DenseIndex.fromVectors(ids, vectors, dim);
    const tf = fakeTf();
    const js = index.search(queries, 25, { kernel: "js" });
    const viaTf = index.search(queries, 25, { tf, kernel: "tf", blockSize: 100, queryBlockSize: 8 });
    expect(index.lastKernel).toEqual({ kernel: "tf", description: "tfjs matMul (fake backend)" });
    expect(viaTf).toEqual(js);
    expect(viaTf.map((r) => r.ids)).toEqual(bruteForce(ids, vectors, queries, dim, 25).map((r) => r.ids));
    expect(tf.matMuls).toBe(4 * 3); // 4 passage blocks x 3 query blocks
    expect(tf.live).toBe(0);
  });

  it("agrees with the real tfjs cpu backend", async () => {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    const rand = rng(5);
    const dim = 16;
    const ids = Array.from({ length: 150 }, (_, i) => `x${i}`);
    const vectors = dyadic(150, dim, rand, 8);
    const queries = dyadic(6, dim, rand, 8);
    const index = DenseIndex.fromVectors(ids, vectors, dim);
    const before = tf.memory().numTensors;
    expect(index.search(queries, 12, { tf, kernel: "tf", blockSize: 64 })).toEqual(index.search(queries, 12, { kernel: "js" }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("handles k larger than the index, an empty index and no queries", () => {
    const index = DenseIndex.fromVectors(["a", "b"], new Float32Array([1, 0, 0, 1]), 2);
    expect(index.search(new Float32Array([0.5, 1]), 10)[0]!.ids).toEqual(["b", "a"]);
    expect(index.search(new Float32Array(0), 3)).toEqual([]);
    const empty = DenseIndex.fromVectors([], new Float32Array(0), 3);
    expect(empty.search(new Float32Array(3), 5)[0]!.ids).toEqual([]);
  });

  it("rejects bad input with clear errors", () => {
    const index = DenseIndex.fromVectors(["a", "b"], new Float32Array([1, 0, 0, 1]), 2);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/not a multiple of dim 2/);
    expect(() => index.search(new Float32Array([0, NaN]), 1)).toThrow(/query 0 component 1 is NaN/);
    expect(() => index.search(new Float32Array(2), 0)).toThrow(/k must be a positive integer/);
    expect(() => index.search(new Float32Array(2), 1, { blockSize: 0 })).toThrow(/blockSize/);
    expect(() => DenseIndex.fromVectors(["a", "a"], new Float32Array(4), 2)).toThrow(/duplicate id "a"/);
    expect(() => DenseIndex.fromVectors(["a"], new Float32Array(4), 2)).toThrow(/expected 2/);
    expect(() => index.searchToRun(["q1", "q1"], new Float32Array(4), 1)).toThrow(/queryIds.*duplicate/);
  });

  it("builds a Run and writes a TREC run that reads back identically", async () => {
    const rand = rng(9);
    const dim = 8;
    const ids = Array.from({ length: 40 }, (_, i) => `doc${i}`);
    const vectors = dyadic(40, dim, rand, 2);
    const queries = dyadic(3, dim, rand, 2);
    const index = DenseIndex.fromVectors(ids, vectors, dim);
    const run = index.searchToRun(["q1", "q2", "q3"], queries, 10);
    expect([...run.keys()]).toEqual(["q1", "q2", "q3"]);
    const expected = bruteForce(ids, vectors, queries, dim, 10);
    expect([...run.get("q2")!.keys()]).toEqual(expected[1]!.ids);
    const dir = await mkdtemp(join(tmpdir(), "i3-dense-run-"));
    tmp.push(dir);
    const path = join(dir, "run.trec");
    await writeDenseRun(path, index, ["q1", "q2", "q3"], queries, 10, { tag: "de" });
    expect(await loadTrecRun(path)).toEqual(run);
  });
});
