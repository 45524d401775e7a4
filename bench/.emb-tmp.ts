import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";
const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + "/");
await tf.setBackend(process.argv[2] ?? "wasm");
const D = 256, n = 4096;
function t(name: string, f: () => tf.Tensor) { f().dispose(); const ts = []; for (let i = 0; i < 5; i++) { const t0 = performance.now(); const r = f(); r.dataSync(); r.dispose(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); console.log(name, ts[2]!.toFixed(2), "ms"); }
for (const V of [1000, 30522]) {
  const table = tf.randomNormal([V, D]);
  const ids = tf.randomUniform([n], 0, V, "int32");
  const upd = tf.randomNormal([n, D]);
  const idx2 = ids.reshape([n, 1]);
  t(`V=${V} gather`, () => tf.gather(table, ids));
  t(`V=${V} scatterND`, () => tf.scatterND(idx2, upd, [V, D]));
  t(`V=${V} zeros`, () => tf.zeros([V, D]));
  t(`V=${V} unsortedSegmentSum`, () => { try { return tf.unsortedSegmentSum(upd, ids, V); } catch { return tf.scalar(0); } });
  t(`V=${V} oneHot^T.dy`, () => tf.tidy(() => tf.matMul(tf.cast(tf.oneHot(ids, V), "float32"), upd, true, false)));
  t(`V=${V} tensorScatterUpdate`, () => tf.tensorScatterUpdate(tf.zeros([V, D]), idx2, upd));
}
