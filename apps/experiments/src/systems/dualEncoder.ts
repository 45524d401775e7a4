/**
 * The dual-encoder system end to end (Tevatron-style stages, in one function for the runner and
 * the CLI): train a WordPiece vocabulary on the corpus (or load a Hugging Face tokenizer), mine
 * BM25 hard negatives for the training queries, train a dual-encoder from scratch (or from a
 * Hugging Face BERT checkpoint, `init`) with the in-batch + hard-negative contrastive loss (DPR,
 * Karpukhin et al. 2020, eq. 2) and AdamW, encode the corpus, and retrieve by exact inner
 * product. Every piece comes from a package; this file only wires them.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import {
  buildTokenLookup,
  mineHardNegatives,
  padBatch,
  padTrainingBatch,
  passageText,
  saveTokenizer,
  TrainingBatcher,
  type Collection,
  type EncodedBatch,
  type I3Tokenizer,
  type Passage,
  type Qrels,
  type Query,
  type Run,
  type TrainingBatch,
  type TokenIdLookup,
} from "@i3/data";
import {
  DualEncoder,
  describeBackend,
  initBackend,
  installFastKernels,
  tf,
  type BackendInfo,
  type Device,
  type EncoderConfigInput,
  type PresetName,
} from "@i3/encoders";
import { contrastiveLoss } from "@i3/losses";
import { DenseIndex } from "@i3/search";
import { linearScheduleWithWarmup, train, type LossFn, type ParamGroupSpec, type StepRecord } from "@i3/train";
import { loadStartTowers, startEncoderConfig, startTokenizer } from "./pretrained.js";

/** Everything that defines a dual-encoder training run; defaults fit the embedded collection. */
export interface DualEncoderRecipe {
  /** Encoder size preset (default `tiny`: 2 layers x 128) and overrides of its fields (with `init`: only `pooling` applies). */
  preset: PresetName;
  model: Partial<EncoderConfigInput>;
  /** One encoder for queries and passages (default true). */
  sharedTowers: boolean;
  /** WordPiece vocabulary trained on the corpus (default 8,000; ignored with a Hugging Face tokenizer). */
  vocabSize: number;
  /**
   * A Hugging Face BERT folder (config.json + model.safetensors) both towers start from; its
   * config.json sets the encoder size (default: none, towers of `preset` from `seed`).
   */
  init?: string;
  /** A Hugging Face tokenizer (folder, tokenizer.json or vocab.txt) used instead of training one; default: `init`'s folder when `init` is set. */
  tokenizerPath?: string;
  queryMaxLength: number;
  passageMaxLength: number;
  /** Hard negatives come from BM25 ranks [negativesFrom, negativesTo] (default 1-100). */
  negativesFrom: number;
  negativesTo: number;
  negativesPerQuery: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  weightDecay: number;
  warmupFraction: number;
  /** Global gradient-norm clipping (off when undefined). */
  clipNorm?: number;
  /** Softmax temperature of the contrastive loss (default 1: plain dot products, as DPR). */
  temperature: number;
  /**
   * Warm-up epochs on pseudo-queries before the real queries (default 1): every passage gets a
   * random crop of `cropWords` words as its query (independent cropping, Izacard et al. 2022,
   * "Contriever"; the same idea as I3's pseudo-query warm-up). A model trained from scratch on a
   * few hundred real queries never sees most of the vocabulary on the query side; the crops
   * teach it to match every word of the corpus first.
   */
  warmupEpochs: number;
  cropWords: readonly [number, number];
  seed: number;
  device: Device;
}

