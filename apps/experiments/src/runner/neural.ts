/**
 * The seam for the neural stages (train, index, retrieve). The runner owns caching, files and
 * evaluation; a `NeuralStages` implementation only turns inputs into outputs inside the folder it
 * is given. It is looked up, in order: `RunOptions.neural` (tests, notebooks), then the app's
 * `src/systems/neuralStages.ts` (see docs/runner.md). A system it does not implement yet throws
 * "not available yet".
 */
import type { Collection, Run } from "@i3/data";
import type { ExperimentConfig, SystemKind } from "../config/schema.js";

/** Inputs of {@link NeuralStages.train}. */
export interface TrainInputs {
  readonly config: ExperimentConfig;
  readonly system: SystemKind;
  readonly collection: Collection;
  /** Split names (already mapped from `config.splits`). */
  readonly trainSplit: string;
  readonly devSplit: string;
  /** Hard negatives, `qid<TAB>pid1,pid2,...` (the I3 reference format; read with `readNegativesTsv`). */
  readonly negativesFile: string;
  /** Pseudo-queries file when `config.pseudoQueries.kind !== "none"`. */
  readonly pseudoQueriesFile?: string;
  /** Folder to write the checkpoint, tokenizer and training log into. */
  readonly outDir: string;
  log(message: string): void;
}

/** Outputs of {@link NeuralStages.train}; paths relative to `outDir`. */
export interface TrainOutputs {
  readonly checkpoint: string;
  /** JSON lines `{"step": n, "epoch": e, "loss": x, ...}`, plotted by the report when present. */
  readonly trainingLog?: string;
  /** The TensorFlow.js backend that ran (e.g. `wasm`), recorded in environment.json. */
  readonly backend: string;
  readonly summary?: Record<string, unknown>;
}

/** Inputs of {@link NeuralStages.index}. */
export interface IndexInputs {
  readonly config: ExperimentConfig;
  readonly system: SystemKind;
  readonly collection: Collection;
  /** Absolute checkpoint folder from the train stage. */
  readonly checkpointDir: string;
  readonly outDir: string;
  log(message: string): void;
}

/** Outputs of {@link NeuralStages.index}; paths relative to `outDir`. */
export interface IndexOutputs {
  readonly index: string;
  readonly backend: string;
}

/** Inputs of {@link NeuralStages.retrieve}. */
export interface RetrieveInputs {
  readonly config: ExperimentConfig;
  readonly system: SystemKind;
  readonly collection: Collection;
  readonly split: string;
  readonly checkpointDir: string;
  /** Absolute index path from the index stage. */
  readonly indexPath: string;
  /** Documents per query (`config.retrieve.depth`). */
  readonly depth: number;
  log(message: string): void;
}

/** What the coordinator (or a test) plugs in. */
export interface NeuralStages {
  train(inputs: TrainInputs): Promise<TrainOutputs>;
  index(inputs: IndexInputs): Promise<IndexOutputs>;
  /** Returns the run of the split's queries (query id -> doc id -> score). */
  retrieve(inputs: RetrieveInputs): Promise<Run>;
}

/**
 * The default neural stages: the app's own `src/systems/neuralStages.ts` (dual-encoder now),
 * imported lazily so BM25-only runs never load TensorFlow.js.
 */
export async function loadNeuralStages(): Promise<NeuralStages> {
  const module = await import("../systems/neuralStages.js");
  return module.experimentStages;
}
