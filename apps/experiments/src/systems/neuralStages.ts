/**
 * The runner's neural stages (see ../runner/neural.ts and docs/runner.md) for the dual-encoder
 * and the I3 retriever, on `@i3/retrievers`: `train` maps the config onto the system's settings,
 * trains, and writes a Hugging Face-layout checkpoint (config.json, model.safetensors, tokenizer
 * files) and a training log; `index` encodes the corpus into an `@i3/search` dense index folder
 * (I3: p*, the whole passage side, runs here once per passage); `retrieve` encodes a split's
 * queries and searches the index, identically for both systems.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readNegativesTsv, type Run } from "@i3/data";
import { describeBackend } from "@i3/encoders";
import { readGeneratedTsv } from "@i3/pseudoquery";
import {
  buildDenseIndex,
  loadDualEncoderCheckpoint,
  loadI3Checkpoint,
  retrieveDense,
  saveDualEncoderCheckpoint,
  saveI3Checkpoint,
  startBackend,
  trainDualEncoder,
  trainI3,
  type DualEncoderSettingsInput,
  type I3SettingsInput,
} from "@i3/retrievers";
import { DenseIndex } from "@i3/search";
import type { ExperimentConfig, SystemKind } from "../config/schema.js";
import type { IndexInputs, IndexOutputs, NeuralStages, RetrieveInputs, TrainInputs, TrainOutputs } from "../runner/neural.js";
import { NotAvailableError } from "../runner/stage.js";

/**
 * Config settings the neural stages do not implement yet, when set to anything but their
 * defaults: an error lists them, so that no run silently ignores what its config asks for.
 */
export function unsupportedNeuralSettings(config: ExperimentConfig): string[] {
  const { losses, optimizer, negatives, train } = config;
  const out: string[] = [];
  if (losses.contrastive === undefined) out.push("training without losses.contrastive");
  else {
    if (losses.contrastive.weight !== 1) out.push(`losses.contrastive.weight ${losses.contrastive.weight}`);
    if (!losses.contrastive.inBatchNegatives) out.push("losses.contrastive.inBatchNegatives false");
  }
  if (losses.klDistillation !== undefined) out.push("losses.klDistillation");
  if (losses.marginMse !== undefined) out.push("losses.marginMse");
  if (optimizer.schedule !== "linear") out.push(`optimizer.schedule "${optimizer.schedule}"`);
  if (negatives.schedule !== "random") out.push(`negatives.schedule "${negatives.schedule}"`);
  if (train.maxSteps !== undefined) out.push("train.maxSteps");
  return out;
}

/** The dual-encoder settings (`@i3/retrievers`) of an experiment config; the names are the config's. */
export function dualEncoderSettingsFromConfig(config: ExperimentConfig): DualEncoderSettingsInput {
  const unsupported = unsupportedNeuralSettings(config);
  if (unsupported.length > 0) throw new NotAvailableError(`not available yet in the runner's neural stages: ${unsupported.join("; ")}`);
  const { tokenizer, model, negatives, optimizer, train } = config;
  return {
    tokenizer: { kind: tokenizer.kind, vocabSize: tokenizer.vocabSize, lowercase: tokenizer.lowercase, ...(tokenizer.kind === "hf" && tokenizer.path !== undefined ? { path: tokenizer.path } : {}) },
    model: {
      preset: model.preset,
      sharedTowers: model.sharedTowers,
      pooling: model.pooling,
      queryMaxLength: model.queryMaxLength,
      passageMaxLength: model.passageMaxLength,
      ...(model.init !== undefined ? { init: model.init } : {}),
    },
    negatives: {
      fromRank: negatives.fromRank,
      toRank: negatives.toRank,
      perQuery: negatives.perQuery,
      ...(negatives.scoreMargin !== undefined ? { scoreMargin: negatives.scoreMargin } : {}),
    },
    losses: { contrastive: { temperature: config.losses.contrastive?.temperature ?? 1 } },
    optimizer: {
      lr: optimizer.lr,
      weightDecay: optimizer.weightDecay,
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: optimizer.epsilon,
      warmupRatio: optimizer.warmupRatio,
      ...(optimizer.gradClipNorm !== undefined ? { clipNorm: optimizer.gradClipNorm } : {}),
    },
    train: { epochs: train.epochs, warmupEpochs: train.warmupEpochs, batchSize: train.batchSize },
  };
}

