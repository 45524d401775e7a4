/**
 * The I3 system end to end (Dong et al., CIKM 2023, arXiv 2306.02371; reference code
 * Deriq-Qian-Dong/III-Retriever `src/train_dual_encoder.py`), the dual-encoder system's stages
 * with I3's model and objective: train a WordPiece vocabulary on the corpus (or load a Hugging
 * Face tokenizer), start the towers from scratch (or from a BERT checkpoint, `init`; the heads
 * are always fresh), mine BM25 hard negatives, warm up on cropped pseudo-queries
 * (reconstructing pseudo-query targets), fine-tune on the real queries, each phase with
 *
 *   L = L_contrastive(q, p*) + beta * L_rec(MLM(Z), target tokens)
 *
 * (AdamW, heads at `headLrMultiplier` x the backbone's lr), encode the corpus into one p* per
 * passage, and retrieve by exact inner product with the dual-encoder's indexing and retrieval.
 * Every piece comes from a package or from `./dualEncoder.ts`; this file only wires them.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  buildTokenLookup,
  padTrainingBatch,
  passageText,
  saveTokenizer,
  type I3Tokenizer,
  type Passage,
  type Qrels,
  type Query,
  type Run,
} from "@i3/data";
import {
  describeBackend,
  initBackend,
  installFastKernels,
  tf,
  I3Retriever,
  IGNORE_INDEX,
  reconstructionTargets,
  type BackendInfo,
  type ForwardOptions,
  type NamedParam,
  type InteractorInput,
  type ReconstructorMemory,
} from "@i3/encoders";
import { contrastiveLoss, maskedTokenCrossEntropy } from "@i3/losses";
import {
  DEFAULT_DUAL_ENCODER_RECIPE,
  cropQueries,
  indexAndRetrieve,
  positivesAndNegatives,
  toTensors,
  trainPhase,
  type Phase,
  type PhaseStep,
  type DualEncoderInputs,
  type DualEncoderRecipe,
  type DualEncoderResult,
} from "./dualEncoder.js";
import { loadStartTowers, startEncoderConfig, startTokenizer } from "./pretrained.js";

/** How beta, the weight of L_rec, changes over fine-tuning epochs. */
export type BetaSchedule = "constant" | "decay10";

/**
 * The dual-encoder recipe (same budget, same crop warm-up phase: `warmupEpochs`, `cropWords`)
 * plus I3's switches; defaults are the reference's where they apply.
 */
export interface I3Recipe extends DualEncoderRecipe {
  /** m, pseudo-query slots (reference 32). */
  slots: number;
  /** Reconstructor depth 1-3 (reference 1) and what it cross-attends to (reference `cls`). */
  reconstructorLayers: number;
  reconstructorMemory: ReconstructorMemory;
  /** Interactor on/off and its input (reference: on, `pooled`). */
  interactorEnabled: boolean;
  interactorInput: InteractorInput;
  /** MLM decoder tied to E_p's word embeddings (reference: untied). */
  tiedMlmHead: boolean;
  /** beta: the constant, or beta * 10^-(e+1) at 0-based fine-tuning epoch e (`decay10`, the reference's 1/10^epoch, epochs from 1). */
  beta: number;
  betaSchedule: BetaSchedule;
  /** beta during the warm-up phase (constant; default 1). */
  warmupBeta: number;
  /** Heads (reconstructor, interactor, MLM head) lr = this x `learningRate` (reference 1e-3 / 2e-5 = 50). */
  headLrMultiplier: number;
  /** Train only the heads during warm-up, as the reference's frozen-encoder decoder warm start (default false: same budget as the DE). */
  warmupFreezeBackbone: boolean;
  /** Fine-tuning target: `query` = a training query judging the passage relevant; `targets` = the given map. */
  reconstructionTarget: "query" | "targets";
}

/** Defaults: the dual-encoder's training budget plus the reference I3 switches. */
export const DEFAULT_I3_RECIPE: I3Recipe = {
  ...DEFAULT_DUAL_ENCODER_RECIPE,
  slots: 32,
  reconstructorLayers: 1,
  reconstructorMemory: "cls",
  interactorEnabled: true,
  interactorInput: "pooled",
  tiedMlmHead: false,
  beta: 1,
  betaSchedule: "decay10",
  warmupBeta: 1,
  headLrMultiplier: 50,
  warmupFreezeBackbone: false,
  reconstructionTarget: "query",
};

