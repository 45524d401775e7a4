/**
 * What the dense stages (./stages.ts) need of a dense system: the settings fields they read, and
 * the system's model code (training and checkpoint loading), which each system keeps in its own
 * `model.ts` and the stages import only when they run.
 */
import { join } from "node:path";
import { readNegativesTsv, type Collection, type I3Tokenizer } from "@i3/data";
import type { DistillationRunnerSettings } from "./distillation-settings.js";
import type { IndexSettings } from "./settings.js";
import type { TeacherScoresOutput } from "./teacher-scores-stage.js";
import type { RunSettings } from "../../config/run-settings.js";
import type { BackendInfo, DualEncoder, I3Retriever } from "@i3/encoders";
import type { StageResult, TrainedModelOutput } from "../../runner/stage.js";

/** The settings fields every dense system has (the dense stages read only these). */
export interface DenseSettings {
  readonly negatives: { readonly from: string; readonly fromRank: number; readonly toRank: number; readonly scoreMargin?: number | undefined };
  readonly model: { readonly queryMaxLength: number; readonly passageMaxLength: number };
  readonly index: IndexSettings;
  readonly retrieve: { readonly depth: number };
  readonly train: { readonly checkpointEverySteps: number };
  readonly distillation?: DistillationRunnerSettings | undefined;
}

/** A loaded checkpoint: a model with a query tower and one index vector per passage, its tokenizer, the backend it runs on. */
export interface LoadedBiEncoder {
  readonly model: DualEncoder | I3Retriever;
  readonly tokenizer: I3Tokenizer;
  /** The TensorFlow.js backend description. */
  readonly backend: string;
  /** The TensorFlow.js backend (an inference engine keeps a GPU one). */
  readonly backendInfo: BackendInfo;
}

/** Inputs of {@link DenseModelCode.train}. */
export interface DenseTrainInputs<S> {
  readonly settings: S;
  readonly run: RunSettings;
  readonly collection: Collection;
  /** The train split's name. */
  readonly trainSplit: string;
  /** Hard negatives, `qid<TAB>pid1,pid2,...`. */
  readonly negativesFile: string;
  /** Every upstream result of the train stage by role (a system reads its extra inputs here). */
  readonly inputs: Readonly<Record<string, StageResult>>;
  /** Folder to write `checkpoint/` and the training log into. */
  readonly outDir: string;
  /**
   * The stage's work folder (`StageContext.workDir`): survives a killed process, so training
   * keeps its resumable checkpoints there (`checkpoints/`).
   */
  readonly workDir: string;
  log(message: string): void;
}

/**
 * Settings without the runner's fields (`kind`, `negatives.from`, `index`, `retrieve`,
 * `pseudoQueries`, `distillation.teacher` and `.depth`): what a trainer of `@i3/retrievers` takes.
 */
export type TrainingSettings<S> = Omit<S, "kind" | "index" | "retrieve" | "pseudoQueries" | "negatives" | "distillation"> & {
  negatives: Omit<S extends { negatives: infer N } ? N : never, "from">;
  distillation?: { negatives: number };
};

/**
 * A dense system's settings as its trainer takes them (and as its train stage's key holds them).
 * Without `distillation` the result has no such key, so the keys of configs written before it
 * existed are unchanged; with it, only `distillation.negatives` (the teacher reaches the train
 * stage's hash through the teacher-scores stage).
 */
export function trainingSettings<S extends DenseSettings & { kind: string; pseudoQueries?: unknown }>(settings: S): TrainingSettings<S> {
  const { kind: _kind, index: _index, retrieve: _retrieve, pseudoQueries: _pseudoQueries, negatives, distillation, ...rest } = settings;
  const { from: _from, ...mining } = negatives;
  return { ...rest, negatives: mining, ...(distillation !== undefined ? { distillation: { negatives: distillation.negatives } } : {}) } as unknown as TrainingSettings<S>;
}

/** The arguments every `@i3/retrievers` trainer takes, from the train stage's inputs. */
export async function trainerInputs<S extends DenseSettings & { kind: string; pseudoQueries?: unknown }>(inputs: DenseTrainInputs<S>) {
  // With distillation, the train stage needs the teacher-scores stage (./teacher-scores-stage.ts).
  const scores = inputs.inputs["teacherScores"] as StageResult<TeacherScoresOutput> | undefined;
  const teacherScores = scores !== undefined ? await (await import("@i3/distill")).loadKdTrain(join(scores.dir, scores.output.kdTrain)) : undefined;
  return {
    ...(teacherScores !== undefined ? { teacherScores } : {}),
    collection: inputs.collection,
    trainSplit: inputs.trainSplit,
    negatives: await readNegativesTsv(inputs.negativesFile),
    settings: trainingSettings(inputs.settings),
    seed: inputs.run.seed,
    device: inputs.run.device,
    workDir: join(inputs.outDir, "work"),
    // In the stage's work folder, which outlives a killed run: the next run continues from there.
    checkpoints: { dir: join(inputs.workDir, "checkpoints"), everySteps: inputs.settings.train.checkpointEverySteps },
    log: inputs.log,
  };
}

/** A dense system's model code. */
export interface DenseModelCode<S> {
  /** Trains and saves the checkpoint (with its tokenizer) under `outDir`. */
  train(inputs: DenseTrainInputs<S>): Promise<TrainedModelOutput>;
  /** Loads a checkpoint saved by `train` on `device`. */
  load(checkpointDir: string, settings: S, device: RunSettings["device"]): Promise<LoadedBiEncoder>;
}
