/**
 * Fast wasm matMul kernels: forward results for every transpose combination and odd shapes
 * against a float64 plain-JS matMul, gradients against the tfjs cpu backend.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fastKernelCounts, fastKernelRouting, fastKernelsInstalled, installFastKernels, uninstallFastKernels } from "../src/kernels/index.js";

const require = createRequire(import.meta.url);

/** Deterministic pseudo-random floats in [-1, 1). */
function randomArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** float64 reference of matMul(a, b, tA, tB) with batch broadcasting of a single-matrix side. */
function refMatMul(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], tA: boolean, tB: boolean): { data: Float64Array; shape: number[] } {
  const ra = aShape.length;
  const rb = bShape.length;
  const M = tA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const K = tA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const N = tB ? bShape[rb - 2]! : bShape[rb - 1]!;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  const outer = outerA.length >= outerB.length ? (batchA >= batchB ? outerA : outerB) : outerB;
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * M * N);
  for (let q = 0; q < batch; q++) {
    const ao = (batchA === 1 ? 0 : q) * M * K;
    const bo = (batchB === 1 ? 0 : q) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = tA ? a[ao + k * M + i]! : a[ao + i * K + k]!;
          const bv = tB ? b[bo + j * K + k]! : b[bo + k * N + j]!;
          s += av * bv;
        }
        out[q * M * N + i * N + j] = s;
      }
    }
  }
  return { data: out, shape: [...outer, M, N] };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!));
    if (!(d <= worst)) worst = d;
  }
  expect(worst).toBeLessThan(tol);
}

/** Stored shape of an operand given its logical [M, K] / [K, N] and transpose flag. */
function stored(outer: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...outer, cols, rows] : [...outer, rows, cols];
}

beforeAll(async () => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
  await tf.setBackend("wasm");
  expect(installFastKernels().installed).toBe(true);
  fastKernelRouting.simdTransposedAFromK = 512;
});

afterAll(() => {
  fastKernelRouting.simdTransposedAFromK = Number.POSITIVE_INFINITY;
  uninstallFastKernels();
});

const combos: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

// [outerA, outerB, M, K, N]: odd sizes, tails of the 4-row / 8-column micro-tile and of the
// 4-wide transposed packing, batch 1, broadcasting, rank 4.
const shapes: [number[], number[], number, number, number][] = [
  [[3], [3], 5, 7, 9],
  [[2], [2], 13, 17, 9],
  [[5], [5], 1, 33, 3],
  [[4], [4], 4, 1, 8],
  [[2], [2], 8, 4, 16],
  [[2], [2], 32, 64, 32],
  [[3], [3], 17, 65, 23],
  [[1], [1], 6, 10, 5],
  [[2, 3], [2, 3], 6, 10, 5],
  [[1], [4], 7, 12, 11],
  [[4], [1], 7, 12, 11],
  [[4], [], 9, 6, 10],
  [[3], [], 5, 1030, 6],
  [[2], [], 3, 4100, 5],
  [[2], [1], 4, 4097, 9],
  [[], [], 19, 21, 13],
  [[], [], 64, 48, 40],
  // K blocks of 256 (two full, one ragged); 2-D with tA and M <= N takes the SIMD kernel too
  [[2], [2], 9, 600, 17],
  [[], [], 9, 600, 17],
  [[], [], 20, 700, 8],
];

describe("fast BatchMatMul forward (wasm) vs float64 reference", () => {
  for (const [outerA, outerB, M, K, N] of shapes) {
    for (const [tA, tB] of combos) {
      it(`[${outerA}|${outerB}] ${M}x${K}x${N} tA=${tA} tB=${tB}`, () => {
        const aShape = stored(outerA, M, K, tA);
        const bShape = stored(outerB, K, N, tB);
        const aData = randomArray(aShape.reduce((x, y) => x * y, 1), 7 + M);
        const bData = randomArray(bShape.reduce((x, y) => x * y, 1), 11 + N);
        const before = tf.memory().numTensors;
        fastKernelCounts(true);
        const out = tf.tidy(() => tf.matMul(tf.tensor(aData, aShape), tf.tensor(bData, bShape), tA, tB));
        const batchB = outerB.reduce((x, y) => x * y, 1);
        const batch = Math.max(outerA.reduce((x, y) => x * y, 1), batchB);
        // Batched A . one shared B (not tA) with K > 4096 folds into one 2-D stock product.
        const folded = batch > 1 && batchB === 1 && !tA && K > 4096;
        // Opt-in (on for this suite): 2-D with a transposed A, K >= 512 and M <= N (weight gradients).
        const simd2d = batch === 1 && tA && K >= 512 && M <= N;
        const path = (batch > 1 && !folded) || simd2d ? "simd" : tA || tB ? "transposed" : "stock";
        expect(fastKernelCounts()[path]).toBe(1);
        const ref = refMatMul(aData, aShape, bData, bShape, tA, tB);
        expect(out.shape).toEqual(ref.shape);
        // float32 accumulation error grows ~ sqrt(K)
        expectClose(out.dataSync(), ref.data, 1e-5 + 1e-6 * Math.sqrt(K));
        out.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});

describe("fast _FusedMatMul (wasm)", () => {
  for (const [tA, tB] of combos) {
    it(`bias + relu, tA=${tA} tB=${tB}`, () => {
      const [M, K, N] = [11, 9, 7];
      const aShape = stored([], M, K, tA);
      const bShape = stored([], K, N, tB);
      const aData = randomArray(M * K, 3);
      const bData = randomArray(K * N, 5);
      const bias = randomArray(N, 9);
      const out = tf.tidy(() => tf.fused.matMul({ a: tf.tensor2d(aData, aShape as [number, number]), b: tf.tensor2d(bData, bShape as [number, number]), transposeA: tA, transposeB: tB, bias: tf.tensor1d(bias), activation: "relu" }));
      const ref = refMatMul(aData, aShape, bData, bShape, tA, tB).data.map((v, i) => Math.max(0, v + bias[i % N]!));
      expectClose(out.dataSync(), ref, 1e-5);
      out.dispose();
    });
  }
});

/** Gradients of sum(w * f(a, b)) wrt a and b on the given backend. */
async function gradsOn(backend: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: [Float32Array, number[]], b: [Float32Array, number[]], wSeed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const at = tf.tensor(a[0], a[1]);
    const bt = tf.tensor(b[0], b[1]);
    const y = f(at, bt);
    const w = tf.tensor(randomArray(y.size, wSeed), y.shape);
    const g = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(f(x, z), w)));
    return g([at, bt]).map((t) => t.dataSync() as Float32Array);
  });
}