/** What the I3 system produced (as the dual-encoder's; `steps` spans warm-up then fine-tuning). */
export type I3Result = DualEncoderResult;

/** Inputs of {@link runI3}. */
export interface I3Inputs extends Omit<DualEncoderInputs, "recipe"> {
  recipe?: Partial<I3Recipe>;
  /**
   * pid -> reconstruction target text (e.g. `@i3/pseudoquery` output). Warm-up targets (default:
   * each passage's own crop, the warm-up query), and fine-tuning targets with
   * `reconstructionTarget: "targets"`.
   */
  targets?: ReadonlyMap<string, string>;
}

/** beta at a 0-based epoch. */
export function betaAt(recipe: Pick<I3Recipe, "beta" | "betaSchedule">, epoch: number): number {
  return recipe.betaSchedule === "constant" ? recipe.beta : recipe.beta * 10 ** -(epoch + 1);
}

/**
 * Real-query targets: for each passage judged relevant (grade >= 1) to a training query, the
 * text of the first such query in `queries` order. Passages no query judged relevant get none.
 */
export function realQueryTargets(qrels: Qrels, queries: readonly Query[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const q of queries) {
    for (const [pid, grade] of qrels.get(q.id) ?? []) if (grade >= 1 && !targets.has(pid)) targets.set(pid, q.text);
  }
  return targets;
}

/** The three terms of the I3 loss. */
export interface I3LossTerms {
  total: tf.Scalar;
  contrastive: tf.Scalar;
  reconstruction: tf.Scalar;
}

/**
 * L = L_contrastive(q, p*) + beta * L_rec. L_contrastive: in-batch + hard-negative softmax CE
 * (`contrastiveLoss`, DPR eq. 2; the reference's `cross_entropy(q p^T, arange(B) * g)`).
 * L_rec: `maskedTokenCrossEntropy` of the MLM logits against `targets`, the mean over the
 * non-ignored target tokens of every passage of the batch, positives and negatives (the
 * reference's positive-only line is commented out). `targets` is [Bp, m] row-major, -100 =
 * ignored; logits are computed only at the non-ignored slots (`mlmLogitsAt`), which gives the
 * same loss and gradients as the full [Bp, m, V] logits. beta = 0 skips the MLM head.
 */
export function i3Loss(
  model: I3Retriever,
  queries: { inputIds: tf.Tensor; attentionMask: tf.Tensor },
  passages: { inputIds: tf.Tensor; attentionMask: tf.Tensor },
  targets: Int32Array,
  opts: { beta: number; temperature?: number; forward?: ForwardOptions },
): I3LossTerms {
  const positions: number[] = [];
  const labels: number[] = [];
  targets.forEach((id, i) => {
    if (id !== IGNORE_INDEX) {
      positions.push(i);
      labels.push(id);
    }
  });
  return tf.tidy(() => {
    const q = model.encodeQueries(queries, opts.forward);
    const out = model.forwardPassages(passages, opts.forward, { logits: false });
    if (targets.length !== out.z.shape[0] * out.z.shape[1]) throw new Error(`i3Loss: ${targets.length} targets for [${out.z.shape.slice(0, 2)}] slots`);
    const contrastive = contrastiveLoss(q, out.vectors, { temperature: opts.temperature ?? 1 });
    if (opts.beta === 0 || positions.length === 0) return { total: contrastive, contrastive, reconstruction: tf.scalar(0) };
    const logits = model.mlmLogitsAt(out.z, tf.tensor1d(positions, "int32"));
    const reconstruction = maskedTokenCrossEntropy(tf.expandDims(logits, 0) as tf.Tensor3D, tf.tensor2d(labels, [1, labels.length], "int32"));
    return { total: tf.add(contrastive, tf.mul(reconstruction, opts.beta)) as tf.Scalar, contrastive, reconstruction };
  });
}

/** pid -> reconstruction labels [m] (word pieces without [CLS]/[SEP], -100 padded). */
function targetLabels(tokenizer: I3Tokenizer, texts: Iterable<[string, string]>, m: number): Map<string, Int32Array> {
  const { cls, sep } = tokenizer.special;
  const labels = new Map<string, Int32Array>();
  for (const [pid, text] of texts) labels.set(pid, reconstructionTargets(tokenizer.encode(text, m + 2).ids, m, { cls: cls!, sep: sep! }));
  return labels;
}

