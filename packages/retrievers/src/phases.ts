/**
 * Phased training, shared by the dual-encoder and I3 trainers: a phase is one set of training
 * queries (the crop warm-up, then the real queries) with its qrels, hard negatives and epochs,
 * run by `@i3/train`'s loop with a linear warm-up then linear decay (or constant) schedule over
 * the phase's steps. That loop with the optimizer settings and checkpoints ({@link trainPhaseLoop})
 * is every trainer's, the cross-encoder's included, whatever its batches.
 */
import { join } from "node:path";
import { copyFileAtomic } from "@i3/core";
import {
  buildTokenLookup,
  mineHardNegatives,
  TrainingBatcher,
  type Collection,
  type I3Tokenizer,
  type Passage,
  type Qrels,
  type Query,
  type Run,
  type TokenIdLookup,
  type TrainingBatch,
} from "@i3/data";
import type { BackendInfo } from "@i3/encoders";
import { cropQueries } from "@i3/pseudoquery";
import {
  constantScheduleWithWarmup,
  linearScheduleWithWarmup,
  train,
  type LossFn,
  type LrSchedule,
  type ParamGroupSpec,
  type ProgressMode,
  type StepRecord,
  type TrainOptimizerOptions,
} from "@i3/train";
import type { NegativesSettings, OptimizerSettings, TrainSettings } from "./settings.js";
import {
  openTrainingCheckpoints,
  phaseStepsFromLog,
  resumeMessage,
  trainingIdentity,
  type PhaseCheckpoints,
  type ResumePoint,
  type TrainingCheckpointOptions,
} from "./training-checkpoints.js";

/** One training phase (crop warm-up, real queries): these queries, these negatives, these epochs. */
export interface Phase {
  name: string;
  qrels: Qrels;
  negatives: ReadonlyMap<string, readonly string[]>;
  queries: readonly string[];
  queryTokens: TokenIdLookup;
  epochs: number;
}

/** A step record tagged with the training phase it belongs to. */
export type PhaseStep = StepRecord & { phase: string };

/**
 * The crop warm-up phase (`warmup`): one query per passage, a random window of
 * `train.cropWords` words (`@i3/pseudoquery`'s `cropQueries` with `seed`), no mined negatives
 * (the batcher draws random corpus passages), `train.warmupEpochs` epochs. Also returns the crops.
 */
export function cropPhase(
  passages: readonly Passage[],
  tokenizer: I3Tokenizer,
  settings: { train: TrainSettings; model: { queryMaxLength: number } },
  seed: number,
): { phase: Phase; crops: Query[] } {
  const crops = cropQueries(passages, settings.train.cropWords, seed);
  return {
    crops: crops.queries,
    phase: {
      name: "warmup",
      qrels: crops.qrels,
      negatives: crops.negatives,
      queries: crops.queries.map((q) => q.id),
      queryTokens: buildTokenLookup(tokenizer, crops.queries, settings.model.queryMaxLength),
      epochs: settings.train.warmupEpochs,
    },
  };
}