/** Defaults for a from-scratch dual-encoder on the embedded default collection. */
export const DEFAULT_DUAL_ENCODER_RECIPE: DualEncoderRecipe = {
  preset: "tiny",
  model: {},
  sharedTowers: true,
  vocabSize: 8000,
  queryMaxLength: 32,
  passageMaxLength: 128,
  negativesFrom: 1,
  negativesTo: 100,
  negativesPerQuery: 3,
  batchSize: 16,
  epochs: 6,
  learningRate: 5e-4,
  weightDecay: 0.01,
  warmupFraction: 0.1,
  temperature: 1,
  warmupEpochs: 1,
  cropWords: [4, 12],
  seed: 13,
  device: "auto",
};

/** What the dual-encoder system produced. */
export interface DualEncoderResult {
  /** split -> run over the whole corpus. */
  runs: Map<string, Run>;
  backend: BackendInfo;
  /** One record per optimizer step (empty when `epochs` is 0: an untrained model). */
  steps: StepRecord[];
  trainSeconds: number;
}

/** Inputs of {@link runDualEncoder}. */
export interface DualEncoderInputs {
  collection: Collection;
  trainSplit: string;
  /** BM25 (or any first-stage) run over the training queries, mined for hard negatives. */
  firstStageTrainRun: Run;
  evalSplits: readonly string[];
  /** Folder for the tokenizer, checkpoints and the training log. */
  workDir: string;
  recipe?: Partial<DualEncoderRecipe>;
  /** Results per query (default 1000). */
  k?: number;
  log?: (message: string) => void;
}

/** A padded batch as the encoders' int32 input tensors. */
export function toTensors(batch: EncodedBatch) {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  return { inputIds: tf.tensor2d(batch.inputIds, shape, "int32"), attentionMask: tf.tensor2d(batch.attentionMask, shape, "int32") };
}

/**
 * What indexing and retrieval need of a model: E_q, the passage-side index vector and its size.
 * The dual-encoder and the I3 retriever (whose p* is computed at index time) both are one.
 */
export type BiEncoderModel = Pick<DualEncoder, "encodeQueries" | "encodePassages" | "passageEncoder">;

/** Passage vectors [n, H] in eval mode, `batchSize` passages at a time. */
export function encodeAll(
  model: BiEncoderModel,
  tokenizer: I3Tokenizer,
  rows: Int32Array[],
  maxLength: number,
  side: "queries" | "passages",
  batchSize = 64,
): Float32Array {
  const dim = model.passageEncoder.config.hidden;
  const out = new Float32Array(rows.length * dim);
  for (let start = 0; start < rows.length; start += batchSize) {
    const slice = rows.slice(start, start + batchSize).map((ids) => ({ ids, typeIds: new Int32Array(ids.length) }));
    const encoded = padBatch(slice, tokenizer.special.pad, { maxLength });
    const vectors = tf.tidy(() => {
      const inputs = toTensors(encoded);
      return side === "queries" ? model.encodeQueries(inputs) : model.encodePassages(inputs);
    });
    out.set(vectors.dataSync() as Float32Array, start * dim);
    vectors.dispose();
  }
  return out;
}

/**
 * Training queries: those with a positive and at least one hard negative, the negatives either
 * given (e.g. the runner's negatives stage) or mined from a first-stage run.
 */
export function positivesAndNegatives(
  source: { run?: Run; negatives?: ReadonlyMap<string, readonly string[]> },
  qrels: Qrels,
  recipe: DualEncoderRecipe,
) {
  let negatives: ReadonlyMap<string, readonly string[]>;
  if (source.negatives !== undefined) negatives = source.negatives;
  else if (source.run !== undefined) {
    negatives = mineHardNegatives(source.run, qrels, { fromRank: recipe.negativesFrom, toRank: recipe.negativesTo }).negatives;
  } else throw new Error("dual-encoder training needs hard negatives or a first-stage run to mine them from");
  const hasPositive = (qid: string) => [...(qrels.get(qid)?.values() ?? [])].some((grade) => grade >= 1);
  const queries = [...negatives.keys()].filter((qid) => (negatives.get(qid)?.length ?? 0) > 0 && hasPositive(qid));
  return { negatives, queries, skipped: qrels.size - queries.length };
}

