import { describe, expect, it, vi } from "vitest";
import { DenseIndex, type TfLike, type TfTensorLike } from "../src/dense/index.js";

// onnxruntime-node "fails to load" in this file: the loader throws as it would without the package.
vi.mock("../src/dense/onnx-runtime.js", () => ({
  defaultOnnxThreads: () => 2,
  loadOnnxRuntime: () => {
    throw new Error("onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'");
  },
}));

/** A stand-in `tf` whose matMul sums in float64 (exact here): counts its calls. */
function countingTf(): TfLike & { matMuls: number } {
  const tensor = (values: Float32Array, shape: [number, number]) => ({ values, shape, dataSync: () => values, dispose: () => {} });
  type T = ReturnType<typeof tensor>;
  const tf = {
    matMuls: 0,
    getBackend: () => "fake",
    tensor2d: (values: Float32Array, shape: [number, number]): TfTensorLike => tensor(Float32Array.from(values), shape),
    matMul(a: TfTensorLike, b: TfTensorLike): TfTensorLike {
      tf.matMuls++;
      const A = a as T;
      const B = b as T;
      const [m, n] = A.shape;
      const p = B.shape[1];
      const out = new Float32Array(m * p);
      for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) for (let d = 0; d < n; d++) out[i * p + j]! += A.values[i * n + d]! * B.values[d * p + j]!;
      return tensor(out, [m, p]);
    },
  };
  return tf;
}

describe("when onnxruntime-node fails to load", () => {
  const ids = ["a", "b", "c", "d"];
  const index = DenseIndex.fromVectors(ids, new Float32Array([1, 0, 0, 1, 1, 1, 0.5, 0.5]), 2);
  const query = new Float32Array([1, 2]);

  it("auto falls back to plain JavaScript, reports why and warns once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(index.search(query, 3)[0]!.ids).toEqual(["c", "b", "d"]);
    expect(index.lastKernel).toEqual({ kernel: "js", description: "plain JavaScript", fallback: "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'" });
    index.search(query, 3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/could not be loaded.*using the js kernel/);
    warn.mockRestore();
  });

  it("auto falls back to tf when a namespace is given", () => {
    const tf = countingTf();
    expect(index.search(query, 2, { tf })[0]!.ids).toEqual(["c", "b"]);
    expect(tf.matMuls).toBe(1);
    expect(index.lastKernel).toMatchObject({ kernel: "tf", description: "tfjs matMul (fake backend)" });
    expect(index.lastKernel!.fallback).toMatch(/could not be loaded/);
  });

  it("an explicit onnx kernel is an error naming the cause", () => {
    expect(() => index.search(query, 1, { kernel: "onnx" })).toThrow(/kernel "onnx": onnxruntime-node could not be loaded: Cannot find module/);
  });
});
