import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeBackend, tf } from "@i3/encoders";
import { afterAll, describe, expect, it } from "vitest";
import { seedFromCoordinates } from "@i3/core";
import { listCheckpoints, loadCheckpoint, readJsonl, train } from "../src/index.js";
import type { StepContext } from "../src/index.js";
import { batchesOf, dataset, mlp } from "./problem.js";
import { useBackend } from "./setup.js";

const backend = useBackend("js");
const dir = mkdtempSync(join(tmpdir(), "i3-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = dataset(24);

describe("train", () => {
  it("lowers the loss of a 2-layer MLP and writes a JSONL log whose every line records the backend", async () => {
    const model = mlp(1);
    const logFile = join(dir, "basic.jsonl");
    const before = model.weights();
    const result = await train({
      groups: [{ name: "all", params: model.params, lr: 0.05 }],
      lossFn: (b, ctx) => model.lossFn(b, ctx),
      batches: batchesOf(data, 8, 1),
      epochs: 6,
      seed: 1,
      logFile,
      progress: "off",
      backendInfo: backend.info(),
    });
    expect(result.history).toHaveLength(18); // 3 batches x 6 epochs
    expect(result.position).toEqual({ step: 18, epoch: 6, batchIndex: 0, examplesSeen: 144 });
    const losses = result.history.map((r) => r.loss);
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]!);
    expect(Array.from(model.weights()["fc1.weight"]!)).not.toEqual(Array.from(before["fc1.weight"]!));
    const lines = readJsonl(logFile);
    const described = describeBackend(backend.info());
    for (const line of lines) expect(line.backend).toBe(described);
    expect(lines[0]).toMatchObject({ event: "start", step: 0, seed: 1, accumulate: 1 });
    expect(lines.at(-1)).toMatchObject({ event: "end", step: 18 });
    const steps = lines.filter((l) => l.event === "step");
    expect(steps).toHaveLength(18);
    expect(steps[0]).toMatchObject({ step: 1, epoch: 0, batch: 1, lr: { all: 0.05 }, microBatches: 1, examples: 8, clipped: false });
    for (const k of ["loss", "gradNorm", "examplesPerSec", "stepsPerSec", "time"]) expect(steps[0]).toHaveProperty(k);
    expect(steps[2]).toMatchObject({ step: 3, epoch: 0, batch: 3 });
    model.dispose();
  });

  it("passes seeds derived from (seed, step, microBatch) and applies the schedule per group", async () => {
    const model = mlp(2);
    const seen: StepContext[] = [];
    const lrs: Record<string, number>[] = [];
    await train({
      groups: [
        { name: "body", params: { w: model.params["fc1.weight"]!, b: model.params["fc1.bias"]! }, lr: 1e-3 },
        { name: "head", params: { w2: model.params["fc2.weight"]!, b2: model.params["fc2.bias"]! }, lr: 5e-2 },
      ],
      lossFn: (b, ctx) => {
        seen.push(ctx);
        ctx.report("size", b.length);
        const loss = model.lossFn(b, ctx);
        ctx.report("twice", tf.mul(loss, 2));
        return loss;
      },
      batches: batchesOf(data, 4, 2), // 6 batches
      maxSteps: 3,
      accumulate: 2,
      schedule: (s) => [0.5, 1, 0.25][s]!,
      seed: 77,
      progress: "off",
      onStep: (r) => {
        lrs.push(r.lr);
        expect(r.metrics!.size).toBe(4);
        expect(r.metrics!.twice).toBeCloseTo(2 * r.loss, 5);
      },
      backendInfo: backend.info(),
    });
    expect(seen.map((c) => [c.step, c.microBatch, c.epoch, c.batchIndex])).toEqual([
      [0, 0, 0, 0], [0, 1, 0, 1], [1, 0, 0, 2], [1, 1, 0, 3], [2, 0, 0, 4], [2, 1, 0, 5],
    ]);
    expect(seen.map((c) => c.seed)).toEqual(seen.map((c) => seedFromCoordinates(77, c.step, c.microBatch)));
    expect(new Set(seen.map((c) => c.seed)).size).toBe(6);
    expect(lrs).toEqual([{ body: 5e-4, head: 2.5e-2 }, { body: 1e-3, head: 5e-2 }, { body: 2.5e-4, head: 1.25e-2 }]);
    model.dispose();
  });

  it("accepts async batch iterables, never lets a step span epochs, and checkpoints atomically keeping the last K", async () => {
    const model = mlp(3);
    const ckpt = join(dir, "keep");
    const micro: number[] = [];
    const result = await train({
      groups: [{ name: "all", params: model.params, lr: 0.01 }],
      batches: async function* (epoch) {
        yield* batchesOf(data, 5, 4)(epoch); // 5 batches per epoch (the last has 4 examples)
      },
      lossFn: (b, ctx) => model.lossFn(b, ctx),
      epochs: 3,
      accumulate: 2, // steps of 2, 2, 1 micro-batches per epoch
      seed: 5,
      checkpointDir: ckpt,
      checkpointEvery: 2,
      keepCheckpoints: 2,
      progress: "off",
      onStep: (r) => void micro.push(r.microBatches),
      backendInfo: backend.info(),
    });
    expect(micro).toEqual([2, 2, 1, 2, 2, 1, 2, 2, 1]);
    expect(result.position).toEqual({ step: 9, epoch: 3, batchIndex: 0, examplesSeen: 72 });
    // saved at 2, 4, 6, 8 and at the end (9); the last two are kept
    expect(listCheckpoints(ckpt).map((c) => c.step)).toEqual([8, 9]);
    expect(readdirSync(ckpt).sort()).toEqual(["step-00000008", "step-00000009"]); // no temp leftovers
    const loaded = loadCheckpoint(result.lastCheckpoint!);
    expect(loaded.manifest.position).toEqual(result.position);
    expect(loaded.manifest.rng.seed).toBe(5);
    expect(loaded.manifest.optimizer.steps).toEqual({ "fc1.weight": 9, "fc1.bias": 9, "fc2.weight": 9, "fc2.bias": 9 });
    expect(Array.from(loaded.weights.get("fc2.bias")!.data)).toEqual(Array.from(model.params["fc2.bias"]!.dataSync()));
    const manifest = JSON.parse(readFileSync(join(result.lastCheckpoint!, "manifest.json"), "utf8"));
    expect(manifest.weights).toEqual({ file: "weights.safetensors", params: ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"] });
    model.dispose();
  });

  it("resume: 'if-available' starts fresh without a checkpoint; bad resumes fail clearly", async () => {
    const model = mlp(4);
    const ckpt = join(dir, "resume-errors");
    const base = {
      groups: [{ name: "all", params: model.params, lr: 0.01 }],
      lossFn: (b: ReturnType<typeof data.slice>, ctx: StepContext) => model.lossFn(b, ctx),
      batches: batchesOf(data, 8, 1),
      seed: 9,
      progress: "off" as const,
      checkpointDir: ckpt,
      backendInfo: backend.info(),
    };
    await expect(train({ ...base, maxSteps: 1, resume: true })).rejects.toThrow(/has no checkpoint/);
    const r = await train({ ...base, maxSteps: 2, resume: "if-available" });
    expect(r.resumedFrom).toBeUndefined();
    expect(existsSync(join(ckpt, "step-00000002", "manifest.json"))).toBe(true);
    await expect(train({ ...base, seed: 10, maxSteps: 3, resume: true })).rejects.toThrow(/seed 9, this run has seed 10/);
    const other = mlp(5);
    const renamed = { "fc1.weight": other.params["fc1.weight"]!, extra: other.params["fc1.bias"]! };
    await expect(train({ ...base, groups: [{ name: "all", params: renamed, lr: 0.01 }], maxSteps: 3, resume: true })).rejects.toThrow(/missing: extra; unexpected: fc1.bias, fc2.bias, fc2.weight/);
    const wrongShape = tf.variable(tf.zeros([3, 3]));
    await expect(train({ ...base, groups: [{ name: "all", params: { ...model.params, "fc2.weight": wrongShape }, lr: 0.01 }], maxSteps: 3, resume: true })).rejects.toThrow(/"fc2.weight" has shape \[8, 3\], the model has \[3, 3\]/);
    // an explicit checkpoint path, and a sparser log
    const logFile = join(dir, "explicit.jsonl");
    const r2 = await train({ ...base, checkpointDir: undefined, maxSteps: 3, resume: { from: join(ckpt, "step-00000002") }, logFile, logEvery: 2 });
    expect(r2.resumedFrom).toBe(join(ckpt, "step-00000002"));
    expect(r2.history.map((h) => h.step)).toEqual([3]);
    expect(readJsonl(logFile).map((l) => [l.event, l.step])).toEqual([["resume", 2], ["step", 3], ["end", 3]]); // step 3 = maxSteps is always logged
    // a batches function that is not deterministic is caught on resume
    await expect(train({ ...base, batches: (e) => (e === 0 ? [] : batchesOf(data, 8, 1)(e)), maxSteps: 3, resume: true })).rejects.toThrow(/yielded only 0 batches, but the checkpoint had consumed 2/);
    tf.dispose(wrongShape);
    other.dispose();
    model.dispose();
  });

  it("rejects bad options with clear errors and stops on a non-finite loss", async () => {
    const model = mlp(6);
    const before = tf.memory().numTensors;
    const base = { groups: [{ name: "all", params: model.params, lr: 0.01 }], lossFn: (b: typeof data, ctx: StepContext) => model.lossFn(b, ctx), batches: batchesOf(data, 8, 1), seed: 1, progress: "off" as const, backendInfo: backend.info() };
    await expect(train({ ...base })).rejects.toThrow(/give epochs or maxSteps/);
    await expect(train({ ...base, maxSteps: 1, accumulate: 0 })).rejects.toThrow(/accumulate must be an integer >= 1/);
    await expect(train({ ...base, maxSteps: 1, clipNorm: -1 })).rejects.toThrow(/clipNorm must be a finite number > 0/);
    await expect(train({ ...base, maxSteps: 1, checkpointEvery: 2 })).rejects.toThrow(/checkpointEvery needs checkpointDir/);
    await expect(train({ ...base, maxSteps: 1, resume: true })).rejects.toThrow(/needs checkpointDir/);
    await expect(train({ ...base, epochs: 1, batches: () => [] })).rejects.toThrow(/batches\(0\) yielded no batches/);
    await expect(train({ ...base, epochs: 1, batches: () => 5 as never })).rejects.toThrow(/must return an Iterable or AsyncIterable/);
    await expect(train({ ...base, maxSteps: 2, lossFn: (b, ctx) => tf.mul(model.lossFn(b, ctx), NaN) })).rejects.toThrow(/non-finite loss NaN at step 1/);
    await expect(train({ ...base, maxSteps: 2, lossFn: () => tf.scalar(1) })).rejects.toThrow(/does not depend on any parameter of the groups/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
