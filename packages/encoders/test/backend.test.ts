import { createRequire } from "node:module";
import * as tfcore from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { BackendUnavailableError, describeBackend, initBackend, parseDevice, tf } from "../src/index.js";

const require = createRequire(import.meta.url);
function installed(spec: string): boolean {
  try {
    require.resolve(spec);
    return true;
  } catch {
    return false;
  }
}

/** [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]] = [[58,64],[139,154]] (by hand). */
async function matMulCheck(): Promise<void> {
  const before = tf.memory().numTensors;
  const c = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor2d([[7, 8], [9, 10], [11, 12]])));
  expect(c.shape).toEqual([2, 2]);
  expect(Array.from(await c.data())).toEqual([58, 64, 139, 154]);
  c.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

describe("initBackend", () => {
  it("js: pure-JS cpu backend computes a matMul", async () => {
    const info = await initBackend({ device: "js" });
    expect(info).toMatchObject({
      requested: "js",
      backend: "cpu",
      device: "js",
      binding: "@tensorflow/tfjs-backend-cpu",
      threads: 1,
      fallbackReasons: [],
    });
    expect(info.tfjsVersion).toBe(tfcore.version_core);
    expect(tf.getBackend()).toBe("cpu");
    await matMulCheck();
  });

  it("wasm: SIMD build from node_modules, one thread, computes a matMul", async () => {
    const info = await initBackend({ device: "wasm" });
    expect(info).toMatchObject({
      requested: "wasm",
      backend: "wasm",
      device: "wasm",
      binding: "@tensorflow/tfjs-backend-wasm",
      simd: true,
      threads: 1,
      fallbackReasons: [],
    });
    expect(tf.getBackend()).toBe("wasm");
    await matMulCheck();
  });

  it("is idempotent and re-selects a backend after a switch", async () => {
    const a = await initBackend({ device: "js" });
    expect(tf.getBackend()).toBe("cpu");
    const [b, c] = await Promise.all([initBackend({ device: "wasm" }), initBackend({ device: "wasm" })]);
    expect(b).toBe(c);
    expect(tf.getBackend()).toBe("wasm");
    expect(await initBackend({ device: "js" })).toBe(a);
    expect(tf.getBackend()).toBe("cpu");
  });

  it.runIf(!installed("@tensorflow/tfjs-node-gpu"))("gpu without tfjs-node-gpu: clear error", async () => {
    const p = initBackend({ device: "gpu" });
    await expect(p).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(p).rejects.toThrow(/device "gpu" is unavailable: @tensorflow\/tfjs-node-gpu is not installed/);
    await expect(p).rejects.toThrow(/npm install -w @i3\/encoders @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });

  it.runIf(!installed("@tensorflow/tfjs-node"))("cpu without tfjs-node: clear error", async () => {
    const p = initBackend({ device: "cpu" });
    await expect(p).rejects.toThrow(/device "cpu" is unavailable: @tensorflow\/tfjs-node is not installed/);
    await expect(p).rejects.toThrow(/npm install -w @i3\/encoders @tensorflow\/tfjs-node@4\.22\.0/);
    // a failed request leaves the current backend alone and later requests still work
    expect((await initBackend({ device: "js" })).backend).toBe("cpu");
  });

  it("rejects unknown devices", async () => {
    await expect(initBackend({ device: "tpu" as never })).rejects.toThrow(/unknown device "tpu"/);
    expect(parseDevice(" WASM ")).toBe("wasm");
    expect(() => parseDevice("cuda")).toThrow(/expected one of auto, gpu, cpu, wasm, js/);
  });

  it("registers gradients (tfjs-core alone has none) on js and wasm", async () => {
    for (const device of ["js", "wasm"] as const) {
      await initBackend({ device });
      // d/dx mean(x^2) = 2x / n
      const x = tf.tensor1d([1, -2, 3]);
      const g = tf.grad((v) => tf.mean(tf.square(v)))(x);
      expect(Array.from(await g.data())).toEqual([2 / 3, -4 / 3, 2].map(Math.fround));
      tf.dispose([x, g]);
    }
  });

  it("exports the one tfjs-core instance", () => {
    expect(tf.Tensor).toBe(tfcore.Tensor);
    expect(tf.engine()).toBe(tfcore.engine());
  });
});

describe("describeBackend", () => {
  it("renders one line with every field", () => {
    const line = describeBackend({
      requested: "auto",
      backend: "wasm",
      device: "wasm",
      tfjsVersion: "4.22.0",
      binding: "@tensorflow/tfjs-backend-wasm",
      simd: true,
      threads: 1,
      fallbackReasons: ["gpu: a", "cpu: b"],
    });
    expect(line).toBe(
      "backend=wasm device=wasm requested=auto tfjs=4.22.0 binding=@tensorflow/tfjs-backend-wasm simd=true threads=1 fallback=[gpu: a; cpu: b]",
    );
    expect(line).not.toContain("\n");
  });

  it("omits absent optional fields", () => {
    const line = describeBackend({
      requested: "js",
      backend: "cpu",
      device: "js",
      tfjsVersion: "4.22.0",
      threads: 1,
      fallbackReasons: [],
    });
    expect(line).toBe("backend=cpu device=js requested=js tfjs=4.22.0 threads=1");
  });
});

describe("missing-package detection", () => {
  it("tells a missing package from a missing dependency of it", async () => {
    const { isModuleNotFound } = await import("../src/backend/errors.js");
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from /x/loaders.ts"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const nested = Object.assign(
      new Error("Cannot find module 'libtensorflow'\nRequire stack:\n- /n/node_modules/@tensorflow/tfjs-node/dist/index.js"),
      { code: "MODULE_NOT_FOUND" },
    );
    expect(isModuleNotFound(missing, "@tensorflow/tfjs-node")).toBe(true);
    expect(isModuleNotFound(nested, "@tensorflow/tfjs-node")).toBe(false);
    expect(isModuleNotFound(new Error("Cannot find package '@tensorflow/tfjs-node'"), "@tensorflow/tfjs-node")).toBe(false);
    // Vite's resolver (vitest) on an absent optional peer dependency, and on a dependency of it.
    const vite = (spec: string) => new Error(`Could not resolve "${spec}" imported by "@i3/encoders". Is it installed?`);
    expect(isModuleNotFound(vite("@tensorflow/tfjs-node"), "@tensorflow/tfjs-node")).toBe(true);
    expect(isModuleNotFound(vite("@tensorflow/tfjs-node-gpu"), "@tensorflow/tfjs-node")).toBe(false);
  });
});
