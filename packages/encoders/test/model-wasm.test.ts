/**
 * The encoder trains on the wasm backend (the product's CPU path): forward values and
 * gradients of every variable match the pure-JS cpu backend, with the stock wasm kernels and
 * with the fast kernels installed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { fastKernelCounts, installFastKernels, uninstallFastKernels } from "../src/kernels/index.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";

const cfg = encoderConfig({ vocabSize: 24, hidden: 16, layers: 2, heads: 4, intermediate: 32, maxPositions: 8, initializerRange: 0.2 });

/** Loss value and gradients (by parameter name) on the current backend. */
function lossAndGrads(model: CrossEncoder): { loss: number; grads: Map<string, Float32Array> } {
  const x = {
    inputIds: tf.tensor2d([[1, 5, 7, 2, 9, 3], [3, 4, 2, 6, 0, 0]], undefined, "int32"),
    attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], undefined, "int32"),
    tokenTypeIds: tf.tensor2d([[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]], undefined, "int32"),
  };
  const params = model.namedParameters();
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.forward(x))) as tf.Scalar, params.map((p) => p.variable));
  const out = { loss: value.dataSync()[0]!, grads: new Map(params.map((p) => [p.name, Float32Array.from(grads[p.variable.name]!.dataSync())])) };
  tf.dispose([value, ...Object.values(grads), ...Object.values(x)]);
  return out;
}

function compare(a: ReturnType<typeof lossAndGrads>, b: ReturnType<typeof lossAndGrads>): void {
  expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5 * (1 + Math.abs(a.loss)));
  for (const [name, ga] of a.grads) {
    const gb = b.grads.get(name)!;
    // relative to the tensor's largest gradient; the absolute floor covers the key bias,
    // whose gradient is 0 in exact arithmetic (softmax shift invariance) and noise here
    const scale = Math.max(...Array.from(ga, Math.abs));
    let worst = 0;
    for (let i = 0; i < ga.length; i++) worst = Math.max(worst, Math.abs(ga[i]! - gb[i]!));
    expect(worst, name).toBeLessThan(1e-4 * scale + 1e-6);
  }
}

afterAll(async () => {
  uninstallFastKernels();
  await initBackend({ device: "js" });
});

describe("encoder on the wasm backend", () => {
  it("matches the cpu backend's loss and gradients, with stock and fast kernels", async () => {
    await initBackend({ device: "js" });
    const model = new CrossEncoder(cfg, { seed: 21 });
    const reference = lossAndGrads(model);
    await initBackend({ device: "wasm" });
    compare(reference, lossAndGrads(model));
    const status = installFastKernels({ log: () => undefined });
    expect(status.installed).toBe(true);
    fastKernelCounts(true);
    compare(reference, lossAndGrads(model));
    expect(fastKernelCounts().simd).toBeGreaterThan(0);
    model.dispose();
  });
});
