// Its own file, so `auto` runs in a fresh process with no backend selected yet.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { currentBackend, describeBackend, initBackend, tf } from "../src/index.js";

const require = createRequire(import.meta.url);
function installed(spec: string): boolean {
  try {
    require.resolve(spec);
    return true;
  } catch {
    return false;
  }
}
const noNodeBindings = !installed("@tensorflow/tfjs-node-gpu") && !installed("@tensorflow/tfjs-node");

describe("initBackend auto", () => {
  it.runIf(noNodeBindings)("without node bindings picks wasm and records why", async () => {
    expect(currentBackend()).toBeUndefined();
    const info = await initBackend(); // default device: auto
    expect(info).toMatchObject({ requested: "auto", backend: "wasm", device: "wasm", simd: true, threads: 1 });
    expect(info.fallbackReasons).toEqual([
      "gpu: @tensorflow/tfjs-node-gpu is not installed",
      "cpu: @tensorflow/tfjs-node is not installed",
    ]);
    expect(currentBackend()).toBe(info);
    expect(describeBackend(info)).toContain("requested=auto");
    expect(await initBackend({ device: "auto" })).toBe(info);
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[2, 0], [1, 3]]), tf.tensor2d([[1], [4]])));
    expect(Array.from(await y.data())).toEqual([2, 13]);
    y.dispose();
  });
});
