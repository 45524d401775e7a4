/**
 * The runner's neural stages (see ../runner/neural.ts and docs/runner.md) for the dual-encoder
 * and the I3 retriever: `train` writes a Hugging Face-layout checkpoint (config.json,
 * model.safetensors, tokenizer files) and a training log, starting from scratch or from a
 * Hugging Face BERT checkpoint (`model.init`) with its tokenizer (`tokenizer.kind: "hf"`, see
 * ./pretrained.ts); `index` encodes the corpus into an
 * `@i3/search` dense index folder (I3: p*, the whole passage side, runs here once per passage);
 * `retrieve` encodes a split's queries and searches the index, identically for both systems.
 */
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTokenizer, passageText, readNegativesTsv, type Run } from "@i3/data";
import {
  describeBackend,
  initBackend,
  installFastKernels,
  I3Retriever,
  loadDualEncoder,
  loadI3Retriever,
  saveDualEncoder,
  saveI3Retriever,
  type EncoderConfigInput,
} from "@i3/encoders";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { DenseIndex, encodeCorpus } from "@i3/search";
import type { ExperimentConfig, SystemKind } from "../config/schema.js";
import type { IndexInputs, IndexOutputs, NeuralStages, RetrieveInputs, TrainInputs, TrainOutputs } from "../runner/neural.js";
import { NotAvailableError } from "../runner/stage.js";
import { encodeAll, retrieveWithDualEncoder, trainDualEncoder, type BiEncoderModel, type DualEncoderRecipe } from "./dualEncoder.js";
import { trainI3, type I3Recipe } from "./i3.js";

/**
 * Config settings the neural stages do not implement yet, when set to anything but their
 * defaults: an error lists them, so that no run silently ignores what its config asks for.
 */
export function unsupportedNeuralSettings(config: ExperimentConfig): string[] {
  const { losses, optimizer, negatives, train, tokenizer } = config;
  const out: string[] = [];
  // An `hf` tokenizer lowercases (or not) as its own files say; `lowercase` is for trained vocabularies.
  if (tokenizer.kind === "wordpiece-trained" && !tokenizer.lowercase) out.push("tokenizer.lowercase false");
  if (losses.contrastive === undefined) out.push("training without losses.contrastive");
  else {
    if (losses.contrastive.weight !== 1) out.push(`losses.contrastive.weight ${losses.contrastive.weight}`);
    if (!losses.contrastive.inBatchNegatives) out.push("losses.contrastive.inBatchNegatives false");
  }
  if (losses.klDistillation !== undefined) out.push("losses.klDistillation");
  if (losses.marginMse !== undefined) out.push("losses.marginMse");
  if (optimizer.beta1 !== 0.9 || optimizer.beta2 !== 0.999 || optimizer.epsilon !== 1e-8) out.push("optimizer.beta1/beta2/epsilon other than 0.9/0.999/1e-8");
  if (optimizer.schedule !== "linear") out.push(`optimizer.schedule "${optimizer.schedule}"`);
  if (negatives.schedule !== "random") out.push(`negatives.schedule "${negatives.schedule}"`);
  if (train.maxSteps !== undefined) out.push("train.maxSteps");
  return out;
}

/** Maps an experiment config onto the dual-encoder recipe (the fields docs/runner.md lists). */
export function recipeFromConfig(config: ExperimentConfig): Partial<DualEncoderRecipe> {
  const unsupported = unsupportedNeuralSettings(config);
  if (unsupported.length > 0) throw new NotAvailableError(`not available yet in the runner's neural stages: ${unsupported.join("; ")}`);
  const preset = config.model.preset;
  const size: Partial<EncoderConfigInput> =
    typeof preset === "string"
      ? {}
      : {
          layers: preset.layers,
          hidden: preset.hidden,
          heads: preset.heads,
          intermediate: preset.intermediate,
          hiddenDropout: preset.dropout,
          attentionDropout: preset.dropout,
        };
  return {
    preset: typeof preset === "string" ? preset : "tiny",
    model: { ...size, pooling: config.model.pooling },
    sharedTowers: config.model.sharedTowers,
    vocabSize: config.tokenizer.vocabSize,
    ...(config.model.init !== undefined ? { init: config.model.init } : {}),
    ...(config.tokenizer.kind === "hf" && config.tokenizer.path !== undefined ? { tokenizerPath: config.tokenizer.path } : {}),
    queryMaxLength: config.model.queryMaxLength,
    passageMaxLength: config.model.passageMaxLength,
    negativesPerQuery: config.negatives.perQuery,
    batchSize: config.train.batchSize,
    epochs: config.train.epochs,
    warmupEpochs: config.train.warmupEpochs,
    learningRate: config.optimizer.lr,
    weightDecay: config.optimizer.weightDecay,
    warmupFraction: config.optimizer.warmupRatio,
    ...(config.optimizer.gradClipNorm !== undefined ? { clipNorm: config.optimizer.gradClipNorm } : {}),
    temperature: config.losses.contrastive?.temperature ?? 1,
    seed: config.seed,
    device: config.device,
  };
}

