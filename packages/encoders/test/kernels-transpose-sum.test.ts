/**
 * The wasm `Transpose` (last two axes) and `Sum` (leading axes) overrides: exact against an
 * index-by-index reference (a transpose moves floats, so equality is bitwise; the column sums
 * add rows in order in float32, which a Math.fround loop reproduces exactly), every other
 * permutation / axis set / dtype still right through the stock kernel, the bias-gradient path
 * of a Linear layer unchanged, and no heap growth across calls.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fastKernelCounts, installFastKernels, uninstallFastKernels } from "../src/kernels/index.js";
import { leadingAxesCount } from "../src/kernels/fast-sum.js";
import { swapsLastTwoAxes } from "../src/kernels/fast-transpose.js";

const require = createRequire(import.meta.url);

beforeAll(async () => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
  await tf.setBackend("wasm");
  const { kernels } = installFastKernels();
  expect(kernels).toContain("Transpose");
  expect(kernels).toContain("Sum");
});

afterAll(() => uninstallFastKernels());

/** Deterministic non-trivial floats (not exactly representable sums). */
function values(n: number, seed = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.731 + seed) * 3.7 + Math.cos(i * 0.117) / 7));
}

describe("fast Transpose (last two axes)", () => {
  it("recognises only the swap of the last two axes", () => {
    expect(swapsLastTwoAxes([1, 0])).toBe(true);
    expect(swapsLastTwoAxes([0, 2, 1])).toBe(true);
    expect(swapsLastTwoAxes([0, 1, 3, 2])).toBe(true);
    expect(swapsLastTwoAxes([0, 1])).toBe(false);
    expect(swapsLastTwoAxes([1, 0, 2])).toBe(false);
    expect(swapsLastTwoAxes([0, 2, 1, 3])).toBe(false);
    expect(swapsLastTwoAxes([0])).toBe(false);
  });

  // Ragged and aligned sizes, tiles of 32 crossed, a batch of planes.
  const shapes: number[][] = [[1, 1], [3, 5], [4, 4], [33, 70], [64, 128], [7, 37, 9], [2, 3, 40, 36]];
  for (const shape of shapes) {
    it(`equals the index-by-index transpose for ${JSON.stringify(shape)}`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = values(n);
      const r = shape.length;
      const perm = shape.map((_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
      fastKernelCounts(true);
      const y = tf.tidy(() => tf.transpose(tf.tensor(data, shape), perm));
      expect(fastKernelCounts().simdTranspose).toBe(1);
      const R = shape[r - 2]!;
      const C = shape[r - 1]!;
      expect(y.shape).toEqual([...shape.slice(0, -2), C, R]);
      const out = y.dataSync();
      for (let b = 0; b < n / (R * C); b++) {
        for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) expect(out[b * R * C + j * R + i]).toBe(data[b * R * C + i * C + j]);
      }
      y.dispose();
    });
  }

  it("other permutations and int32 tensors go through the stock kernel, still right", () => {
    const x = tf.tensor(values(2 * 3 * 4), [2, 3, 4]);
    fastKernelCounts(true);
    const y = tf.transpose(x, [2, 0, 1]);
    expect(fastKernelCounts().simdTranspose).toBe(0);
    const xs = x.arraySync() as number[][][];
    const ys = y.arraySync() as number[][][];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) expect(ys[c]![a]![b]).toBe(xs[a]![b]![c]);
    const i = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    expect(tf.transpose(i).arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(fastKernelCounts().simdTranspose).toBe(0);
    tf.dispose([x, y, i]);
  });
});

/** Column sums of a row-major [R, C] array, rows added in order in float32. */
function columnSums(data: Float32Array, R: number, C: number): number[] {
  const out = new Array<number>(C).fill(0);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c] = Math.fround(out[c]! + data[r * C + c]!);
  return out;
}

describe("fast Sum (leading axes)", () => {
  it("recognises exactly the leading axes, not all of them", () => {
    expect(leadingAxesCount([0], 2)).toBe(1);
    expect(leadingAxesCount([1, 0], 3)).toBe(2);
    expect(leadingAxesCount([0, 0], 2)).toBe(1);
    expect(leadingAxesCount([0, 1], 2)).toBe(0);
    expect(leadingAxesCount([1], 2)).toBe(0);
    expect(leadingAxesCount([0, 2], 3)).toBe(0);
    expect(leadingAxesCount([], 2)).toBe(0);
  });

  const cases: { shape: number[]; axis: number | number[]; R: number }[] = [
    { shape: [2048, 37], axis: 0, R: 2048 },
    { shape: [5, 8], axis: [0], R: 5 },
    { shape: [4, 9, 13], axis: [0, 1], R: 36 },
    { shape: [4, 9, 13], axis: [1, 0], R: 36 },
    { shape: [3, 6, 2, 5], axis: [-4, -3], R: 18 },
    { shape: [0, 7], axis: 0, R: 0 },
  ];
  for (const { shape, axis, R } of cases) {
    for (const keepDims of [false, true]) {
      it(`sum over ${JSON.stringify(axis)} of ${JSON.stringify(shape)} (keepDims ${keepDims}) equals the in-order float32 column sums`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = values(n, 2);
        fastKernelCounts(true);
        const y = tf.tidy(() => tf.sum(tf.tensor(data, shape), axis, keepDims));
        expect(fastKernelCounts().simdSum).toBe(1);
        const k = Array.isArray(axis) ? axis.length : 1;
        const rest = shape.slice(k);
        expect(y.shape).toEqual(keepDims ? [...shape.slice(0, k).map(() => 1), ...rest] : rest);
        expect(Array.from(y.dataSync())).toEqual(columnSums(data, R, n === 0 ? rest.reduce((a, b) => a * b, 1) : n / R));
        y.dispose();
      });
    }
  }

  it("inner-axis, full and int32 sums go through the stock kernel, still right", () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    fastKernelCounts(true);
    expect(tf.sum(x, 1).arraySync()).toEqual([6, 15]);
    expect(tf.sum(x).arraySync()).toBe(21);
    expect(tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), 0).arraySync()).toEqual([4, 6]);
    expect(fastKernelCounts().simdSum).toBe(0);
    x.dispose();
  });

  it("a Linear layer's gradients (bias = sum over tokens, weight = x^T dy) match the cpu backend", async () => {
    const [B, S, H, F] = [3, 10, 12, 20];
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(values(B * S * H, 3), [B, S, H]);
        const w = tf.tensor2d(values(H * F, 4), [H, F]);
        const b = tf.tensor1d(values(F, 5));
        const up = tf.tensor3d(values(B * S * F, 6), [B, S, F]);
        const f = (w_: tf.Tensor, b_: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * S, H]), w_), b_), [B, S, F]), up));
        return tf.grads(f)([w, b]).map((g) => Array.from(g.dataSync()));
      });
    const fast = run();
    await tf.setBackend("cpu");
    const ref = run();
    await tf.setBackend("wasm");
    for (let i = 0; i < 2; i++) {
      expect(fast[i]!.length).toBe(ref[i]!.length);
      fast[i]!.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[i]![j]!))));
    }
  });

  it("leaves the tensor count and the backend's bytes flat", () => {
    const x = tf.tensor3d(values(4 * 16 * 24), [4, 16, 24]);
    const once = () => tf.tidy(() => tf.add(tf.sum(tf.transpose(x, [0, 2, 1]), [0]), 0)).dispose();
    once();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) once();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
  });
});
