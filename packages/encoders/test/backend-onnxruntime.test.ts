/**
 * The `wasm+onnxruntime` device: the wasm backend with the onnxruntime matMul route installed,
 * recorded in BackendInfo; selecting `wasm` removes the route, re-selecting the device restores it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { describeBackend, initBackend, parseDevice } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { fastKernelCounts, onnxMatMulInstalled, uninstallFastKernels } from "../src/kernels/index.js";

/** How many products onnxruntime ran for one 256 x 256 x 256 matMul (above the route's threshold). */
function onnxProducts(): number {
  fastKernelCounts(true);
  const c = tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])));
  expect(c.dataSync()[0]).toBe(256);
  c.dispose();
  return fastKernelCounts().onnx;
}

afterAll(async () => {
  await initBackend({ device: "wasm" });
  uninstallFastKernels();
  await initBackend({ device: "js" });
});

describe('device "wasm+onnxruntime"', () => {
  it("parses, loads the wasm backend with the route, and says so", async () => {
    expect(parseDevice("wasm+onnxruntime")).toBe("wasm+onnxruntime");
    const info = await initBackend({ device: "wasm+onnxruntime" });
    expect(info).toMatchObject({ requested: "wasm+onnxruntime", device: "wasm+onnxruntime", backend: "wasm" });
    expect(describeBackend(info)).toMatch(/onnxruntime-node .* 2 threads/);
    expect(onnxMatMulInstalled()).toMatchObject({ threads: 2 });
    expect(onnxProducts()).toBe(1);
  });

  it("is removed by selecting wasm and restored by selecting it again", async () => {
    await initBackend({ device: "wasm" });
    expect(onnxMatMulInstalled()).toBeUndefined();
    expect(onnxProducts()).toBe(0);
    await initBackend({ device: "wasm+onnxruntime" });
    expect(onnxProducts()).toBe(1);
  });
});
