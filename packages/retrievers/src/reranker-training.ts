/**
 * What training a re-ranker on query groups shares between the cross-encoder (LCE,
 * `cross-encoder.ts`) and MICE (distillation, `mice.ts`): the options (negatives per query,
 * batch, epochs, the cross-encoder's optimizer settings, log file, resumable checkpoints,
 * callbacks), their checks and defaults, the result, the passage lookup with its error, and the
 * one-phase checkpoint folder (`0-queries`) with its resume message.
 */
import { z } from "zod";
import { passageText, type I3Tokenizer, type Passage } from "@i3/data";
import type { PhaseStep } from "./phases.js";
import { crossEncoderOptimizerSettingsSchema, DEFAULT_CHECKPOINT_EVERY_STEPS, parseSettings, type CrossEncoderOptimizerSettings, type CrossEncoderOptimizerSettingsInput } from "./settings.js";
import { openTrainingCheckpoints, resumeMessage, type PhaseCheckpoints, type ResumePoint, type TrainingCheckpointOptions } from "./training-checkpoints.js";

/** The options every re-ranker trainer takes. */
export interface RerankerTrainingOptions {
  tokenizer: I3Tokenizer;
  /** Passage lookup by id. */
  passages: ReadonlyMap<string, Passage>;
  /** Seeds sampling, query order and dropout. */
  seed: number;
  /** Negatives per query (n; each query's group is 1 positive + n negatives). Default 7. */
  negatives?: number;
  /** Queries per optimizer step. Default 8. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /**
   * The optimizer: the dual-encoder's settings (`kind`, `lr`, `weightDecay`, `beta1`, `beta2`,
   * `epsilon`, `warmupRatio`, `schedule`, `clipNorm`), `lr` 2e-5 by default
   * (`crossEncoderOptimizerSettingsSchema`). Default: AdamW, lr 2e-5, weight decay 0.01, a linear
   * warm-up over 10% of the steps, then linear decay to 0.
   */
  optimizer?: CrossEncoderOptimizerSettingsInput;
  /** JSONL training log (one line per step). */
  logFile?: string;
  /**
   * Save the training state into `checkpoints.dir` every `checkpoints.everySteps` optimizer steps
   * (default 100) and at the end, and continue from the checkpoint found there at start,
   * bit-identical to an uninterrupted run (same weights, same `history`). A folder written by
   * another run (other inputs, seed, start weights or backend) is refused. `model` must then be
   * what the interrupted run started from (e.g. created again from the same seed).
   */
  checkpoints?: TrainingCheckpointOptions;
  /** Progress lines (the resume); default stderr. */
  log?: (message: string) => void;
  /** Called after each optimizer step, before that step's checkpoint; throwing aborts training. */
  onStep?: (step: PhaseStep) => void | Promise<void>;
}

/** What a re-ranker trainer did. */
export interface TrainedReranker {
  /** One record per optimizer step (phase `queries`); after a resume, those of the interrupted runs too. */
  history: readonly PhaseStep[];
  /** The checkpoint this call continued from (with `checkpoints`). */
  resumedFrom?: ResumePoint;
}

/** The one phase of re-ranker training (its checkpoint folder is `0-queries`). */
export const RERANKER_PHASE = "queries";

/** The checked options with their defaults; `caller` names the trainer in errors and log lines. */
export function rerankerTrainingSettings(
  inputs: RerankerTrainingOptions,
  caller: string,
  logPrefix: string,
): { negatives: number; batchSize: number; epochs: number; optimizer: CrossEncoderOptimizerSettings; log: (message: string) => void } {
  const negatives = inputs.negatives ?? 7;
  const batchSize = inputs.batchSize ?? 8;
  if (!Number.isInteger(negatives) || negatives < 1) throw new RangeError(`${caller}: negatives must be a positive integer, got ${negatives}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${caller}: batchSize must be a positive integer, got ${batchSize}`);
  const { optimizer } = parseSettings(z.strictObject({ optimizer: crossEncoderOptimizerSettingsSchema }), { optimizer: inputs.optimizer });
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[${logPrefix}] ${m}\n`));
  return { negatives, batchSize, epochs: inputs.epochs ?? 1, optimizer, log };
}

/** A passage's text by id; an id the corpus lacks throws naming the caller, the passage and its query. */
export function passageTextLookup(passages: ReadonlyMap<string, Passage>, caller: string): (id: string, qid: string) => string {
  return (id, qid) => {
    const p = passages.get(id);
    if (p === undefined) throw new Error(`${caller}: passage ${JSON.stringify(id)} of query ${JSON.stringify(qid)} is not in the corpus`);
    return passageText(p);
  };
}

/**
 * The checkpoint folder of a re-ranker's one phase, opened when `inputs.checkpoints` is set
 * (`identity` = what must match to resume), with the resume logged; undefined otherwise.
 */
export function openRerankerCheckpoints(
  inputs: RerankerTrainingOptions,
  caller: string,
  identity: Record<string, unknown>,
  log: (message: string) => void,
): { phase: PhaseCheckpoints; resumeFrom: ResumePoint | undefined } | undefined {
  if (inputs.checkpoints === undefined) return undefined;
  const opened = openTrainingCheckpoints({ options: inputs.checkpoints, defaultEverySteps: DEFAULT_CHECKPOINT_EVERY_STEPS, caller, phases: [RERANKER_PHASE], identity });
  if (opened.resumeFrom !== undefined) log(resumeMessage(opened.resumeFrom, 1));
  return { phase: opened.phase(0), resumeFrom: opened.resumeFrom };
}

/** The options of `trainPhaseLoop` a re-ranker passes through: its log file, checkpoints and step callback, when set. */
export function rerankerLoopHooks(
  inputs: RerankerTrainingOptions,
  saving: { phase: PhaseCheckpoints } | undefined,
): { logFile?: string; checkpoints?: PhaseCheckpoints; onStep?: (step: PhaseStep) => void | Promise<void> } {
  return {
    ...(inputs.logFile !== undefined ? { logFile: inputs.logFile } : {}),
    ...(saving !== undefined ? { checkpoints: saving.phase } : {}),
    ...(inputs.onStep !== undefined ? { onStep: inputs.onStep } : {}),
  };
}

/** The result of a trainer: its history and, after a resume, where it continued from. */
export function trainedReranker(history: readonly PhaseStep[], saving: { resumeFrom: ResumePoint | undefined } | undefined): TrainedReranker {
  const resumedFrom = saving?.resumeFrom;
  return { history, ...(resumedFrom !== undefined ? { resumedFrom } : {}) };
}
