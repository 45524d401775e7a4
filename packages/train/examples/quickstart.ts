// Run from the repository root:
//   node --conditions=@i3/source --import tsx packages/train/examples/quickstart.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend, tf } from "@i3/encoders";
import { linearScheduleWithWarmup, train } from "@i3/train";

const backendInfo = await initBackend({ device: "auto" });
// Linear regression y = 2 x0 - 3 x1 + 0.5 on 64 examples, batches of 8 (deterministic per epoch).
const data = Array.from({ length: 64 }, (_, i) => ({ x: [Math.sin(i), Math.cos(3 * i)], y: 2 * Math.sin(i) - 3 * Math.cos(3 * i) + 0.5 }));
const weight = tf.variable(tf.zeros([2, 1]));
const bias = tf.variable(tf.zeros([1]));
const runDir = mkdtempSync(join(tmpdir(), "i3-train-example-"));

const result = await train({
  groups: [{ name: "linear", params: { weight, bias }, lr: 0.1, weightDecay: 0 }],
  batches: function* () {
    for (let i = 0; i < data.length; i += 8) yield data.slice(i, i + 8);
  },
  lossFn: (batch) => {
    const pred = tf.add(tf.matMul(tf.tensor2d(batch.map((e) => e.x)), weight), bias);
    return tf.mean(tf.square(tf.sub(pred, tf.tensor2d(batch.map((e) => [e.y]))))) as tf.Scalar;
  },
  epochs: 50,
  schedule: linearScheduleWithWarmup({ warmupSteps: 20, totalSteps: 400 }),
  clipNorm: 1,
  seed: 0,
  logFile: join(runDir, "train.jsonl"), // one JSON line per step, each with the backend
  checkpointDir: join(runDir, "checkpoints"), // resume: true continues exactly from the newest
  checkpointEvery: 100,
  backendInfo,
});
console.log(`loss ${result.history.at(-1)!.loss.toExponential(2)} w [${weight.dataSync().join(", ")}] b ${bias.dataSync()[0]}`);
