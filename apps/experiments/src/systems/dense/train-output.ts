/**
 * Writing a trained system's outcome into its stage folder: the checkpoint (saved by the system's
 * own `save`), `training-log.jsonl` (one line per optimizer step) and the stage manifest; what
 * train and re-rank stages share (checkpoints, step and re-rank progress lines, a re-ranker's
 * trainer options and saved checkpoint).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { saveTokenizer, type I3Tokenizer } from "@i3/data";
import type { RerankerTrainingOptions } from "@i3/retrievers";
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

/** A re-ranker system's training settings as the runner fills them in (cross-encoder, MICE). */
interface RerankerStageSettings {
  readonly negatives: { readonly perQuery: number };
  readonly optimizer: RerankerTrainingOptions["optimizer"];
  readonly train: { readonly batchSize: number; readonly epochs: number; readonly checkpointEverySteps?: number | undefined };
}

/**
 * The options of a re-ranker trainer (`trainCrossEncoder`, `trainMice`) a train stage passes from
 * its settings: negatives per query, batch, epochs, optimizer, the stage's resumable checkpoints
 * and a step log every 20 steps.
 */
export function rerankerStageTraining(
  settings: RerankerStageSettings,
  seed: number,
  workDir: string,
  log: (message: string) => void,
): Pick<RerankerTrainingOptions, "seed" | "negatives" | "batchSize" | "epochs" | "optimizer" | "checkpoints" | "log" | "onStep"> {
  return {
    seed,
    negatives: settings.negatives.perQuery,
    batchSize: settings.train.batchSize,
    epochs: settings.train.epochs,
    ...(settings.optimizer !== undefined ? { optimizer: settings.optimizer } : {}),
    checkpoints: stageCheckpoints(workDir, settings.train),
    log,
    onStep: logEvery20Steps(log),
  };
}

/** Saves a trained re-ranker (`save` writes the model) with its tokenizer into `outDir/checkpoint` and records its one training phase. */
export async function recordRerankerTraining(
  outDir: string,
  save: (dir: string) => Promise<void>,
  tokenizer: I3Tokenizer,
  trained: { readonly history: readonly StepRecord[]; readonly backend: BackendInfo; readonly started: number },
): Promise<TrainedModelOutput> {
  const dir = join(outDir, "checkpoint");
  await mkdir(outDir, { recursive: true });
  await save(dir);
  await saveTokenizer(tokenizer, dir);
  return recordTraining(outDir, { backend: trained.backend, steps: trained.history.map((s) => ({ ...s, phase: "queries" })), trainSeconds: (Date.now() - trained.started) / 1000 });
}
