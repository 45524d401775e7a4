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
