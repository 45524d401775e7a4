/**
 * Resume inside training: `trainDualEncoder` / `trainI3` with `checkpoints`, interrupted again
 * and again and continued each time from the same folder, end with exactly what an
 * uninterrupted run gives: every parameter bit for bit, the same step records (all fields but
 * the two wall-clock rates), the same retrieval runs. The interruption is a crash injected
 * through the trainers' `onStep` hook: it throws after optimizer step k of a phase, before that
 * step's checkpoint would be written (so the state after k is lost, as in a `kill -9` there), at
 * steps inside the crop warm-up, at its last step, and inside the real-query phase. The
 * checkpoint interval also changes between attempts (it never changes the result). A folder
 * written by another seed or other settings is refused. The tensor count stays flat across
 * crashes. Tiny model and budget: 80 passages of the embedded collection, a 1x16 encoder, 20
 * warm-up and 6 real-query steps per run.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, type Collection, type Run } from "@i3/data";
import { tf } from "@i3/encoders";
import { bm25Run, buildIndex } from "@i3/search";
import { indexAndRetrieve, trainDualEncoder, trainI3, type PhaseStep, type TrainedDualEncoder, type TrainedI3 } from "../src/index.js";
import { firstPassages, plainRun, tempRoot } from "./helpers.js";

const root = tempRoot("i3-resume-");
let collection: Collection;
let firstStageTrainRun: Run;

const budget = {
  tokenizer: { vocabSize: 400 },
  model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, pooling: "mean", queryMaxLength: 12, passageMaxLength: 24 },
  optimizer: { clipNorm: 1 },
  train: { batchSize: 8, warmupEpochs: 2, epochs: 3 },
} as const;

beforeAll(async () => {
  collection = firstPassages(await resolveDataset("default"), 80);
  firstStageTrainRun = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 30 });
});

type Trained = TrainedDualEncoder | TrainedI3;
/** Runs a trainer with `checkpoints` (when `dir` is given), crashing after `crashAt` if given. */
type Trainer = (args: { workDir: string; dir?: string; everySteps?: number; seed?: number; onStep?: (step: PhaseStep) => void; log?: (m: string) => void }) => Promise<Trained>;

/** sha256 of every parameter's float32 bytes, by name: equal maps = bit-identical weights. */
function weightBits(model: { namedParameters(): { name: string; variable: tf.Variable }[] }): Map<string, string> {
  return new Map(model.namedParameters().map((p) => [p.name, createHash("sha256").update(new Uint8Array((p.variable.dataSync() as Float32Array).slice().buffer)).digest("hex")]));
}

/** A step record without its wall-clock rates (the only fields two runs cannot share). */
function withoutTimings({ examplesPerSec: _e, stepsPerSec: _s, ...rest }: PhaseStep): Omit<PhaseStep, "examplesPerSec" | "stepsPerSec"> {
  return rest;
}

async function devRun(trained: Trained): Promise<unknown> {
  return plainRun((await indexAndRetrieve(trained, { collection, splits: ["dev"], k: 10 })).get("dev")!);
}

/** An `onStep` hook recording the steps run into `ran` and throwing after `crashAt`. */
function crashHook(ran: string[], crashAt?: { phase: string; step: number }) {
  return (step: PhaseStep) => {
    ran.push(`${step.phase} ${step.step}`);
    if (crashAt !== undefined && step.phase === crashAt.phase && step.step === crashAt.step) throw new Error(`simulated crash after ${step.phase} step ${step.step}`);
  };
}

/** `phase from..to` as the list crashHook records. */
function stepRange(phase: string, from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `${phase} ${from + i}`);
}

