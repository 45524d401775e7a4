/**
 * The opt-in onnxruntime route of the wasm matMuls (`installOnnxMatMul`): onnxruntime's GEMM
 * against a float64 reference for every transpose combination, bit-identical repeats and thread
 * counts; on the wasm backend, products, an encoder's loss and gradients against the pure-JS cpu
 * backend; two seeded training runs give bit-identical weights; no tensor leak across steps; the
 * fallback when onnxruntime-node does not load.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { fastKernelCounts, installFastKernels, installOnnxMatMul, onnxMatMulInstalled, uninstallFastKernels, uninstallOnnxMatMul } from "../src/kernels/index.js";
import { OnnxGemm } from "../src/kernels/onnx-gemm.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";

/** Seeded floats in [-1, 1). */
function randoms(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** op(a) . op(b) in float64 (row-major; a is K x M when transA, b is N x K when transB). */
function reference(a: Float32Array, b: Float32Array, M: number, K: number, N: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[transA ? k * M + i : i * K + k]! * b[transB ? j * K + k : k * N + j]!;
      c[i * N + j] = s;
    }
  return c;
}

/** ||x - y|| / ||y||. */
function relativeError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    d += (x[i]! - y[i]!) ** 2;
    n += y[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

describe("OnnxGemm (onnxruntime's native GEMM, synchronous)", () => {
  const loaded = OnnxGemm.load({ threads: 2 });
  const one = OnnxGemm.load({ threads: 1 });
  afterAll(() => {
    if (typeof loaded !== "string") loaded.dispose();
    if (typeof one !== "string") one.dispose();
  });

  it("computes op(A) op(B) for every transpose combination, identically on 1 and 2 threads", () => {
    if (typeof loaded === "string" || typeof one === "string") throw new Error(String(loaded));
    const [M, K, N] = [130, 600, 90];
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const a = randoms(M * K, 1);
        const b = randoms(K * N, 2);
        const c = new Float32Array(M * N).fill(Number.NaN);
        loaded.gemm(a, b, c, M, K, N, transA, transB);
        expect(relativeError(c, reference(a, b, M, K, N, transA, transB))).toBeLessThan(1e-6);
        const again = new Float32Array(M * N);
        loaded.gemm(a, b, again, M, K, N, transA, transB);
        expect(Array.from(again)).toEqual(Array.from(c));
        const single = new Float32Array(M * N);
        one.gemm(a, b, single, M, K, N, transA, transB);
        expect(Array.from(single), `transA=${transA} transB=${transB}`).toEqual(Array.from(c));
      }
  });

  it("computes batches of products (FusedMatMul) for every transpose combination, identically on 1 and 2 threads", () => {
    if (typeof loaded === "string" || typeof one === "string") throw new Error(String(loaded));
    const [batch, M, K, N] = [5, 17, 40, 23];
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const a = randoms(batch * M * K, 6);
        const b = randoms(batch * K * N, 7);
        const c = new Float32Array(batch * M * N).fill(Number.NaN);
        loaded.batchedGemm(a, b, c, batch, M, K, N, transA, transB);
        for (let i = 0; i < batch; i++) {
          const want = reference(a.subarray(i * M * K, (i + 1) * M * K), b.subarray(i * K * N, (i + 1) * K * N), M, K, N, transA, transB);
          expect(relativeError(c.subarray(i * M * N, (i + 1) * M * N), want), `transA=${transA} transB=${transB} matrix ${i}`).toBeLessThan(1e-6);
        }
        const single = new Float32Array(batch * M * N);
        one.batchedGemm(a, b, single, batch, M, K, N, transA, transB);
        expect(Array.from(single)).toEqual(Array.from(c));
      }
  });

  it("rejects views of the wrong size", () => {
    if (typeof loaded === "string") throw new Error(loaded);
    expect(() => loaded.gemm(new Float32Array(6), new Float32Array(6), new Float32Array(5), 2, 3, 2, false, false)).toThrow(/views/);
  });

  it("says why when the package does not load", () => {
    const missing = OnnxGemm.load({ packageName: "onnxruntime-node-not-installed" });
    expect(missing).toMatch(/onnxruntime-node-not-installed did not load/);
  });
});

