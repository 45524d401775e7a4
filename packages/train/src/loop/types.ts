/** Options, callbacks and results of {@link train} (see `train.ts`). */
import type { BackendInfo, tf } from "@i3/encoders";
import type { AdamWOptions } from "../optim/adamw.js";
import type { LambOptions } from "../optim/lamb.js";
import type { ParamGroupSpec } from "../params/param-groups.js";
import type { LrSchedule } from "../schedule/schedules.js";
import type { ProgressMode } from "../progress/progress.js";
import type { TrainPosition } from "../checkpoint/checkpoint.js";

/** Where a loss evaluation sits in the run; its seeds are functions of (seed, step, microBatch). */
export interface StepContext {
  /** The optimizer step being computed, 0-based (= optimizer steps already taken = scheduler step). */
  readonly step: number;
  /** Index of this micro-batch within the step (0 .. accumulate-1). */
  readonly microBatch: number;
  readonly epoch: number;
  /** Index of this batch within its epoch. */
  readonly batchIndex: number;
  /**
   * `seedFromCoordinates(runSeed, step, microBatch)` (`@i3/core`): the seed for dropout and any sampling in the loss
   * (e.g. `model.forward(x, { training: true, seed: ctx.seed, step: ctx.step })`).
   */
  readonly seed: number;
  /** Floats in [0, 1) from `@i3/core`'s `mulberry32Float(seed)`, created on first use. */
  random(): number;
  /**
   * Reports a named scalar (e.g. the separate terms of L = L_contrastive + beta * L_rec) for
   * the step's log line: averaged over the micro-batches that report it. A tensor is read
   * synchronously (its value, not its gradient) and not disposed.
   */
  report(name: string, value: number | tf.Tensor): void;
}

/** Computes a micro-batch's scalar loss from the group variables. Must be synchronous (gradients are taped). */
export type LossFn<B> = (batch: B, ctx: StepContext) => tf.Scalar;

/** One optimizer step, as logged (JSONL `event: "step"`) and passed to `onStep`. */
export interface StepRecord {
  /** Optimizer steps taken, this one included (1 for the first). */
  readonly step: number;
  /** Epoch of the step's last micro-batch. */
  readonly epoch: number;
  /** Batches consumed in that epoch after this step. */
  readonly batch: number;
  /** Mean of the micro-batch losses. */
  readonly loss: number;
  /** Learning rate each group used for this update. */
  readonly lr: Readonly<Record<string, number>>;
  /** Global gradient 2-norm before clipping (of the accumulated, averaged gradients). */
  readonly gradNorm: number;
  /** Whether clipping scaled the gradients down. */
  readonly clipped: boolean;
  readonly microBatches: number;
  /** Means of the values reported with `ctx.report` (absent when none were). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Examples in the step (null when they cannot be counted). */
  readonly examples: number | null;
  readonly examplesPerSec: number | null;
  readonly stepsPerSec: number;
}

/** The optimizer of a {@link train} run (see `TrainOptions.optimizer`). */
export type TrainOptimizerOptions = (AdamWOptions & { readonly kind?: "adamw" }) | (LambOptions & { readonly kind: "lamb" });

/** Options of {@link train}. Either `epochs` or `maxSteps` (or both: whichever ends first). */
export interface TrainOptions<B> {
  /** Named parameter groups (per-group lr, weight decay, betas, eps). */
  readonly groups: readonly ParamGroupSpec[];
  /**
   * The optimizer and its defaults for unset group fields: AdamW (`kind` absent or `"adamw"`,
   * PyTorch's defaults) or LAMB (`kind: "lamb"`, torch_optimizer's defaults and variant).
   */
  readonly optimizer?: TrainOptimizerOptions;
  readonly lossFn: LossFn<B>;
  /** The batches of an epoch; must be deterministic per (seed, epoch) for exact resume. Batches should be plain data (the trainer never disposes them). */
  readonly batches: (epoch: number) => Iterable<B> | AsyncIterable<B>;
  readonly epochs?: number;
  readonly maxSteps?: number;
  /** LR multiplier per scheduler step (default constant 1). */
  readonly schedule?: LrSchedule;
  /** Clip the global gradient norm to this (PyTorch `clip_grad_norm_`); off when absent. */
  readonly clipNorm?: number;
  /** Micro-batches per optimizer step (default 1); gradients are averaged. */
  readonly accumulate?: number;
  /** Run seed: loss-side randomness derives from (seed, step, microBatch). */
  readonly seed: number;
  /** JSONL log path; every line records the backend. */
  readonly logFile?: string;
  /** Write a step line every this many steps (default 1). */
  readonly logEvery?: number;
  readonly checkpointDir?: string;
  /** Save every this many steps (and at the end) when `checkpointDir` is set. */
  readonly checkpointEvery?: number;
  /** Checkpoints kept (default 3). */
  readonly keepCheckpoints?: number;
  /**
   * `true`: continue from the newest checkpoint in `checkpointDir` (an error if there is none);
   * `"if-available"`: the same, or a fresh start when there is none; `{ from }`: a given
   * checkpoint directory.
   */
  readonly resume?: boolean | "if-available" | { readonly from: string };
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  /** The selected backend (`await initBackend(...)`); default `currentBackend()`. */
  readonly backendInfo?: BackendInfo;
  /** Default `"auto"` (bar on a TTY, throttled lines otherwise). */
  readonly progress?: ProgressMode;
  /** Plain-line progress interval (default 10 000 ms). */
  readonly progressIntervalMs?: number;
  /** Examples in a batch (default: an array's length, or a numeric `size` field, else uncounted). */
  readonly countExamples?: (batch: B) => number;
  /** Steps per epoch, only for the progress bar's total when `maxSteps` is absent. */
  readonly stepsPerEpoch?: number;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** Where the run stopped. */
  readonly position: TrainPosition;
  /** The steps run by this call (not those before a resume). */
  readonly history: readonly StepRecord[];
  /** The checkpoint this call resumed from. */
  readonly resumedFrom?: string;
  /** The newest checkpoint written by this call. */
  readonly lastCheckpoint?: string;
}
