/**
 * The exact-resume experiment, shared by the js and wasm test files: a run of 2N steps
 * against N steps + resume + N steps (accumulation, clipping, warm-up/decay schedule, seeded
 * dropout, a checkpoint in the middle of an epoch, an epoch whose last step is partial).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendInfo } from "@i3/encoders";
import { expect } from "vitest";
import { linearScheduleWithWarmup, readJsonl, splitNoDecay, train } from "../src/index.js";
import type { TrainOptions } from "../src/index.js";
import { batchesOf, dataset, mlp } from "./problem.js";
import type { Example } from "./problem.js";

const N = 5;
const data = dataset(26); // batches of 4: 7 per epoch (the last has 2); accumulate 2 -> 4 steps per epoch, the last partial

function options(model: ReturnType<typeof mlp>, backendInfo: BackendInfo, extra: Partial<TrainOptions<Example[]>>): TrainOptions<Example[]> {
  return {
    groups: [...splitNoDecay({ name: "body", params: { "fc1.weight": model.params["fc1.weight"]!, "fc1.bias": model.params["fc1.bias"]! }, lr: 0.02, weightDecay: 0.1 }), { name: "head", params: { "fc2.weight": model.params["fc2.weight"]!, "fc2.bias": model.params["fc2.bias"]! }, lr: 0.05 }],
    lossFn: (batch, ctx) => model.lossFn(batch, ctx),
    batches: batchesOf(data, 4, 3),
    maxSteps: 2 * N,
    schedule: linearScheduleWithWarmup({ warmupSteps: 2, totalSteps: 2 * N }),
    clipNorm: 0.5,
    accumulate: 2,
    seed: 1234,
    progress: "off",
    backendInfo,
    ...extra,
  };
}

/** Runs the experiment and asserts identical losses and bitwise-identical weights. */
export async function checkExactResume(backendInfo: BackendInfo): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "i3-train-resume-"));
  try {
    const a = mlp(5, 0.25);
    const full = await train(options(a, backendInfo, { logFile: join(dir, "a.jsonl") }));
    const fullWeights = a.weights();
    a.dispose();

    const b = mlp(5, 0.25);
    const first = await train(options(b, backendInfo, { maxSteps: N, checkpointDir: join(dir, "ckpt"), checkpointEvery: 2, logFile: join(dir, "b.jsonl") }));
    b.dispose();
    expect(first.position).toMatchObject({ step: N, epoch: 1, batchIndex: 2 }); // mid-epoch
    const c = mlp(99, 0.25); // different initial weights: the checkpoint must overwrite them
    const second = await train(options(c, backendInfo, { resume: true, checkpointDir: join(dir, "ckpt"), logFile: join(dir, "b.jsonl") }));
    expect(second.resumedFrom).toMatch(/step-00000005$/);

    const losses = [...first.history, ...second.history].map((r) => r.loss);
    expect(losses).toEqual(full.history.map((r) => r.loss));
    expect([...first.history, ...second.history].map((r) => r.gradNorm)).toEqual(full.history.map((r) => r.gradNorm));
    expect(full.history.some((r) => r.clipped)).toBe(true);
    expect(full.history.map((r) => r.microBatches)).toContain(1); // a partial step at an epoch end
    const resumed = c.weights();
    for (const [name, w] of Object.entries(fullWeights)) expect(Buffer.from(resumed[name]!.buffer).equals(Buffer.from(w.buffer)), name).toBe(true);
    c.dispose();
    expect(second.position).toEqual(full.position);

    // the resumed log reads like the uninterrupted one (same step lines, then the resume marker)
    const steps = (file: string) => readJsonl(join(dir, file)).filter((r) => r.event === "step").map((r) => [r.step, r.epoch, r.batch, r.loss, r.lr]);
    expect(steps("b.jsonl")).toEqual(steps("a.jsonl"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