/** The same checks for both trainers. */
function resumeSuite(name: string, trainer: Trainer) {
  describe(`${name}: resume inside training`, () => {
    it("crashed and resumed four times, ends bit-identical to an uninterrupted run (weights, steps, run)", async () => {
      // The reference: one uninterrupted run without checkpoints.
      const plain = await trainer({ workDir: join(root, name, "plain") });
      const warmupSteps = plain.steps.filter((s) => s.phase === "warmup").length;
      const querySteps = plain.steps.length - warmupSteps;
      expect(warmupSteps).toBeGreaterThanOrEqual(8);
      expect(querySteps).toBeGreaterThanOrEqual(6);
      const reference = { weights: weightBits(plain.model), steps: plain.steps.map(withoutTimings), run: await devRun(plain) };
      plain.model.dispose();
      const tensors = tf.memory().numTensors;

      // Checkpointing alone changes nothing.
      const saved = await trainer({ workDir: join(root, name, "saved"), dir: join(root, name, "saved-checkpoints"), everySteps: 3 });
      expect(saved.resumedFrom).toBeUndefined();
      expect(weightBits(saved.model)).toEqual(reference.weights);
      expect(saved.steps.map(withoutTimings)).toEqual(reference.steps);
      saved.model.dispose();

      // Crash after: warm-up step 4 (resume from 3), warm-up step 7 with the interval now 2 (from 6),
      // the last warm-up step (a checkpoint step: its state is lost, from the one before), query step 2.
      const dir = join(root, name, "checkpoints");
      const crashes = [
        { at: { phase: "warmup", step: 4 }, everySteps: 3 },
        { at: { phase: "warmup", step: 7 }, everySteps: 2 },
        { at: { phase: "warmup", step: warmupSteps }, everySteps: 1 },
        { at: { phase: "queries", step: 2 }, everySteps: 1 },
      ];
      const resumedAt: string[] = [];
      const ran: string[][] = [];
      for (const [i, crash] of crashes.entries()) {
        const logs: string[] = [];
        ran.push([]);
        const attempt = trainer({ workDir: join(root, name, `attempt-${i}`), dir, everySteps: crash.everySteps, onStep: crashHook(ran[i]!, crash.at), log: (m) => logs.push(m) });
        await expect(attempt).rejects.toThrow(/simulated crash/);
        resumedAt.push(logs.find((l) => l.startsWith("resuming")) ?? "fresh");
        expect(tf.memory().numTensors).toBe(tensors);
      }
      const logs: string[] = [];
      ran.push([]);
      const resumed = await trainer({ workDir: join(root, name, "final"), dir, everySteps: 3, onStep: crashHook(ran.at(-1)!), log: (m) => logs.push(m) });
      resumedAt.push(logs.find((l) => l.startsWith("resuming")) ?? "fresh");
      // Each attempt ran only the steps after its checkpoint.
      expect(ran).toEqual([
        stepRange("warmup", 1, 4),
        stepRange("warmup", 4, 7),
        stepRange("warmup", 7, warmupSteps),
        [...stepRange("warmup", warmupSteps, warmupSteps), ...stepRange("queries", 1, 2)],
        stepRange("queries", 2, querySteps),
      ]);
      expect(resumedAt).toEqual([
        "fresh",
        "resuming from phase warmup (1 of 2) step 3",
        "resuming from phase warmup (1 of 2) step 6",
        `resuming from phase warmup (1 of 2) step ${warmupSteps - 1}`,
        "resuming from phase queries (2 of 2) step 1",
      ]);
      expect(resumed.resumedFrom).toMatchObject({ phase: "queries", phaseIndex: 1, step: 1 });

      expect(weightBits(resumed.model)).toEqual(reference.weights);
      expect(resumed.steps.map(withoutTimings)).toEqual(reference.steps);
      expect(await devRun(resumed)).toEqual(reference.run);
      resumed.model.dispose();
      expect(tf.memory().numTensors).toBe(tensors);

      // A folder written by another seed, or other settings, is refused (the interval is not a setting that counts).
      await expect(trainer({ workDir: join(root, name, "other-seed"), dir, seed: 12 })).rejects.toThrow(/different training run.*seed: 11 -> 12/);
      expect(tf.memory().numTensors).toBe(tensors);
    }, 300_000);
  });
}

resumeSuite("dual-encoder", ({ workDir, dir, everySteps, seed, onStep, log }) =>
  trainDualEncoder({
    collection,
    trainSplit: "train",
    firstStageTrainRun,
    settings: budget,
    seed: seed ?? 11,
    device: "wasm",
    workDir,
    log: log ?? (() => {}),
    ...(onStep !== undefined ? { onStep } : {}),
    ...(dir !== undefined ? { checkpoints: { dir, ...(everySteps !== undefined ? { everySteps } : {}) } } : {}),
  }),
);

resumeSuite("i3", ({ workDir, dir, everySteps, seed, onStep, log }) =>
  trainI3({
    collection,
    trainSplit: "train",
    firstStageTrainRun,
    settings: {
      ...budget,
      i3: { slots: 6, warmupFreezeBackbone: true },
      losses: { reconstruction: { weight: 1 } },
      optimizer: { ...budget.optimizer, headLrMultiplier: 10 },
    },
    seed: seed ?? 11,
    device: "wasm",
    workDir,
    log: log ?? (() => {}),
    ...(onStep !== undefined ? { onStep } : {}),
    ...(dir !== undefined ? { checkpoints: { dir, ...(everySteps !== undefined ? { everySteps } : {}) } } : {}),
  }),
);

describe("refusing another run's checkpoints", () => {
  it("names the settings that differ", async () => {
    const dir = join(root, "refuse");
    const run = (lr: number) =>
      trainDualEncoder({
        collection,
        trainSplit: "train",
        firstStageTrainRun,
        settings: { ...budget, optimizer: { lr }, train: { ...budget.train, warmupEpochs: 1, epochs: 0 } },
        seed: 1,
        device: "wasm",
        workDir: join(root, "refuse-work"),
        log: () => {},
        checkpoints: { dir, everySteps: 100 },
      });
    (await run(1e-3)).model.dispose();
    await expect(run(2e-3)).rejects.toThrow(/refusing to continue from them \(settings\.optimizer\.lr: 0\.001 -> 0\.002\)/);
  }, 120_000);
});