/**
 * Pseudo-queries by independent cropping: for each passage a seeded random window of
 * `cropWords` words (Izacard et al. 2022). Returns queries, their qrels (the source passage) and
 * empty negative pools (the batcher fills them with random corpus passages).
 */
export function cropQueries(passages: readonly Passage[], cropWords: readonly [number, number], seed: number) {
  const queries: Query[] = [];
  const qrels: Qrels = new Map();
  const negatives = new Map<string, string[]>();
  for (const p of passages) {
    const words = passageText(p).split(/\s+/).filter((w) => w !== "");
    if (words.length === 0) continue;
    const random = SeededRandom.from(seed, "crop", p.id);
    const length = Math.min(words.length, cropWords[0] + random.int(cropWords[1] - cropWords[0] + 1));
    const start = random.int(words.length - length + 1);
    const qid = `crop:${p.id}`;
    queries.push({ id: qid, text: words.slice(start, start + length).join(" ") });
    qrels.set(qid, new Map([[p.id, 1]]));
    negatives.set(qid, []);
  }
  return { queries, qrels, negatives };
}

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
 * Runs one training phase with `@i3/train`: batches of (query, positive, negatives) from the
 * phase's queries, a linear warm-up/decay schedule over the phase's steps, a JSONL log per phase.
 * Step records are appended to `steps`. Shared by the dual-encoder and I3 systems; `describe`
 * gets the phase's step count for the log line.
 */
export async function trainPhase(args: {
  phase: Phase;
  recipe: DualEncoderRecipe;
  corpusIds: readonly string[];
  passageTokens: TokenIdLookup;
  groups: ParamGroupSpec[];
  lossFn: LossFn<TrainingBatch>;
  backend: BackendInfo;
  logFile: string;
  steps: PhaseStep[];
  log: (message: string) => void;
  describe: (totalSteps: number) => string;
}): Promise<void> {
  const { phase, recipe } = args;
  const batcher = new TrainingBatcher({
    qrels: phase.qrels,
    negatives: phase.negatives,
    queries: phase.queries,
    negativesPerQuery: recipe.negativesPerQuery,
    batchSize: recipe.batchSize,
    seed: recipe.seed,
    corpusIds: args.corpusIds,
    queryTokens: phase.queryTokens,
    passageTokens: args.passageTokens,
  });
  const stepsPerEpoch = Math.ceil(phase.queries.length / recipe.batchSize);
  const totalSteps = stepsPerEpoch * phase.epochs;
  args.log(args.describe(totalSteps));
  await train<TrainingBatch>({
    groups: args.groups,
    batches: (epoch) => batcher.batches(epoch),
    epochs: phase.epochs,
    schedule: linearScheduleWithWarmup({ warmupSteps: Math.round(recipe.warmupFraction * totalSteps), totalSteps }),
    ...(recipe.clipNorm !== undefined ? { clipNorm: recipe.clipNorm } : {}),
    seed: recipe.seed,
    backendInfo: args.backend,
    logFile: args.logFile,
    stepsPerEpoch,
    countExamples: (b) => b.qids.length,
    onStep: (record) => {
      args.steps.push({ ...record, phase: phase.name });
    },
    lossFn: args.lossFn,
  });
}

/** What {@link trainDualEncoder} produced. */
export interface TrainedDualEncoder {
  model: DualEncoder;
  tokenizer: I3Tokenizer;
  backend: BackendInfo;
  steps: PhaseStep[];
  trainSeconds: number;
}

/**
 * Trains a dual-encoder: a WordPiece vocabulary on the corpus (or the `tokenizerPath` / `init`
 * Hugging Face tokenizer), towers from scratch (or from `init`), `warmupEpochs` on cropped
 * pseudo-queries, then `epochs` on the real training queries with BM25 hard negatives.
 * Deterministic for a recipe and seed on the cpu/wasm backends. Writes the tokenizer (folder
 * `tokenizer/`) and the training log (`train-<phase>.jsonl`, one line per step) into `workDir`.
 */