/** The I3 settings of an experiment config: the dual-encoder's plus the `i3` section, L_rec and the heads' lr. */
export function i3SettingsFromConfig(config: ExperimentConfig): I3SettingsInput {
  const de = dualEncoderSettingsFromConfig(config);
  const { i3 } = config;
  const reconstruction = config.losses.reconstruction;
  return {
    ...de,
    // No `losses.reconstruction`: no L_rec at all, in the warm-up as in fine-tuning.
    losses: { ...de.losses, ...(reconstruction !== undefined ? { reconstruction: { weight: reconstruction.weight, schedule: reconstruction.schedule } } : {}) },
    optimizer: { ...de.optimizer, headLrMultiplier: config.optimizer.headLrMultiplier },
    i3: {
      slots: i3.slots,
      reconstructor: { layers: i3.reconstructorLayers, memory: i3.memory },
      interactor: { enabled: i3.interactor !== "off", input: i3.interactor === "tokens" ? "tokens" : "pooled" },
      mlmHead: { tied: i3.tiedMlmHead },
      warmupFreezeBackbone: i3.warmupFreezeBackbone,
    },
  };
}

function neuralSystem(system: SystemKind): "dual-encoder" | "i3" {
  if (system === "bm25") throw new NotAvailableError('the "bm25" system has no neural stages');
  return system;
}

/** The trained model of either system, its tokenizer (the one it was trained with) and the backend that runs it. */
async function loadCheckpoint(system: "dual-encoder" | "i3", dir: string, config: ExperimentConfig) {
  const backend = await startBackend(config.device);
  const loaded = system === "i3" ? await loadI3Checkpoint(dir) : await loadDualEncoderCheckpoint(dir, { pooling: config.model.pooling });
  return { backend, ...loaded };
}

/** Train: a checkpoint folder (`checkpoint/`) and `training-log.jsonl` (one line per step). */
async function trainStage(inputs: TrainInputs): Promise<TrainOutputs> {
  const system = neuralSystem(inputs.system);
  const common = {
    collection: inputs.collection,
    trainSplit: inputs.trainSplit,
    negatives: await readNegativesTsv(inputs.negativesFile),
    seed: inputs.config.seed,
    device: inputs.config.device,
    workDir: join(inputs.outDir, "work"),
    log: inputs.log,
  };
  const checkpoint = join(inputs.outDir, "checkpoint");
  let trained;
  if (system === "i3") {
    const targets = inputs.pseudoQueriesFile !== undefined ? await readGeneratedTsv(inputs.pseudoQueriesFile) : undefined;
    trained = await trainI3({ ...common, settings: i3SettingsFromConfig(inputs.config), ...(targets !== undefined ? { targets } : {}) });
    await saveI3Checkpoint(checkpoint, trained);
  } else {
    trained = await trainDualEncoder({ ...common, settings: dualEncoderSettingsFromConfig(inputs.config) });
    await saveDualEncoderCheckpoint(checkpoint, trained);
  }
  trained.model.dispose();
  const lines = trained.steps.map((s, i) => JSON.stringify({ step: i + 1, phase: s.phase, epoch: s.epoch, loss: s.loss, lr: s.lr, ...s.metrics }));
  await writeFile(join(inputs.outDir, "training-log.jsonl"), lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return {
    checkpoint: "checkpoint",
    trainingLog: "training-log.jsonl",
    backend: describeBackend(trained.backend),
    summary: { steps: trained.steps.length, trainSeconds: trained.trainSeconds, finalLoss: trained.steps.at(-1)?.loss ?? null },
  };
}

/** Index: the corpus encoded (E_p, or I3's whole passage side: p*) into an `@i3/search` dense index folder (`index/`). */
async function indexStage(inputs: IndexInputs): Promise<IndexOutputs> {
  const system = neuralSystem(inputs.system);
  const { backend, model, tokenizer } = await loadCheckpoint(system, inputs.checkpointDir, inputs.config);
  await buildDenseIndex({ model, tokenizer }, inputs.collection, {
    out: join(inputs.outDir, "index"),
    passageMaxLength: inputs.config.model.passageMaxLength,
    batchSize: inputs.config.index.batchSize,
    description: `${system} ${inputs.checkpointDir}`,
    backend: describeBackend(backend),
  });
  model.dispose();
  return { index: "index", backend: describeBackend(backend) };
}

/** Retrieve: the split's queries (E_q, the same for both systems) against the dense index, `depth` per query. */
async function retrieveStage(inputs: RetrieveInputs): Promise<Run> {
  const system = neuralSystem(inputs.system);
  const { model, tokenizer } = await loadCheckpoint(system, inputs.checkpointDir, inputs.config);
  const index = await DenseIndex.load(inputs.indexPath);
  const queries = await inputs.collection.queries(inputs.split);
  const run = retrieveDense({ model, tokenizer }, index, queries, { queryMaxLength: inputs.config.model.queryMaxLength, k: inputs.depth });
  model.dispose();
  return run;
}

/** The runner's default neural stages: the dual-encoder and the I3 retriever. */
export const experimentStages: NeuralStages = {
  train: trainStage,
  index: indexStage,
  retrieve: retrieveStage,
};
