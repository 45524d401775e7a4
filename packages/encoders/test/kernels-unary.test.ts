/** Fast Exp / Erf kernels on wasm vs float64 Math (exp) and the cpu backend (erf), with gradients. */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installFastKernels } from "../src/kernels/index.js";

const require = createRequire(import.meta.url);

beforeAll(async () => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
  await tf.setBackend("wasm");
  installFastKernels();
});

/** Sample points: a dense sweep of [-12, 12] plus edge values; odd length for the scalar tail. */
function points(): Float32Array {
  const xs: number[] = [];
  for (let i = 0; i <= 2400; i++) xs.push(-12 + i * 0.01);
  xs.push(0, -0, 1e-8, -1e-8, 30, -30, 88, -87, 88.7, -87.3, 89, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity);
  return Float32Array.from(xs);
}

async function on(backend: string, f: (x: tf.Tensor) => tf.Tensor, data: Float32Array): Promise<Float32Array> {
  await tf.setBackend(backend);
  const y = tf.tidy(() => f(tf.tensor1d(data)));
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

describe("fast Exp / Erf", () => {
  it("exp matches float64 Math.exp to 4e-7 relative (inf above 88.72, 0 below -87.34)", async () => {
    const xs = points();
    const y = await on("wasm", tf.exp, xs);
    for (let i = 0; i < xs.length; i++) {
      const ref = Math.exp(xs[i]!);
      if (xs[i]! > 88.72283) expect(y[i]).toBe(Infinity);
      else if (xs[i]! < -87.33654) expect(y[i]).toBe(0);
      else expect(Math.abs(y[i]! - ref) / ref).toBeLessThan(4e-7);
    }
  });

  it("erf matches the cpu backend to 3e-7 absolute, odd symmetry exact", async () => {
    const xs = points();
    const y = await on("wasm", tf.erf, xs);
    const ref = await on("cpu", tf.erf, xs);
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(y[i]! - ref[i]!)).toBeLessThan(3e-7);
    }
    const neg = await on("wasm", tf.erf, xs.map((v) => -v));
    for (let i = 0; i < xs.length; i++) expect(neg[i]).toBe(-y[i]!);
  });

  it("NaN stays NaN", async () => {
    const y = await on("wasm", (x) => tf.concat([tf.exp(x), tf.erf(x)]), Float32Array.from([NaN, 1, 2, 3, NaN]));
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Number.isNaN(y[5])).toBe(true);
    expect(Number.isNaN(y[9])).toBe(true);
  });

  it("erf-GELU gradient on wasm matches the cpu backend", async () => {
    const xs = Float32Array.from({ length: 37 }, (_, i) => -4 + i * 0.23);
    const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    const grad = (x: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x);
    const g = await on("wasm", grad, xs);
    const ref = await on("cpu", grad, xs);
    for (let i = 0; i < xs.length; i++) expect(Math.abs(g[i]! - ref[i]!)).toBeLessThan(1e-6);
  });
});
