import { tf } from "@i3/encoders";
import { describe, expect, it } from "vitest";
import { linearScheduleWithWarmup, train } from "../src/index.js";
import { batchesOf, dataset, mlp } from "./problem.js";
import { useBackend } from "./setup.js";

const backend = useBackend("js");

describe("tensor hygiene", () => {
  it.each([
    ["with clipping", 0.1],
    ["without clipping (the global norm is still measured)", undefined],
  ])("tf.memory().numTensors stays flat across 20 steps (accumulation, dropout) %s and returns to its start value", async (_, clipNorm) => {
    const model = mlp(8, 0.2);
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    await train({
      groups: [{ name: "all", params: model.params, lr: 0.01 }],
      lossFn: (b, ctx) => model.lossFn(b, ctx),
      batches: batchesOf(dataset(40), 4, 1), // 10 batches per epoch, 5 steps of 2
      maxSteps: 20,
      accumulate: 2,
      ...(clipNorm !== undefined ? { clipNorm } : {}),
      schedule: linearScheduleWithWarmup({ warmupSteps: 3, totalSteps: 20 }),
      seed: 3,
      progress: "off",
      onStep: (r) => {
        expect(r.clipped).toBe(clipNorm !== undefined);
        counts.push(tf.memory().numTensors);
      },
      backendInfo: backend.info(),
    });
    expect(counts).toHaveLength(20);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });
});