const cfg = encoderConfig({ vocabSize: 24, hidden: 16, layers: 2, heads: 4, intermediate: 32, maxPositions: 8, initializerRange: 0.2 });
const inputs = () => ({
  inputIds: tf.tensor2d([[1, 5, 7, 2, 9, 3], [3, 4, 2, 6, 0, 0]], undefined, "int32"),
  attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], undefined, "int32"),
  tokenTypeIds: tf.tensor2d([[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]], undefined, "int32"),
});

/** Loss (sum of squared scores, dropout on) and gradients by parameter name on the current backend. */
function lossAndGrads(model: CrossEncoder): { loss: number; grads: Map<string, Float32Array> } {
  const x = inputs();
  const params = model.namedParameters();
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.square(model.forward(x, { training: true, seed: 5, step: 1 }))) as tf.Scalar,
    params.map((p) => p.variable),
  );
  const out = { loss: value.dataSync()[0]!, grads: new Map(params.map((p) => [p.name, Float32Array.from(grads[p.variable.name]!.dataSync())])) };
  tf.dispose([value, ...Object.values(grads), ...Object.values(x)]);
  return out;
}

/** Parameters after `steps` plain SGD steps of a fresh seeded model (onnxruntime route as installed). */
function train(steps: number): { weights: Float32Array[]; tensors: number[] } {
  const model = new CrossEncoder(cfg, { seed: 3 });
  const params = model.namedParameters();
  const tensors: number[] = [];
  for (let step = 0; step < steps; step++) {
    const x = inputs();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(model.forward(x, { training: true, seed: 9, step }))) as tf.Scalar,
      params.map((p) => p.variable),
    );
    for (const p of params) {
      const next = tf.tidy(() => tf.sub(p.variable, tf.mul(grads[p.variable.name]!, 0.01)));
      p.variable.assign(next);
      next.dispose();
    }
    tf.dispose([value, ...Object.values(grads), ...Object.values(x)]);
    tensors.push(tf.memory().numTensors);
  }
  const weights = params.map((p) => Float32Array.from(p.variable.dataSync()));
  model.dispose();
  return { weights, tensors };
}