/** Where a trainer's hard negatives come from: a first-stage run to mine, or the negatives themselves. */
export interface NegativesSource {
  /** A first-stage run over the training queries, mined with the `negatives` settings ... */
  firstStageTrainRun?: Run;
  /** ... or the hard negatives themselves (qid -> pids in rank order), e.g. the runner's negatives stage. */
  negatives?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Training queries: those with a positive (grade >= 1) and at least one hard negative, the
 * negatives either given or mined from a first-stage run (ranks `fromRank..toRank`, positives
 * removed, optionally those within `scoreMargin` of the positive's score). `skipped` counts the
 * judged queries left out.
 */
export function positivesAndNegatives(source: NegativesSource, qrels: Qrels, settings: NegativesSettings) {
  let negatives: ReadonlyMap<string, readonly string[]>;
  if (source.negatives !== undefined) negatives = source.negatives;
  else if (source.firstStageTrainRun !== undefined) {
    const { fromRank, toRank, scoreMargin } = settings;
    negatives = mineHardNegatives(source.firstStageTrainRun, qrels, { fromRank, toRank, ...(scoreMargin !== undefined ? { scoreMargin } : {}) }).negatives;
  } else throw new Error("training needs hard negatives or a first-stage run to mine them from");
  const hasPositive = (qid: string) => [...(qrels.get(qid)?.values() ?? [])].some((grade) => grade >= 1);
  const queries = [...negatives.keys()].filter((qid) => (negatives.get(qid)?.length ?? 0) > 0 && hasPositive(qid));
  return { negatives, queries, skipped: qrels.size - queries.length };
}

/**
 * The real-query phase (`queries`): the training queries of `trainSplit` with a positive and
 * hard negatives ({@link positivesAndNegatives}), `train.epochs` epochs. Also returns the split's qrels.
 */
export async function queryPhase(
  collection: Collection,
  trainSplit: string,
  source: NegativesSource,
  tokenizer: I3Tokenizer,
  settings: { train: TrainSettings; model: { queryMaxLength: number }; negatives: NegativesSettings },
  log: (message: string) => void,
): Promise<{ phase: Phase; qrels: Qrels }> {
  const qrels = await collection.qrels(trainSplit);
  const trainQueries = await collection.queries(trainSplit);
  const { negatives, queries, skipped } = positivesAndNegatives(source, qrels, settings.negatives);
  log(`${queries.length} training queries with positives and hard negatives (${skipped} without: skipped)`);
  return {
    qrels,
    phase: {
      name: "queries",
      qrels,
      negatives,
      queries,
      queryTokens: buildTokenLookup(tokenizer, trainQueries, settings.model.queryMaxLength),
      epochs: settings.train.epochs,
    },
  };
}

/** The `@i3/train` optimizer of `optimizer.kind` (AdamW when absent) with the settings' betas and epsilon. */
export function phaseOptimizer(optimizer: OptimizerSettings): TrainOptimizerOptions {
  const defaults = { betas: [optimizer.beta1, optimizer.beta2] as const, eps: optimizer.epsilon };
  return optimizer.kind === "lamb" ? { kind: "lamb", ...defaults } : defaults;
}

/**
 * The lr multiplier over a phase of `totalSteps`: linear warm-up over `optimizer.warmupRatio` of
 * them, then linear decay to 0 (`schedule` absent or `linear`) or constant (`constant`).
 */
export function phaseSchedule(optimizer: OptimizerSettings, totalSteps: number): LrSchedule {
  const warmupSteps = Math.round(optimizer.warmupRatio * totalSteps);
  return optimizer.schedule === "constant" ? constantScheduleWithWarmup({ warmupSteps }) : linearScheduleWithWarmup({ warmupSteps, totalSteps });
}

/**
 * One phase's `@i3/train` run with the optimizer settings every trainer shares: the batches of
 * `batches(epoch)` (`stepsPerEpoch` of them, deterministic per (seed, epoch)) for `epochs`;
 * `optimizer.kind` (AdamW when absent) with `optimizer`'s betas and epsilon
 * ({@link phaseOptimizer}), the schedule of {@link phaseSchedule} over the phase's steps,
 * clipping at `optimizer.clipNorm`; `seed` drives the loss-side randomness (dropout). Returns the
 * step records tagged `phase` (its name). `onStep` is called after each optimizer step, before
 * that step's checkpoint is saved (throwing aborts the phase: tests simulate a crash this way).
 *
 * With `checkpoints` (./training-checkpoints.ts) the phase saves `@i3/train` checkpoints into
 * `checkpoints.dir` every `everySteps` steps and at its end, logs there (`train.jsonl`, copied to
 * `logFile` when the phase is done), and continues from the newest checkpoint found there (a
 * finished phase only restores its weights); its step records are then read back from that log,
 * so they include the steps of the run that was interrupted. Without, `logFile` (if any) is the log.
 */
export async function trainPhaseLoop<B>(args: {
  phase: string;
  groups: ParamGroupSpec[];
  optimizer: OptimizerSettings;
  batches: (epoch: number) => Iterable<B> | AsyncIterable<B>;
  epochs: number;
  stepsPerEpoch: number;
  countExamples: (batch: B) => number;
  lossFn: LossFn<B>;
  seed: number;
  backend?: BackendInfo;
  progress?: ProgressMode;
  logFile?: string;
  checkpoints?: PhaseCheckpoints;
  onStep?: (step: PhaseStep) => void | Promise<void>;
}): Promise<PhaseStep[]> {
  const { optimizer, checkpoints: saving } = args;
  const steps: PhaseStep[] = [];
  const logFile = saving !== undefined ? join(saving.dir, "train.jsonl") : args.logFile;
  const result = await train<B>({
    groups: args.groups,
    optimizer: phaseOptimizer(optimizer),
    batches: args.batches,
    epochs: args.epochs,
    schedule: phaseSchedule(optimizer, args.stepsPerEpoch * args.epochs),
    ...(optimizer.clipNorm !== undefined ? { clipNorm: optimizer.clipNorm } : {}),
    seed: args.seed,
    ...(args.backend !== undefined ? { backendInfo: args.backend } : {}),
    ...(args.progress !== undefined ? { progress: args.progress } : {}),
    ...(logFile !== undefined ? { logFile } : {}),
    ...(saving !== undefined ? { checkpointDir: saving.dir, checkpointEvery: saving.everySteps, keepCheckpoints: 1, resume: "if-available" as const } : {}),
    stepsPerEpoch: args.stepsPerEpoch,
    countExamples: args.countExamples,
    onStep: async (record) => {
      const step = { ...record, phase: args.phase };
      if (saving === undefined) steps.push(step);
      await args.onStep?.(step);
    },
    lossFn: args.lossFn,
  });
  if (saving === undefined || logFile === undefined) return steps;
  if (args.logFile !== undefined) await copyFileAtomic(logFile, args.logFile);
  return phaseStepsFromLog(logFile, args.phase, result.position.step);
}

/**
 * Runs one training phase of the dual-encoder or I3 ({@link trainPhaseLoop}): batches of (query,
 * positive, `perQuery` negatives drawn by `schedule`, random when absent), `batchSize` queries
 * each, from the phase's queries; a JSONL log per phase (`logFile`), checkpoints and resume as
 * {@link trainPhaseLoop}'s. Step records are appended to `steps`. `seed` drives the batches and
 * the loss-side randomness (dropout); `describe` gets the phase's step count for the log line.
 */
export async function trainPhase(args: {
  phase: Phase;
  batching: { perQuery: number; batchSize: number; schedule?: NegativesSettings["schedule"] };
  optimizer: OptimizerSettings;
  seed: number;
  corpusIds: readonly string[];
  passageTokens: TokenIdLookup;
  groups: ParamGroupSpec[];
  lossFn: LossFn<TrainingBatch>;
  backend: BackendInfo;
  logFile: string;
  steps: PhaseStep[];
  log: (message: string) => void;
  describe: (totalSteps: number) => string;
  checkpoints?: PhaseCheckpoints;
  onStep?: (step: PhaseStep) => void | Promise<void>;
}): Promise<void> {
  const { phase, batching } = args;
  const batcher = new TrainingBatcher({
    qrels: phase.qrels,
    negatives: phase.negatives,
    queries: phase.queries,
    negativesPerQuery: batching.perQuery,
    batchSize: batching.batchSize,
    ...(batching.schedule !== undefined ? { schedule: batching.schedule } : {}),
    seed: args.seed,
    corpusIds: args.corpusIds,
    queryTokens: phase.queryTokens,
    passageTokens: args.passageTokens,
  });
  const stepsPerEpoch = Math.ceil(phase.queries.length / batching.batchSize);
  args.log(args.describe(stepsPerEpoch * phase.epochs));
  const steps = await trainPhaseLoop<TrainingBatch>({
    phase: phase.name,
    groups: args.groups,
    optimizer: args.optimizer,
    batches: (epoch) => batcher.batches(epoch),
    epochs: phase.epochs,
    stepsPerEpoch,
    countExamples: (b) => b.qids.length,
    lossFn: args.lossFn,
    seed: args.seed,
    backend: args.backend,
    logFile: args.logFile,
    ...(args.checkpoints !== undefined ? { checkpoints: args.checkpoints } : {}),
    ...(args.onStep !== undefined ? { onStep: args.onStep } : {}),
  });
  args.steps.push(...steps);
}

/** What {@link runPhases} needs of the settings (both trainers' settings have it). */
interface PhasedSettings {
  negatives: Pick<NegativesSettings, "perQuery" | "schedule">;
  train: Pick<TrainSettings, "batchSize" | "checkpointEverySteps">;
  optimizer: OptimizerSettings;
  model: { init?: string | undefined };
}

/** The inputs of a trainer that {@link runPhases} reads. */
export interface PhasedInputs {
  collection: Collection;
  trainSplit: string;
  seed: number;
  workDir: string;
  checkpoints?: TrainingCheckpointOptions;
  onStep?: (step: PhaseStep) => void | Promise<void>;
}

/**
 * The part both trainers share once their phases are built: opens the training checkpoints
 * (with the run's identity; `labels` adds a phase's reconstruction targets to it) and says when
 * it resumes, creates the model, runs every phase through {@link trainPhase} (log
 * `train-<phase>.jsonl` in `workDir`), and frees the model if training throws. `groups`,
 * `describe` and `lossFn` are the trainer's own, per model and phase.
 */
export async function runPhases<P extends Phase, M extends { dispose(): void }>(args: {
  trainer: string;
  caller: string;
  inputs: PhasedInputs;
  settings: PhasedSettings;
  backend: BackendInfo;
  tokenizer: I3Tokenizer;
  corpusIds: readonly string[];
  passageTokens: TokenIdLookup;
  phases: readonly P[];
  labels?: (phase: P) => ReadonlyMap<string, Int32Array>;
  log: (message: string) => void;
  createModel: () => Promise<M>;
  groups: (model: M, phase: P) => ParamGroupSpec[];
  describe: (phase: P, totalSteps: number) => string;
  lossFn: (model: M, phase: P) => LossFn<TrainingBatch>;
}): Promise<{ model: M; steps: PhaseStep[]; trainSeconds: number; resumedFrom?: ResumePoint }> {
  const { inputs, settings, phases, log } = args;
  const saving =
    inputs.checkpoints === undefined
      ? undefined
      : openTrainingCheckpoints({
          options: inputs.checkpoints,
          defaultEverySteps: settings.train.checkpointEverySteps,
          caller: args.caller,
          phases: phases.map((p) => p.name),
          identity: await trainingIdentity({
            trainer: args.trainer,
            seed: inputs.seed,
            trainSplit: inputs.trainSplit,
            settings,
            backend: args.backend.backend,
            collection: inputs.collection,
            tokenizer: args.tokenizer,
            phases: phases.map((phase) => ({ phase, ...(args.labels !== undefined ? { labels: args.labels(phase) } : {}) })),
          }),
        });
  if (saving?.resumeFrom !== undefined) log(resumeMessage(saving.resumeFrom, phases.length));
  const model = await args.createModel();
  const steps: PhaseStep[] = [];
  const started = Date.now();
  try {
    for (const [index, phase] of phases.entries()) {
      await trainPhase({
        phase,
        batching: { perQuery: settings.negatives.perQuery, batchSize: settings.train.batchSize, schedule: settings.negatives.schedule },
        optimizer: settings.optimizer,
        seed: inputs.seed,
        corpusIds: args.corpusIds,
        passageTokens: args.passageTokens,
        groups: args.groups(model, phase),
        backend: args.backend,
        logFile: join(inputs.workDir, `train-${phase.name}.jsonl`),
        steps,
        log,
        ...(saving !== undefined ? { checkpoints: saving.phase(index) } : {}),
        ...(inputs.onStep !== undefined ? { onStep: inputs.onStep } : {}),
        describe: (totalSteps) => args.describe(phase, totalSteps),
        lossFn: args.lossFn(model, phase),
      });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  const resumedFrom = saving?.resumeFrom;
  return { model, steps, trainSeconds: (Date.now() - started) / 1000, ...(resumedFrom !== undefined ? { resumedFrom } : {}) };
}
