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

/** The default case: 26 examples in batches of 4 = 7 batches per epoch; accumulate 2 -> 4 steps per epoch, the last partial; stop at step 5 = mid-epoch 1. */
export interface ResumeCase {
  readonly examples: number;
  readonly n: number;
  /** Where the first half must stop. */
  readonly position: { step: number; epoch: number; batchIndex: number };
}

export const MID_EPOCH: ResumeCase = { examples: 26, n: 5, position: { step: 5, epoch: 1, batchIndex: 2 } };

function options(data: readonly Example[], N: number, model: ReturnType<typeof mlp>, backendInfo: BackendInfo, extra: Partial<TrainOptions<Example[]>>): TrainOptions<Example[]> {
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
export async function checkExactResume(backendInfo: BackendInfo, c: ResumeCase = MID_EPOCH): Promise<void> {
  const N = c.n;
  const data = dataset(c.examples);
  const dir = mkdtempSync(join(tmpdir(), "i3-train-resume-"));
  try {
    const a = mlp(5, 0.25);
    const full = await train(options(data, N, a, backendInfo, { logFile: join(dir, "a.jsonl") }));
    const fullWeights = a.weights();
    a.dispose();

    const b = mlp(5, 0.25);
    const first = await train(options(data, N, b, backendInfo, { maxSteps: N, checkpointDir: join(dir, "ckpt"), checkpointEvery: 2, logFile: join(dir, "b.jsonl") }));
    b.dispose();
    expect(first.position).toMatchObject(c.position);
    const d = mlp(99, 0.25); // different initial weights: the checkpoint must overwrite them
    const second = await train(options(data, N, d, backendInfo, { resume: true, checkpointDir: join(dir, "ckpt"), logFile: join(dir, "b.jsonl") }));
    expect(second.resumedFrom).toMatch(new RegExp(`step-0*${N}$`));

    const losses = [...first.history, ...second.history].map((r) => r.loss);
    expect(losses).toEqual(full.history.map((r) => r.loss));
    expect([...first.history, ...second.history].map((r) => r.gradNorm)).toEqual(full.history.map((r) => r.gradNorm));
    expect(full.history.some((r) => r.clipped)).toBe(true);
    if (c.examples % 8 !== 0) expect(full.history.map((r) => r.microBatches)).toContain(1); // a partial step at an epoch end
    const resumed = d.weights();
    for (const [name, w] of Object.entries(fullWeights)) expect(Buffer.from(resumed[name]!.buffer).equals(Buffer.from(w.buffer)), name).toBe(true);
    d.dispose();
    expect(second.position).toEqual(full.position);

    // the resumed log reads like the uninterrupted one (same step lines, then the resume marker)
    const steps = (file: string) => readJsonl(join(dir, file)).filter((r) => r.event === "step").map((r) => [r.step, r.epoch, r.batch, r.loss, r.lr]);
    expect(steps("b.jsonl")).toEqual(steps("a.jsonl"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