describe("installOnnxMatMul on the wasm backend", () => {
  beforeAll(async () => {
    await initBackend({ device: "wasm" });
    uninstallFastKernels();
  });
  afterAll(async () => {
    uninstallOnnxMatMul();
    uninstallFastKernels();
    await initBackend({ device: "js" });
  });

  it("needs the fast kernels, and falls back (nothing installed) when onnxruntime-node does not load", () => {
    expect(installOnnxMatMul()).toMatchObject({ installed: false, reason: expect.stringMatching(/installFastKernels/) });
    expect(installFastKernels({ log: () => undefined }).installed).toBe(true);
    const status = installOnnxMatMul({ packageName: "onnxruntime-node-not-installed" });
    expect(status).toMatchObject({ installed: false, reason: expect.stringMatching(/did not load/) });
    expect(onnxMatMulInstalled()).toBeUndefined();
    fastKernelCounts(true);
    const c = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
    expect(c.dataSync()[0]).toBe(64);
    expect(fastKernelCounts().onnx).toBe(0);
    tf.dispose(c);
  });

  it("runs 2-D products (all transposes), batched products against a shared weight and attention's in onnxruntime, equal to float64", () => {
    installFastKernels({ log: () => undefined });
    expect(installOnnxMatMul({ threads: 2, minFlops: 0 })).toMatchObject({ installed: true, threads: 2 });
    const cases: [number[], number[], boolean, boolean][] = [
      [[33, 70], [70, 21], false, false],
      [[70, 33], [70, 21], true, false],
      [[33, 70], [21, 70], false, true],
      [[70, 33], [21, 70], true, true],
      [[3, 11, 70], [70, 21], false, false],
      [[3, 11, 70], [21, 70], false, true],
      [[6, 11, 70], [6, 70, 21], false, false],
      [[6, 70, 11], [6, 21, 70], true, true],
    ];
    for (const [as, bs, transA, transB] of cases) {
      const a = randoms(as.reduce((x, y) => x * y), 4);
      const b = randoms(bs.reduce((x, y) => x * y), 5);
      fastKernelCounts(true);
      const c = tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), transA, transB);
      expect(fastKernelCounts().onnx, `${as} x ${bs}`).toBe(1);
      const K = transA ? as.at(-2)! : as.at(-1)!;
      const batch = as.length === 3 && bs.length === 3 ? as[0]! : 1;
      const M = a.length / K / batch;
      const N = b.length / K / batch;
      const got = c.dataSync();
      for (let i = 0; i < batch; i++) {
        const want = reference(a.subarray(i * M * K, (i + 1) * M * K), b.subarray(i * K * N, (i + 1) * K * N), M, K, N, transA, transB);
        expect(relativeError(got.subarray(i * M * N, (i + 1) * M * N), want), `${as} x ${bs}`).toBeLessThan(1e-6);
      }
      tf.dispose(c);
    }
    // empty products stay on the wasm kernels
    fastKernelCounts(true);
    const empty = tf.matMul(tf.zeros([0, 5]), tf.zeros([5, 3]));
    expect(empty.shape).toEqual([0, 3]);
    expect(fastKernelCounts().onnx).toBe(0);
    tf.dispose(empty);
    // with attention off, products with both operands batched stay on the SIMD kernel
    installOnnxMatMul({ minFlops: 0, attention: false });
    fastKernelCounts(true);
    tf.dispose(tf.matMul(tf.ones([4, 8, 16]), tf.ones([4, 16, 8])));
    expect(fastKernelCounts()).toMatchObject({ onnx: 0, simd: 1 });
  });

  it("gives an encoder's loss and gradients equal to the pure-JS cpu backend's (1e-4 relative)", async () => {
    uninstallOnnxMatMul();
    await initBackend({ device: "js" });
    const model = new CrossEncoder(cfg, { seed: 21 });
    const expected = lossAndGrads(model);
    await initBackend({ device: "wasm" });
    installFastKernels({ log: () => undefined });
    installOnnxMatMul({ minFlops: 0 });
    fastKernelCounts(true);
    const got = lossAndGrads(model);
    expect(fastKernelCounts().onnx).toBeGreaterThan(20);
    expect(Math.abs(got.loss - expected.loss)).toBeLessThan(1e-5 * (1 + Math.abs(expected.loss)));
    for (const [name, want] of expected.grads) {
      const scale = Math.max(...Array.from(want, Math.abs));
      const g = got.grads.get(name)!;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want[i]!));
      // relative to the tensor's largest gradient; the floor covers the key bias (0 in exact arithmetic)
      expect(worst, name).toBeLessThan(1e-4 * scale + 1e-6);
    }
    model.dispose();
  });

  it("trains deterministically: two seeded runs give bit-identical weights, and no tensor leaks across steps", () => {
    installFastKernels({ log: () => undefined });
    installOnnxMatMul({ minFlops: 0 });
    fastKernelCounts(true);
    const first = train(4);
    expect(fastKernelCounts().onnx).toBeGreaterThan(0);
    const second = train(4);
    first.weights.forEach((w, i) => expect(Array.from(second.weights[i]!)).toEqual(Array.from(w)));
    expect(new Set(first.tensors).size).toBe(1);
    uninstallOnnxMatMul();
    const stock = train(4);
    // another summation order than the stock kernels: close over all weights (the zero-initialised
    // key biases, whose gradient is 0 in exact arithmetic, differ in their noise), not bit-equal
    const all = (ws: Float32Array[]) => Float32Array.from(ws.flatMap((w) => Array.from(w)));
    expect(relativeError(all(stock.weights), all(first.weights))).toBeLessThan(1e-5);
  });
});
