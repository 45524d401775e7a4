/**
 * The runner's neural stages (see ../runner/neural.ts and docs/runner.md) for the dual-encoder:
 * `train` writes a Hugging Face-layout checkpoint (config.json, model.safetensors, tokenizer
 * files) and a training log; `index` encodes the corpus into an `@i3/search` dense index folder;
 * `retrieve` encodes a split's queries and searches the index. The I3 system plugs in here when
 * its stages land; until then it fails with "not available yet".
 */
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTokenizer, passageText, readNegativesTsv, type Run } from "@i3/data";
import { describeBackend, initBackend, installFastKernels, loadDualEncoder, saveDualEncoder, type EncoderConfigInput } from "@i3/encoders";
import { DenseIndex, encodeCorpus } from "@i3/search";
import type { ExperimentConfig, SystemKind } from "../config/schema.js";
import type { IndexInputs, IndexOutputs, NeuralStages, RetrieveInputs, TrainInputs, TrainOutputs } from "../runner/neural.js";
import { NotAvailableError } from "../runner/stage.js";
import { encodeAll, retrieveWithDualEncoder, trainDualEncoder, type DualEncoderRecipe } from "./dualEncoder.js";

/** Maps an experiment config onto the dual-encoder recipe (the fields docs/runner.md lists). */
export function recipeFromConfig(config: ExperimentConfig): Partial<DualEncoderRecipe> {
  if (config.tokenizer.kind !== "wordpiece-trained") {
    throw new NotAvailableError(`not available yet: tokenizer.kind "${config.tokenizer.kind}" in the runner (use "wordpiece-trained")`);
  }
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

function onlyDualEncoder(system: SystemKind): void {
  if (system !== "dual-encoder") throw new NotAvailableError(`not available yet: the "${system}" system in the runner`);
}

async function loadCheckpoint(dir: string, config: ExperimentConfig) {
  const backend = await initBackend({ device: config.device });
  installFastKernels({ log: () => {} });
  const model = await loadDualEncoder(dir, { configOverrides: { pooling: config.model.pooling } });
  const tokenizer = await loadTokenizer(dir);
  return { backend, model, tokenizer };
}

/** Train: a checkpoint folder (`checkpoint/`) and `training-log.jsonl` (one line per step). */
async function trainDualEncoderStage(inputs: TrainInputs): Promise<TrainOutputs> {
  onlyDualEncoder(inputs.system);
  const recipe = recipeFromConfig(inputs.config);
  const work = join(inputs.outDir, "work");
  const trained = await trainDualEncoder({
    collection: inputs.collection,
    trainSplit: inputs.trainSplit,
    negatives: await readNegativesTsv(inputs.negativesFile),
    workDir: work,
    recipe,
    log: inputs.log,
  });
  const tokenizerDir = join(work, "tokenizer");
  const tokenizerFiles = (await readdir(tokenizerDir)).map((f) => join(tokenizerDir, f));
  await saveDualEncoder(join(inputs.outDir, "checkpoint"), trained.model, { extraFiles: tokenizerFiles });
  trained.model.dispose();
  const lines = trained.steps.map((s, i) => JSON.stringify({ step: i + 1, phase: s.phase, epoch: s.epoch, loss: s.loss, lr: s.lr }));
  await writeFile(join(inputs.outDir, "training-log.jsonl"), lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return {
    checkpoint: "checkpoint",
    trainingLog: "training-log.jsonl",
    backend: describeBackend(trained.backend),
    summary: { steps: trained.steps.length, trainSeconds: trained.trainSeconds, finalLoss: trained.steps.at(-1)?.loss ?? null },
  };
}

/** Index: the corpus encoded into an `@i3/search` dense index folder (`index/`). */
async function indexDualEncoderStage(inputs: IndexInputs): Promise<IndexOutputs> {
  onlyDualEncoder(inputs.system);
  const { backend, model, tokenizer } = await loadCheckpoint(inputs.checkpointDir, inputs.config);
  const maxLength = inputs.config.model.passageMaxLength;
  const dim = model.passageEncoder.config.hidden;
  await encodeCorpus(
    inputs.collection.corpus(),
    async (batch) => encodeAll(model, tokenizer, batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids), maxLength, "passages"),
    {
      out: join(inputs.outDir, "index"),
      dim,
      batchSize: inputs.config.index.batchSize,
      encoder: { description: `dual-encoder ${inputs.checkpointDir}`, fingerprint: await inputs.collection.fingerprint() },
      backend: describeBackend(backend),
    },
  );
  model.dispose();
  return { index: "index", backend: describeBackend(backend) };
}

/** Retrieve: the split's queries against the dense index, `depth` per query. */
async function retrieveDualEncoderStage(inputs: RetrieveInputs): Promise<Run> {
  onlyDualEncoder(inputs.system);
  const { model, tokenizer } = await loadCheckpoint(inputs.checkpointDir, inputs.config);
  const index = await DenseIndex.load(inputs.indexPath);
  const queries = await inputs.collection.queries(inputs.split);
  const run = retrieveWithDualEncoder(model, tokenizer, index, queries, inputs.config.model.queryMaxLength, inputs.depth);
  model.dispose();
  return run;
}

/** The runner's default neural stages. */
export const experimentStages: NeuralStages = {
  train: trainDualEncoderStage,
  index: indexDualEncoderStage,
  retrieve: retrieveDualEncoderStage,
};
