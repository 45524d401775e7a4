/**
 * Writing a dense system's training outcome into its stage folder: the checkpoint (saved by the
 * system's own `save`), `training-log.jsonl` (one line per optimizer step) and the stage manifest.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { describeBackend, type BackendInfo } from "@i3/encoders";
import type { StepRecord } from "@i3/train";
import type { TrainedModelOutput } from "../../runner/stage.js";

/** What a trainer of `@i3/retrievers` returns (the fields the stage records). */
export interface TrainingOutcome {
  readonly backend: BackendInfo;
  readonly steps: readonly (StepRecord & { phase: string })[];
  readonly trainSeconds: number;
}

/** Writes the training log and returns the train stage's output (checkpoint folder `checkpoint/`). */
export async function recordTraining(outDir: string, trained: TrainingOutcome): Promise<TrainedModelOutput> {
  const lines = trained.steps.map((s, i) => JSON.stringify({ step: i + 1, phase: s.phase, epoch: s.epoch, loss: s.loss, lr: s.lr, ...s.metrics }));
  await writeFileAtomic(join(outDir, "training-log.jsonl"), lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return {
    checkpoint: "checkpoint",
    trainingLog: "training-log.jsonl",
    backend: describeBackend(trained.backend),
    summary: { steps: trained.steps.length, trainSeconds: trained.trainSeconds, finalLoss: trained.steps.at(-1)?.loss ?? null },
  };
}

/**
 * A train stage's resumable checkpoints: in its work folder (which outlives a killed run, so the
 * next run continues from there), every `train.checkpointEverySteps` steps when set.
 */
export function stageCheckpoints(workDir: string, train: { readonly checkpointEverySteps?: number | undefined }): { dir: string; everySteps?: number } {
  return { dir: join(workDir, "checkpoints"), ...(train.checkpointEverySteps !== undefined ? { everySteps: train.checkpointEverySteps } : {}) };
}

/** An `onStep` that logs step, epoch and loss every 20th optimizer step. */
export function logEvery20Steps(log: (message: string) => void): (s: { readonly step: number; readonly epoch: number; readonly loss: number }) => void {
  return (s) => {
    if (s.step % 20 === 0) log(`step ${s.step} epoch ${s.epoch} loss ${s.loss.toFixed(4)}`);
  };
}

/**
 * Progress of a re-rank stage: after each query, a line `re-ranked D/T queries (R queries/s)` at
 * every tenth of `total` and at the end.
 */
export function rerankProgress(total: number, log: (message: string) => void): (done: number) => void {
  const started = Date.now();
  let next = 0;
  return (done) => {
    if (done >= next || done === total) {
      const seconds = (Date.now() - started) / 1000;
      log(`re-ranked ${done}/${total} queries (${(done / Math.max(seconds, 1e-9)).toFixed(1)} queries/s)`);
      next = done + Math.max(1, Math.ceil(total / 10));
    }
  };
}
