/**
 * The wasm `Identity` override: clones share the heap buffer (tfjs clones every tensor it saves
 * for a gradient, so the stock copying Identity doubled a training step's saved activations and
 * helped the `small` training benchmark run the 4 GiB wasm heap out), gradients unchanged.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installFastKernels, uninstallFastKernels } from "../src/kernels/index.js";

const require = createRequire(import.meta.url);

beforeAll(async () => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
  await tf.setBackend("wasm");
  expect(installFastKernels().kernels).toContain("Identity");
});

afterAll(() => uninstallFastKernels());

/** A small attention-and-GELU block: the op mix of an encoder layer, many saved tensors. */
function block(x: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const h = tf.matMul(x, w);
  const s = tf.softmax(tf.div(tf.matMul(h, h, false, true), 3));
  const g = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
  return tf.sum(tf.square(tf.matMul(s, g)));
}

const xData = Float32Array.from({ length: 6 * 8 }, (_, i) => Math.sin(i * 0.7));
const wData = Float32Array.from({ length: 8 * 5 }, (_, i) => Math.cos(i * 0.3) / 3);

function gradsOn(): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => block(x, w))([tf.tensor2d(xData, [6, 8]), tf.tensor2d(wData, [8, 5])]);
    return { dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

describe("shared-buffer Identity on wasm", () => {
  it("clone shares the buffer, outlives its source and keeps its values", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor1d([1, 2, 3, 4.5]);
    const before = tf.engine().backend.numDataIds();
    const y = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4.5]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before - 1);
    const s = tf.clone(tf.tensor1d(["a", "b"], "string"));
    expect(s.dataSync()).toEqual(["a", "b"]);
  });

  it("saving tensors for the backward pass allocates no copies", async () => {
    await tf.setBackend("wasm");
    const x = tf.variable(tf.tensor2d(xData, [6, 8]));
    const w = tf.variable(tf.tensor2d(wData, [8, 5]));
    const backend = tf.engine().backend;
    const base = backend.numDataIds();
    // Heap buffers alive at the end of the forward, without and with a gradient tape.
    let untaped = 0;
    tf.tidy(() => {
      block(x, w);
      untaped = backend.numDataIds() - base;
    });
    let taped = 0;
    const { value, grads } = tf.variableGrads(() => {
      const loss = block(x, w);
      taped = backend.numDataIds() - base;
      return loss;
    }, [x, w]);
    // tfjs 4.22 saves 16 tensors here: the stock Identity added a buffer for each (20 more in
    // all), the shared one none (4 more: the tape's own scalar constants).
    expect(untaped).toBeGreaterThan(10);
    expect(taped - untaped).toBeLessThan(8);
    value.dispose();
    tf.dispose(Object.values(grads));
    tf.dispose([x, w]);
  });

  it("gradients equal the cpu backend's", async () => {
    await tf.setBackend("wasm");
    const fast = gradsOn();
    await tf.setBackend("cpu");
    const ref = gradsOn();
    await tf.setBackend("wasm");
    for (const [a, b] of [[fast.dx, ref.dx], [fast.dw, ref.dw]] as const) {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(b[i]!)));
    }
  });
});