describe("gradients through the fast kernels vs the cpu backend", () => {
  for (const [tA, tB] of combos) {
    it(`batched matMul [3,13,10]x[3,10,9] tA=${tA} tB=${tB}`, async () => {
      const aShape = stored([3], 13, 10, tA);
      const bShape = stored([3], 10, 9, tB);
      const a: [Float32Array, number[]] = [randomArray(3 * 130, 21), aShape];
      const b: [Float32Array, number[]] = [randomArray(3 * 90, 22), bShape];
      const f = (x: tf.Tensor, z: tf.Tensor) => tf.matMul(x, z, tA, tB);
      const fast = await gradsOn("wasm", f, a, b, 5);
      const ref = await gradsOn("cpu", f, a, b, 5);
      expectClose(fast[0]!, ref[0]!, 1e-5);
      expectClose(fast[1]!, ref[1]!, 1e-5);
    });
  }

  it("attention softmax(q k^T / sqrt(d)) v, batch*heads 6, seq 11, d 5", async () => {
    const shape = [6, 11, 5];
    const q: [Float32Array, number[]] = [randomArray(330, 31), shape];
    const k: [Float32Array, number[]] = [randomArray(330, 32), shape];
    const attn = (x: tf.Tensor, z: tf.Tensor) => tf.matMul(tf.softmax(tf.mul(tf.matMul(x, z, false, true), 1 / Math.sqrt(5))), z);
    const fast = await gradsOn("wasm", attn, q, k, 7);
    const ref = await gradsOn("cpu", attn, q, k, 7);
    expectClose(fast[0]!, ref[0]!, 1e-5);
    expectClose(fast[1]!, ref[1]!, 1e-5);
  });

  it("2-D dense layer through tf.fused.matMul (bias, relu)", async () => {
    const x: [Float32Array, number[]] = [randomArray(17 * 12, 41), [17, 12]];
    const w: [Float32Array, number[]] = [randomArray(12 * 10, 42), [12, 10]];
    const bias = randomArray(10, 43);
    const dense = (a: tf.Tensor, b: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: tf.tensor1d(bias), activation: "relu" });
    const fast = await gradsOn("wasm", dense, x, w, 9);
    const ref = await gradsOn("cpu", dense, x, w, 9);
    expectClose(fast[0]!, ref[0]!, 1e-5);
    expectClose(fast[1]!, ref[1]!, 1e-5);
  });
});

describe("installFastKernels", () => {
  it("is idempotent, reversible, and a logged no-op off wasm", async () => {
    await tf.setBackend("wasm");
    expect(fastKernelsInstalled()).toBe(true);
    const stockAfter = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
    expect(installFastKernels().installed).toBe(true);
    expect(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc).toBe(stockAfter);
    uninstallFastKernels();
    expect(fastKernelsInstalled()).toBe(false);
    expect(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc).not.toBe(stockAfter);
    await tf.setBackend("cpu");
    const logged: string[] = [];
    const status = installFastKernels({ log: (m) => logged.push(m) });
    expect(status.installed).toBe(false);
    expect(logged[0]).toMatch(/not "wasm"/);
    await tf.setBackend("wasm");
    expect(installFastKernels().kernels).toEqual(["BatchMatMul", "_FusedMatMul", "GatherV2", "ScatterNd", "Exp", "Erf", "Identity", "Transpose", "Sum"]);
  });

  it("frees its scratch and intermediate tensors (no wasm heap growth over repeated calls)", async () => {
    await tf.setBackend("wasm");
    const a = tf.tensor(randomArray(4 * 33 * 20, 1), [4, 20, 33]);
    const b = tf.tensor(randomArray(4 * 20 * 18, 2), [4, 18, 20]);
    const run = () => tf.tidy(() => tf.matMul(a, b, true, true).dispose());
    run();
    const ids = tf.engine().backend.numDataIds();
    for (let i = 0; i < 20; i++) run();
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    a.dispose();
    b.dispose();
  });
});