export async function trainDualEncoder(inputs: {
  collection: Collection;
  trainSplit: string;
  /** A first-stage run over the training queries to mine hard negatives from ... */
  firstStageTrainRun?: Run;
  /** ... or the hard negatives themselves (qid -> pids in rank order). */
  negatives?: ReadonlyMap<string, readonly string[]>;
  workDir: string;
  recipe?: Partial<DualEncoderRecipe>;
  log?: (message: string) => void;
}): Promise<TrainedDualEncoder> {
  const recipe: DualEncoderRecipe = { ...DEFAULT_DUAL_ENCODER_RECIPE, ...inputs.recipe };
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[dual-encoder] ${m}\n`));
  const backend = await initBackend({ device: recipe.device });
  installFastKernels({ log: () => {} });
  log(describeBackend(backend));

  const passages: Passage[] = [];
  for await (const p of inputs.collection.corpus()) passages.push(p);
  const corpusTexts = passages.map((p) => ({ id: p.id, text: passageText(p) }));
  const tokenizer = await startTokenizer(recipe, () => corpusTexts.map((p) => p.text), log);
  const config = await startEncoderConfig(recipe, tokenizer);
  await mkdir(inputs.workDir, { recursive: true });
  await saveTokenizer(tokenizer, join(inputs.workDir, "tokenizer"));
  const passageTokens = buildTokenLookup(tokenizer, corpusTexts, recipe.passageMaxLength);

  const phases: Phase[] = [];
  if (recipe.warmupEpochs > 0) {
    const crops = cropQueries(passages, recipe.cropWords, recipe.seed);
    phases.push({
      name: "warmup",
      qrels: crops.qrels,
      negatives: crops.negatives,
      queries: crops.queries.map((q) => q.id),
      queryTokens: buildTokenLookup(tokenizer, crops.queries, recipe.queryMaxLength),
      epochs: recipe.warmupEpochs,
    });
  }
  if (recipe.epochs > 0) {
    const trainQrels = await inputs.collection.qrels(inputs.trainSplit);
    const trainQueries = await inputs.collection.queries(inputs.trainSplit);
    const { negatives, queries, skipped } = positivesAndNegatives(
      { run: inputs.firstStageTrainRun, negatives: inputs.negatives },
      trainQrels,
      recipe,
    );
    log(`${queries.length} training queries with positives and hard negatives (${skipped} without: skipped)`);
    phases.push({
      name: "queries",
      qrels: trainQrels,
      negatives,
      queries,
      queryTokens: buildTokenLookup(tokenizer, trainQueries, recipe.queryMaxLength),
      epochs: recipe.epochs,
    });
  }

  const towers = recipe.init !== undefined ? await loadStartTowers(recipe.init, config, recipe.sharedTowers) : undefined;
  const model = new DualEncoder(config, { shared: recipe.sharedTowers, seed: recipe.seed, ...(towers !== undefined ? { towers } : {}) });
  const steps: PhaseStep[] = [];
  const started = Date.now();
  const corpusIds = passages.map((p) => p.id);
  for (const phase of phases) {
    await trainPhase({
      phase,
      recipe,
      corpusIds,
      passageTokens,
      groups: [{ name: "backbone", params: model.namedParameters(), lr: recipe.learningRate, weightDecay: recipe.weightDecay }],
      backend,
      logFile: join(inputs.workDir, `train-${phase.name}.jsonl`),
      steps,
      log,
      describe: (totalSteps) =>
        `${phase.name}: ${config.layers}x${config.hidden} encoder, ${phase.queries.length} queries, ${phase.epochs} epochs, ${totalSteps} steps`,
      lossFn: (batch, ctx) => {
        const padded = padTrainingBatch(batch, {
          padId: tokenizer.special.pad,
          queryMaxLength: recipe.queryMaxLength,
          passageMaxLength: recipe.passageMaxLength,
        });
        const opts = { training: true, seed: ctx.seed, step: ctx.step };
        const q = model.encodeQueries(toTensors(padded.queries), opts);
        const p = model.encodePassages(toTensors(padded.passages), opts);
        return contrastiveLoss(q, p, { temperature: recipe.temperature });
      },
    });
  }
  return { model, tokenizer, backend, steps, trainSeconds: (Date.now() - started) / 1000 };
}

/** Passage vectors [n, H] of the whole corpus, in corpus order, with their ids. */
export async function encodeCorpusVectors(
  model: BiEncoderModel,
  tokenizer: I3Tokenizer,
  collection: Collection,
  passageMaxLength: number,
): Promise<{ ids: string[]; vectors: Float32Array; dim: number }> {
  const ids: string[] = [];
  const rows: Int32Array[] = [];
  for await (const p of collection.corpus()) {
    ids.push(p.id);
    rows.push(tokenizer.encode(passageText(p), passageMaxLength).ids);
  }
  return { ids, vectors: encodeAll(model, tokenizer, rows, passageMaxLength, "passages"), dim: model.passageEncoder.config.hidden };
}

/** The run of `queries` against `index` (exact inner product, `k` per query). */
export function retrieveWithDualEncoder(
  model: BiEncoderModel,
  tokenizer: I3Tokenizer,
  index: DenseIndex,
  queries: readonly Query[],
  queryMaxLength: number,
  k: number,
): Run {
  const rows = queries.map((q) => tokenizer.encode(q.text, queryMaxLength).ids);
  const vectors = encodeAll(model, tokenizer, rows, queryMaxLength, "queries");
  return index.searchToRun(
    queries.map((q) => q.id),
    vectors,
    k,
    { tf },
  );
}

/**
 * Trains (unless both epoch counts are 0: a randomly initialised model) and evaluates a
 * dual-encoder on `collection`; returns a run per evaluation split. The runner's stages call
 * the three pieces separately (train, index, retrieve); this composes them in memory.
 */
export async function runDualEncoder(inputs: DualEncoderInputs): Promise<DualEncoderResult> {
  const recipe: DualEncoderRecipe = { ...DEFAULT_DUAL_ENCODER_RECIPE, ...inputs.recipe };
  const trained = await trainDualEncoder({ ...inputs, recipe });
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[dual-encoder] ${m}\n`));
  log("encoding the corpus");
  return indexAndRetrieve(trained, inputs, recipe);
}