/** Maps an experiment config onto the I3 recipe: the dual-encoder's plus the `i3` section, beta and the heads' lr. */
export function i3RecipeFromConfig(config: ExperimentConfig, hasTargets: boolean): Partial<I3Recipe> {
  const { i3 } = config;
  const reconstruction = config.losses.reconstruction;
  // No `losses.reconstruction`: no L_rec at all, in the warm-up as in fine-tuning.
  const beta = reconstruction?.weight ?? 0;
  return {
    ...recipeFromConfig(config),
    slots: i3.slots,
    reconstructorLayers: i3.reconstructorLayers,
    reconstructorMemory: i3.memory,
    interactorEnabled: i3.interactor !== "off",
    interactorInput: i3.interactor === "tokens" ? "tokens" : "pooled",
    tiedMlmHead: i3.tiedMlmHead,
    beta,
    betaSchedule: reconstruction?.schedule === "constant" ? "constant" : "decay10",
    warmupBeta: beta,
    headLrMultiplier: config.optimizer.headLrMultiplier,
    warmupFreezeBackbone: i3.warmupFreezeBackbone,
    reconstructionTarget: hasTargets ? "targets" : "query",
  };
}

function neuralSystem(system: SystemKind): "dual-encoder" | "i3" {
  if (system === "bm25") throw new NotAvailableError('the "bm25" system has no neural stages');
  return system;
}

/** The trained model of either system, its tokenizer (the one it was trained with) and the backend that runs it. */
async function loadCheckpoint(system: "dual-encoder" | "i3", dir: string, config: ExperimentConfig) {
  const backend = await initBackend({ device: config.device });
  installFastKernels({ log: () => {} });
  const model: BiEncoderModel & { dispose(): void } =
    system === "i3" ? await loadI3Retriever(dir) : await loadDualEncoder(dir, { configOverrides: { pooling: config.model.pooling } });
  const tokenizer = await loadTokenizer(dir);
  return { backend, model, tokenizer };
}

/** Train: a checkpoint folder (`checkpoint/`) and `training-log.jsonl` (one line per step). */
async function trainStage(inputs: TrainInputs): Promise<TrainOutputs> {
  const system = neuralSystem(inputs.system);
  const work = join(inputs.outDir, "work");
  const common = {
    collection: inputs.collection,
    trainSplit: inputs.trainSplit,
    negatives: await readNegativesTsv(inputs.negativesFile),
    workDir: work,
    log: inputs.log,
  };
  const targets = inputs.pseudoQueriesFile !== undefined ? await readGeneratedTsv(inputs.pseudoQueriesFile) : undefined;
  const trained =
    system === "i3"
      ? await trainI3({ ...common, recipe: i3RecipeFromConfig(inputs.config, targets !== undefined), ...(targets !== undefined ? { targets } : {}) })
      : await trainDualEncoder({ ...common, recipe: recipeFromConfig(inputs.config) });
  const tokenizerDir = join(work, "tokenizer");
  const tokenizerFiles = (await readdir(tokenizerDir)).map((f) => join(tokenizerDir, f));
  const checkpoint = join(inputs.outDir, "checkpoint");
  if (trained.model instanceof I3Retriever) await saveI3Retriever(checkpoint, trained.model, { extraFiles: tokenizerFiles });
  else await saveDualEncoder(checkpoint, trained.model, { extraFiles: tokenizerFiles });
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
  const maxLength = inputs.config.model.passageMaxLength;
  const dim = model.passageEncoder.config.hidden;
  await encodeCorpus(
    inputs.collection.corpus(),
    async (batch) => encodeAll(model, tokenizer, batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids), maxLength, "passages"),
    {
      out: join(inputs.outDir, "index"),
      dim,
      batchSize: inputs.config.index.batchSize,
      encoder: { description: `${system} ${inputs.checkpointDir}`, fingerprint: await inputs.collection.fingerprint() },
      backend: describeBackend(backend),
    },
  );
  model.dispose();
  return { index: "index", backend: describeBackend(backend) };
}

/** Retrieve: the split's queries (E_q, the same for both systems) against the dense index, `depth` per query. */
async function retrieveStage(inputs: RetrieveInputs): Promise<Run> {
  const system = neuralSystem(inputs.system);
  const { model, tokenizer } = await loadCheckpoint(system, inputs.checkpointDir, inputs.config);
  const index = await DenseIndex.load(inputs.indexPath);
  const queries = await inputs.collection.queries(inputs.split);
  const run = retrieveWithDualEncoder(model, tokenizer, index, queries, inputs.config.model.queryMaxLength, inputs.depth);
  model.dispose();
  return run;
}

/** The runner's default neural stages: the dual-encoder and the I3 retriever. */
export const experimentStages: NeuralStages = {
  train: trainStage,
  index: indexStage,
  retrieve: retrieveStage,
};