/** One training phase: these queries, negatives, reconstruction targets, beta, and trainable groups. */
interface I3Phase extends Phase {
  labels: Map<string, Int32Array>;
  beta: (epoch: number) => number;
  freezeBackbone: boolean;
}

/** What {@link trainI3} produced. */
export interface TrainedI3 {
  model: I3Retriever;
  tokenizer: I3Tokenizer;
  backend: BackendInfo;
  steps: PhaseStep[];
  trainSeconds: number;
}

/**
 * Trains an I3 retriever phase by phase as `trainDualEncoder`: a WordPiece vocabulary on the
 * corpus (or the `tokenizerPath` / `init` Hugging Face tokenizer); towers from scratch or from
 * `init`, heads (reconstructor, interactor, MLM head) fresh from `seed` either way;
 * `warmupEpochs` on cropped pseudo-queries (contrastive) with
 * L_rec on `targets` (default: each passage's crop) at `warmupBeta`; then `epochs` on the real
 * training queries with BM25 hard negatives and L_rec on real queries (or `targets`) at
 * beta(epoch). Backbone and heads are separate AdamW groups (heads at `headLrMultiplier` x lr).
 * Writes the tokenizer and one log per phase (`train-<phase>.jsonl`) into `workDir`.
 */
export async function trainI3(
  inputs: Omit<I3Inputs, "evalSplits" | "k" | "firstStageTrainRun"> & {
    /** A first-stage run over the training queries to mine hard negatives from ... */
    firstStageTrainRun?: Run;
    /** ... or the hard negatives themselves (qid -> pids in rank order). */
    negatives?: ReadonlyMap<string, readonly string[]>;
  },
): Promise<TrainedI3> {
  const recipe: I3Recipe = { ...DEFAULT_I3_RECIPE, ...inputs.recipe };
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[i3] ${m}\n`));
  if (recipe.reconstructionTarget === "targets" && inputs.targets === undefined) throw new Error('trainI3: reconstructionTarget "targets" needs `targets`');
  const backend = await initBackend({ device: recipe.device });
  installFastKernels({ log: () => {} });
  log(describeBackend(backend));

  const passages: Passage[] = [];
  for await (const p of inputs.collection.corpus()) passages.push(p);
  const corpusTexts = passages.map((p) => ({ id: p.id, text: passageText(p) }));
  const tokenizer = await startTokenizer(recipe, () => corpusTexts.map((p) => p.text), log);
  const { cls, sep, mask, pad } = tokenizer.special;
  if (cls === undefined || sep === undefined || mask === undefined) throw new Error(`trainI3: the tokenizer (${tokenizer.source}) needs [CLS], [SEP] and [MASK] tokens`);
  const config = await startEncoderConfig(recipe, tokenizer);
  await mkdir(inputs.workDir, { recursive: true });
  await saveTokenizer(tokenizer, join(inputs.workDir, "tokenizer"));
  const passageTokens = buildTokenLookup(tokenizer, corpusTexts, recipe.passageMaxLength);
  const m = recipe.slots;

  const phases: I3Phase[] = [];
  if (recipe.warmupEpochs > 0) {
    const crops = cropQueries(passages, recipe.cropWords, recipe.seed);
    const ownCrops = crops.queries.map((q): [string, string] => [q.id.slice("crop:".length), q.text]);
    phases.push({
      name: "warmup",
      qrels: crops.qrels,
      negatives: crops.negatives,
      queries: crops.queries.map((q) => q.id),
      queryTokens: buildTokenLookup(tokenizer, crops.queries, recipe.queryMaxLength),
      epochs: recipe.warmupEpochs,
      labels: targetLabels(tokenizer, inputs.targets ?? ownCrops, m),
      beta: () => recipe.warmupBeta,
      freezeBackbone: recipe.warmupFreezeBackbone,
    });
  }
  if (recipe.epochs > 0) {
    const trainQrels = await inputs.collection.qrels(inputs.trainSplit);
    const trainQueries = await inputs.collection.queries(inputs.trainSplit);
    const { negatives, queries, skipped } = positivesAndNegatives({ run: inputs.firstStageTrainRun, negatives: inputs.negatives }, trainQrels, recipe);
    log(`${queries.length} training queries with positives and hard negatives (${skipped} without: skipped)`);
    phases.push({
      name: "queries",
      qrels: trainQrels,
      negatives,
      queries,
      queryTokens: buildTokenLookup(tokenizer, trainQueries, recipe.queryMaxLength),
      epochs: recipe.epochs,
      labels: targetLabels(tokenizer, recipe.reconstructionTarget === "targets" ? inputs.targets! : realQueryTargets(trainQrels, trainQueries), m),
      beta: (epoch) => betaAt(recipe, epoch),
      freezeBackbone: false,
    });
  }

  const towers = recipe.init !== undefined ? await loadStartTowers(recipe.init, config, recipe.sharedTowers) : undefined;
  const model = new I3Retriever(
    config,
    {
      slots: m,
      specialTokens: { cls, sep, mask },
      reconstructor: { layers: recipe.reconstructorLayers, memory: recipe.reconstructorMemory },
      interactor: { enabled: recipe.interactorEnabled, input: recipe.interactorInput },
      mlmHead: { tied: recipe.tiedMlmHead },
    },
    { shared: recipe.sharedTowers, seed: recipe.seed, ...(towers !== undefined ? { towers } : {}) },
  );
  const headVars = new Set(model.variableGroups().heads);
  const backboneParams: NamedParam[] = model.namedParameters().filter((p) => !headVars.has(p.variable));
  const headParams: NamedParam[] = model.namedParameters().filter((p) => headVars.has(p.variable));
  const ignored = new Int32Array(m).fill(IGNORE_INDEX);
  const steps: PhaseStep[] = [];
  const started = Date.now();
  const corpusIds = passages.map((p) => p.id);
  for (const phase of phases) {
    await trainPhase({
      phase,
      recipe,
      corpusIds,
      passageTokens,
      groups: [
        ...(phase.freezeBackbone ? [] : [{ name: "backbone", params: backboneParams, lr: recipe.learningRate, weightDecay: recipe.weightDecay }]),
        { name: "heads", params: headParams, lr: recipe.learningRate * recipe.headLrMultiplier, weightDecay: recipe.weightDecay },
      ],
      backend,
      logFile: join(inputs.workDir, `train-${phase.name}.jsonl`),
      steps,
      log,
      describe: (totalSteps) =>
        `${phase.name}: ${config.layers}x${config.hidden} I3 (m=${m}, reconstructor ${recipe.reconstructorLayers}x${recipe.reconstructorMemory}, ` +
        `interactor ${recipe.interactorEnabled ? recipe.interactorInput : "off"}), ${phase.queries.length} queries, ${phase.epochs} epochs, ` +
        `${totalSteps} steps, ${phase.labels.size} passages with targets${phase.freezeBackbone ? ", backbone frozen" : ""}`,
      lossFn: (batch, ctx) => {
        const padded = padTrainingBatch(batch, { padId: pad, queryMaxLength: recipe.queryMaxLength, passageMaxLength: recipe.passageMaxLength });
        const rows = new Int32Array(batch.passageIds.length * m);
        batch.passageIds.forEach((pid, i) => rows.set(phase.labels.get(pid) ?? ignored, i * m));
        const beta = phase.beta(ctx.epoch);
        const terms = i3Loss(model, toTensors(padded.queries), toTensors(padded.passages), rows, {
          beta,
          temperature: recipe.temperature,
          forward: { training: true, seed: ctx.seed, step: ctx.step },
        });
        ctx.report("contrastive", terms.contrastive);
        ctx.report("reconstruction", terms.reconstruction);
        ctx.report("beta", beta);
        tf.dispose([terms.contrastive, terms.reconstruction].filter((t) => t !== terms.total));
        return terms.total;
      },
    });
  }
  return { model, tokenizer, backend, steps, trainSeconds: (Date.now() - started) / 1000 };
}

/**
 * Trains and evaluates an I3 retriever on `collection`; returns a run per evaluation split.
 * Indexing and retrieval are the dual-encoder's (`indexAndRetrieve`): the index holds p* (one H-dim vector per passage) and queries
 * are encoded by E_q alone. Deterministic for a recipe and seed on the cpu/wasm backends.
 */
export async function runI3(inputs: I3Inputs): Promise<I3Result> {
  const recipe: I3Recipe = { ...DEFAULT_I3_RECIPE, ...inputs.recipe };
  const trained = await trainI3({ ...inputs, recipe });
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[i3] ${m}\n`));
  log("encoding the corpus (p*)");
  return indexAndRetrieve(trained, inputs, recipe);
}