/**
 * Encodes `inputs.collection` with a trained bi-encoder (dual-encoder or I3: one vector per
 * passage either way), searches it exactly for every evaluation split's queries (top
 * `inputs.k`, default 1000), disposes the model and returns the runs with the training record.
 */
export async function indexAndRetrieve(
  trained: { model: BiEncoderModel & { dispose(): void }; tokenizer: I3Tokenizer; backend: BackendInfo; steps: StepRecord[]; trainSeconds: number },
  inputs: { collection: Collection; evalSplits: readonly string[]; k?: number },
  lengths: { queryMaxLength: number; passageMaxLength: number },
): Promise<DualEncoderResult> {
  const { ids, vectors, dim } = await encodeCorpusVectors(trained.model, trained.tokenizer, inputs.collection, lengths.passageMaxLength);
  const index = DenseIndex.fromVectors(ids, vectors, dim);
  const runs = new Map<string, Run>();
  for (const split of inputs.evalSplits) {
    const queries = await inputs.collection.queries(split);
    runs.set(split, retrieveWithDualEncoder(trained.model, trained.tokenizer, index, queries, lengths.queryMaxLength, inputs.k ?? 1000));
  }
  trained.model.dispose();
  return { runs, backend: trained.backend, steps: trained.steps, trainSeconds: trained.trainSeconds };
}
