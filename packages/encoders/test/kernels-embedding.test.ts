/**
 * embeddingLookup on the wasm backend (stock kernels and fast kernels installed): forward and
 * table gradient vs the cpu backend's gather; the fast GatherV2 / ScatterNd kernels vs cpu.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { embeddingLookup, embeddingLookupOneHot, installFastKernels, uninstallFastKernels } from "../src/kernels/index.js";

const require = createRequire(import.meta.url);

function randomArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

beforeAll(() => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
});

type Lookup = (table: tf.Tensor2D, ids: tf.Tensor) => tf.Tensor;

/** Forward values and d(sum(w * lookup))/d(table) on `backend`. */
async function run(backend: string, lookup: Lookup, V: number, D: number, ids: number[], idsShape: number[]): Promise<[Float32Array, Float32Array, number[]]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const table = tf.tensor2d(randomArray(V * D, 3), [V, D]);
    const idt = tf.tensor(ids, idsShape, "int32");
    const y = lookup(table, idt);
    const w = tf.tensor(randomArray(y.size, 4), y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, idt), w)))(table);
    const result: [Float32Array, Float32Array, number[]] = [y.dataSync() as Float32Array, g.dataSync() as Float32Array, y.shape];
    return result;
  });
}

const gatherRef: Lookup = (table, ids) => tf.gather(table, ids);

for (const fast of [false, true]) describe(`embeddingLookup (${fast ? "fast kernels" : "stock wasm kernels"})`, () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
    if (fast) installFastKernels();
    else uninstallFastKernels();
  });

  const cases: [string, number, number, number[], number[]][] = [
    ["1-D ids with duplicates", 7, 5, [3, 0, 3, 6, 3, 1], [6]],
    ["2-D ids [batch 2, seq 5], odd D", 11, 13, [0, 10, 4, 4, 9, 2, 2, 2, 10, 0], [2, 5]],
    ["batch 1, single id", 4, 8, [2], [1, 1]],
  ];
  for (const [name, V, D, ids, shape] of cases) {
    for (const [label, lookup] of [["scatterND", embeddingLookup], ["one-hot", embeddingLookupOneHot]] as const) {
      it(`${label}: ${name}`, async () => {
        const [y, g, yShape] = await run("wasm", lookup, V, D, ids, shape);
        const [yRef, gRef, refShape] = await run("cpu", gatherRef, V, D, ids, shape);
        expect(yShape).toEqual(refShape);
        expect(Array.from(y)).toEqual(Array.from(yRef));
        for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(gRef[i]!, 5);
      });
    }
  }

  it.skipIf(fast)("plain tf.gather's gradient is indeed unavailable on wasm (why this exists)", async () => {
    await tf.setBackend("wasm");
    const table = tf.ones([3, 2]) as tf.Tensor2D;
    const ids = tf.tensor1d([0, 2], "int32");
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table)).toThrow(/UnsortedSegmentSum/);
    table.dispose();
    ids.dispose();
  });

  it("rejects non-int32 ids and non-2-D tables", async () => {
    await tf.setBackend("wasm");
    expect(() => embeddingLookup(tf.ones([3, 2]) as tf.Tensor2D, tf.tensor1d([0, 1]))).toThrow(/int32/);
    expect(() => embeddingLookup(tf.ones([3]) as unknown as tf.Tensor2D, tf.tensor1d([0], "int32"))).toThrow(/\[V, D\]/);
  });
});

/** `f` evaluated on wasm (fast kernels installed) and on cpu, as [values, shape] pairs. */
async function bothBackends(f: () => tf.Tensor): Promise<[[Float32Array, number[]], [Float32Array, number[]]]> {
  await tf.setBackend("wasm");
  installFastKernels();
  const a = tf.tidy(f);
  const wasm: [Float32Array, number[]] = [a.dataSync() as Float32Array, a.shape];
  a.dispose();
  await tf.setBackend("cpu");
  const b = tf.tidy(f);
  const cpu: [Float32Array, number[]] = [b.dataSync() as Float32Array, b.shape];
  b.dispose();
  return [wasm, cpu];
}

describe("fast GatherV2 / ScatterNd kernels vs cpu", () => {
  const gathers: [string, number[], number[], number[], number][] = [
    ["rows of [9, 7] by [2, 3] ids", [9, 7], [8, 0, 8, 3, 1, 1], [2, 3], 0],
    ["slices of [5, 3, 2] by [4] ids", [5, 3, 2], [4, 0, 2, 4], [4], 0],
    ["axis 1 (stock fallback)", [4, 6], [5, 0, 2], [3], 1],
    ["single row, D = 1", [3, 1], [2], [1], 0],
  ];
  for (const [name, xShape, ids, idsShape, axis] of gathers) {
    it(`gather ${name}`, async () => {
      const size = xShape.reduce((p, q) => p * q, 1);
      const [w, c] = await bothBackends(() => tf.gather(tf.tensor(randomArray(size, 5), xShape), tf.tensor(ids, idsShape, "int32"), axis));
      expect(w[1]).toEqual(c[1]);
      expect(Array.from(w[0])).toEqual(Array.from(c[0]));
    });
  }

  it("gather rejects an out-of-range id on wasm", async () => {
    await tf.setBackend("wasm");
    installFastKernels();
    const x = tf.ones([3, 4]);
    expect(() => tf.gather(x, tf.tensor1d([0, 3], "int32"))).toThrow(/not in \[0, 2\]/);
    expect(() => tf.gather(x, tf.tensor1d([-1], "int32"))).toThrow(/not in/);
    x.dispose();
  });

  const scatters: [string, number[], number[], number[]][] = [
    ["rows with duplicates, D = 6 (SIMD + tail)", [3, 0, 3, 3, 5], [5, 1], [7, 6]],
    ["rows of [V, 2, 3] slices", [1, 1, 0], [3, 1], [4, 2, 3]],
    ["2-D indices (stock fallback)", [0, 1, 2, 0, 0, 1], [3, 2], [3, 2, 5]],
  ];
  for (const [name, idx, idxShape, shape] of scatters) {
    it(`scatterND ${name}`, async () => {
      const n = idxShape[0]!;
      const updShape = [n, ...shape.slice(idxShape[1]!)];
      const updSize = updShape.reduce((p, q) => p * q, 1);
      const [w, c] = await bothBackends(() => tf.scatterND(tf.tensor(idx, idxShape, "int32"), tf.tensor(randomArray(updSize, 6), updShape), shape));
      expect(w[1]).toEqual(c[1]);
      for (let i = 0; i < c[0].length; i++) expect(w[0][i]).toBeCloseTo(c[0][i]!, 6);
    });
  }
});
