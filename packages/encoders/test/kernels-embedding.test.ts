/** embeddingLookup on the wasm backend: forward and table gradient vs the cpu backend's gather. */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { embeddingLookup, embeddingLookupOneHot } from "../src/kernels/index.js";

const require = createRequire(import.meta.url);

function randomArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

beforeAll(() => {
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
});

type Lookup = (table: tf.Tensor2D, ids: tf.Tensor) => tf.Tensor;

/** Forward values and d(sum(w * lookup))/d(table) on `backend`. */
async function run(backend: string, lookup: Lookup, V: number, D: number, ids: number[], idsShape: number[]): Promise<[Float32Array, Float32Array, number[]]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const table = tf.tensor2d(randomArray(V * D, 3), [V, D]);
    const idt = tf.tensor(ids, idsShape, "int32");
    const y = lookup(table, idt);
    const w = tf.tensor(randomArray(y.size, 4), y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, idt), w)))(table);
    const result: [Float32Array, Float32Array, number[]] = [y.dataSync() as Float32Array, g.dataSync() as Float32Array, y.shape];
    return result;
  });
}

const gatherRef: Lookup = (table, ids) => tf.gather(table, ids);

describe("embeddingLookup", () => {
  const cases: [string, number, number, number[], number[]][] = [
    ["1-D ids with duplicates", 7, 5, [3, 0, 3, 6, 3, 1], [6]],
    ["2-D ids [batch 2, seq 5], odd D", 11, 13, [0, 10, 4, 4, 9, 2, 2, 2, 10, 0], [2, 5]],
    ["batch 1, single id", 4, 8, [2], [1, 1]],
  ];
  for (const [name, V, D, ids, shape] of cases) {
    for (const [label, lookup] of [["scatterND", embeddingLookup], ["one-hot", embeddingLookupOneHot]] as const) {
      it(`${label}: ${name}`, async () => {
        const [y, g, yShape] = await run("wasm", lookup, V, D, ids, shape);
        const [yRef, gRef, refShape] = await run("cpu", gatherRef, V, D, ids, shape);
        expect(yShape).toEqual(refShape);
        expect(Array.from(y)).toEqual(Array.from(yRef));
        for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(gRef[i]!, 5);
      });
    }
  }

  it("plain tf.gather's gradient is indeed unavailable on wasm (why this exists)", async () => {
    await tf.setBackend("wasm");
    const table = tf.ones([3, 2]) as tf.Tensor2D;
    const ids = tf.tensor1d([0, 2], "int32");
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table)).toThrow(/UnsortedSegmentSum/);
    table.dispose();
    ids.dispose();
  });

  it("rejects non-int32 ids and non-2-D tables", async () => {
    await tf.setBackend("wasm");
    expect(() => embeddingLookup(tf.ones([3, 2]) as tf.Tensor2D, tf.tensor1d([0, 1]))).toThrow(/int32/);
    expect(() => embeddingLookup(tf.ones([3]) as unknown as tf.Tensor2D, tf.tensor1d([0], "int32"))).toThrow(/\[V, D\]/);
  });
});
