/**
 * The settings of the dual-encoder and the I3 retriever as zod 4 schemas: one name per setting
 * (the field a config writes is the field the trainer reads), and THE defaults (nowhere else).
 * `trainDualEncoder` / `trainI3` take the schema's input type and parse it, so a notebook writes
 * only what differs from the defaults (`{}` parses). Every object is strict: an unknown field is
 * an error naming its path. Settings added after the published runs are optional, absent meaning
 * the behaviour from before they existed, so the parsed settings of an older config (and the
 * cache keys computed from them) stay what they were. The seed and the device are run-level arguments of the trainers, not
 * settings.
 *
 * This module imports zod and `@i3/encoders/i3-config` only (no TensorFlow.js), so a config
 * loader can import it (`@i3/retrievers/settings`) without loading a backend.
 */
import { z } from "zod";
import { I3_DEFAULTS } from "@i3/encoders/i3-config";

const positiveInt = z.number().int().positive();

/** The `inference` setting's values: which engine runs inference with a trained model (`./inference.ts`). */
export const INFERENCE_SETTINGS = ["auto", "onnxruntime", "tfjs"] as const;
/** `auto` (onnxruntime when it loads and the tfjs backend is not a GPU, else tfjs), `onnxruntime` or `tfjs`. */
export type InferenceSetting = (typeof INFERENCE_SETTINGS)[number];
const epochs = z.number().int().nonnegative();

/**
 * Tokenizer: a WordPiece vocabulary trained on the corpus (`vocabSize` tokens, `lowercase`d), or
 * a Hugging Face tokenizer (`hf`: `path`, a folder with tokenizer.json or vocab.txt or that file,
 * default the `model.init` folder; its own files decide vocabulary and lowercasing).
 */
export const tokenizerSettingsSchema = z
  .strictObject({
    kind: z.enum(["wordpiece-trained", "hf"]).default("wordpiece-trained"),
    vocabSize: positiveInt.default(8192),
    lowercase: z.boolean().default(true),
    path: z.string().min(1).optional(),
  })
  .prefault({});

/** A custom transformer size instead of a preset (the other fields are the `tiny` preset's). */
export const modelSizeSchema = z.strictObject({
  layers: positiveInt,
  hidden: positiveInt,
  heads: positiveInt,
  intermediate: positiveInt,
  /** Hidden and attention dropout. */
  dropout: z.number().min(0).max(1).default(0.1),
});

/** The encoder towers (`@i3/encoders` presets; I3 adds the `i3` heads). */
export const modelSettingsSchema = z
  .strictObject({
    preset: z.union([z.enum(["tiny", "small", "base"]), modelSizeSchema]).default("tiny"),
    /** One encoder for queries and passages. */
    sharedTowers: z.boolean().default(true),
    pooling: z.enum(["cls", "mean"]).default("cls"),
    queryMaxLength: positiveInt.default(32),
    passageMaxLength: positiveInt.default(128),
    /**
     * A Hugging Face BERT folder (config.json + model.safetensors) both towers start from; its
     * config.json sets the size (`preset` is then not used). Needs `tokenizer.kind: "hf"`.
     */
    init: z.string().min(1).optional(),
  })
  .prefault({});

/**
 * Hard negatives: ranks `fromRank..toRank` of a first-stage run (`@i3/data` mineHardNegatives,
 * positives removed, optionally the candidates within `scoreMargin` of the positive's score),
 * `perQuery` of them in each training group, drawn per epoch by `schedule` (`@i3/data`
 * `NegativeSchedule`; absent = `random`, a seeded uniform sample): `strided` is the I3
 * reference's `pool[e mod interval :: interval][:perQuery]` with interval = floor(pool / perQuery)
 * (III-Retriever `dataset_factory.py`, `DualEncoderTrainDataset.sample`), `tevatron` a fixed
 * shuffle walked in windows.
 */
export const negativesSettingsSchema = z
  .strictObject({
    fromRank: positiveInt.default(1),
    toRank: positiveInt.default(100),
    perQuery: positiveInt.default(1),
    scoreMargin: z.number().nonnegative().optional(),
    schedule: z.enum(["random", "strided", "tevatron"]).optional(),
  })
  .refine((n) => n.toRank >= n.fromRank, { path: ["toRank"], message: "must be >= negatives.fromRank" })
  .prefault({});

/** In-batch + hard-negative softmax cross-entropy (DPR, Karpukhin et al. 2020, eq. 2) over scores / temperature. */
const contrastiveSettingsSchema = z.strictObject({ temperature: z.number().positive().default(1) }).prefault({});

/**
 * Listwise KL distillation (SimLM, Wang et al. 2023; the I3 reference's `DistillKL`): `weight` x
 * KL(softmax(t / T) || softmax(s / T)) over each training query's candidate list (1 positive +
 * `distillation.negatives` teacher-scored negatives), added to the contrastive loss in the
 * real-query phase. `@i3/distill` distillationLoss `{ kind: "kl" }`.
 */
export const klDistillationSettingsSchema = z.strictObject({
  weight: z.number().nonnegative().default(1),
  temperature: z.number().positive().default(1),
});

/**
 * MarginMSE distillation (Hofstätter et al. 2020, arXiv 2010.02666): `weight` x mean over the
 * list's (p+, p-_j) pairs of ((s+ - s-_j) - (t+ - t-_j))^2, added like `klDistillation`.
 */
export const marginMseSettingsSchema = z.strictObject({ weight: z.number().nonnegative().default(1) });

/**
 * The distillation lists (read only when `losses.klDistillation` or `losses.marginMse` is set):
 * `negatives` = n, the teacher-scored negatives drawn per query and epoch beside one positive
 * (`@i3/distill` sampleCandidates; default 7 here, the reference's 127 for MS MARCO). Absent = n 7.
 */
export const distillationSettingsSchema = z.strictObject({ negatives: positiveInt.default(7) });

/** The distillation loss terms a trainer adds (both optional: absent = no distillation). */
const distillationLossesShape = {
  klDistillation: klDistillationSettingsSchema.optional(),
  marginMse: marginMseSettingsSchema.optional(),
};

/** The dual-encoder's loss: contrastive, plus the optional distillation terms. */
export const dualEncoderLossesSchema = z.strictObject({ contrastive: contrastiveSettingsSchema, ...distillationLossesShape }).prefault({});

const optimizerShape = {
  /**
   * `@i3/train`'s optimizer (absent = `adamw`, PyTorch-exact AdamW; `lamb` = torch_optimizer's
   * LAMB, the I3 reference's, whose weight decay is an L2 term inside the trust ratio).
   */
  kind: z.enum(["adamw", "lamb"]).optional(),
  /** Learning rate, weight decay, betas and epsilon of that optimizer (the defaults are AdamW's). */
  lr: z.number().positive().default(1e-3),
  weightDecay: z.number().nonnegative().default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  /** Fraction of each phase's steps spent warming up linearly (then `schedule`). */
  warmupRatio: z.number().min(0).max(1).default(0.1),
  /**
   * After the warm-up: absent = `linear` decay to 0 at the phase's last step (HF
   * `get_linear_schedule_with_warmup`); `constant` = the base lr to the end (HF
   * `get_constant_schedule_with_warmup`; with `warmupRatio: 0` the I3 reference's constant rate).
   */
  schedule: z.enum(["linear", "constant"]).optional(),
  /** Global gradient-norm clipping (off when absent). */
  clipNorm: z.number().positive().optional(),
};

/** The dual-encoder's optimizer. */
export const optimizerSettingsSchema = z.strictObject(optimizerShape).prefault({});

/** The dual-encoder's optimizer settings with every default filled in (what a trainer reads for a field left absent). */
const OPTIMIZER_DEFAULTS = optimizerSettingsSchema.parse({});

/**
 * The cross-encoder's optimizer (`trainCrossEncoder({ optimizer })`, and the cross-encoder
 * system's): the dual-encoder's fields with their meaning and checks (`kind`, `schedule`,
 * `clipNorm`, ...), but `lr` defaults to 2e-5 (monoBERT fine-tunes a pretrained BERT) and `beta1`,
 * `beta2`, `epsilon` are optional, absent = the dual-encoder's defaults
 * ({@link withOptimizerDefaults}): the cross-encoder had only `lr`, `weightDecay` and
 * `warmupRatio` before, so its parsed settings (and the cache keys made of them) gain nothing a
 * config does not write.
 */
export const crossEncoderOptimizerSettingsSchema = z
  .strictObject({
    ...optimizerShape,
    lr: z.number().positive().default(2e-5),
    beta1: optimizerShape.beta1.unwrap().optional(),
    beta2: optimizerShape.beta2.unwrap().optional(),
    epsilon: optimizerShape.epsilon.unwrap().optional(),
  })
  .prefault({});

/** `optimizer` with an absent `beta1`, `beta2` or `epsilon` at the dual-encoder's default (0.9, 0.999, 1e-8). */
export function withOptimizerDefaults(optimizer: CrossEncoderOptimizerSettings): OptimizerSettings {
  const { beta1, beta2, epsilon } = OPTIMIZER_DEFAULTS;
  return { ...optimizer, beta1: optimizer.beta1 ?? beta1, beta2: optimizer.beta2 ?? beta2, epsilon: optimizer.epsilon ?? epsilon };
}

/** The cross-encoder's optimizer settings, defaults filled in (`beta1`, `beta2`, `epsilon` may be absent). */
export type CrossEncoderOptimizerSettings = z.output<typeof crossEncoderOptimizerSettingsSchema>;
/** What a caller (or a config) writes for the cross-encoder's optimizer. */
export type CrossEncoderOptimizerSettingsInput = z.input<typeof crossEncoderOptimizerSettingsSchema>;

/** The default of `train.checkpointEverySteps` (see {@link trainSettingsSchema}), also `trainCrossEncoder`'s. */
export const DEFAULT_CHECKPOINT_EVERY_STEPS = 100;

/**
 * The training budget: `warmupEpochs` on cropped pseudo-queries (a random window of `cropWords`
 * [min, max] words of every passage, Izacard et al. 2022, "Contriever"), then `epochs` on the real
 * training queries; `batchSize` queries per step. 0 epochs of both = an untrained model.
 *
 * `checkpointEverySteps`: with `checkpoints` given to a trainer, the training state is saved every
 * this many optimizer steps of a phase (and at each phase's end), so an interrupted run continues
 * from there. It never changes the trained model (a resumed run is bit-identical to an
 * uninterrupted one), so cache keys leave it out. Default 100: a couple of minutes of the
 * default budget on two CPU cores (`tiny` preset: about a second a step, estimated from its FLOPs,
 * an eighth of `small`'s measured 7.5 s), a quarter of an hour of `small`, while a checkpoint of
 * `tiny` (weights and AdamW moments, ~18 MB) takes a fraction of a second to write.
 */
export const trainSettingsSchema = z
  .strictObject({
    epochs: epochs.default(2),
    warmupEpochs: epochs.default(2),
    batchSize: positiveInt.default(32),
    cropWords: z
      .tuple([positiveInt, positiveInt])
      .default([4, 12])
      .refine(([min, max]) => min <= max, { message: "cropWords must be [min, max] with min <= max" }),
    checkpointEverySteps: positiveInt.default(DEFAULT_CHECKPOINT_EVERY_STEPS),
  })
  .prefault({});

/** Cross-field checks of where training starts (tokenizer and towers). */
function checkStart(settings: { tokenizer: z.output<typeof tokenizerSettingsSchema>; model: z.output<typeof modelSettingsSchema> }, ctx: z.RefinementCtx): void {
  const { tokenizer, model } = settings;
  if (model.init !== undefined && tokenizer.kind !== "hf") {
    ctx.addIssue({
      code: "custom",
      path: ["tokenizer", "kind"],
      message:
        'model.init needs tokenizer.kind "hf": a vocabulary trained on the corpus cannot match the checkpoint\'s pretrained embeddings ' +
        '(set tokenizer: {kind: "hf"}; its path defaults to the model.init folder)',
    });
  }
  if (tokenizer.kind === "hf" && tokenizer.path === undefined && model.init === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["tokenizer", "path"],
      message: 'tokenizer.kind "hf" needs tokenizer.path (a folder with tokenizer.json or vocab.txt, or that file) or model.init (its folder is the default)',
    });
  }
  if (tokenizer.kind !== "hf" && tokenizer.path !== undefined) {
    ctx.addIssue({ code: "custom", path: ["tokenizer", "path"], message: 'tokenizer.path is read only with tokenizer.kind "hf"' });
  }
}

/** `distillation` is read only with a distillation loss. */
function checkDistillation(settings: { losses: { klDistillation?: unknown; marginMse?: unknown }; distillation?: unknown }, ctx: z.RefinementCtx): void {
  if (settings.distillation !== undefined && settings.losses.klDistillation === undefined && settings.losses.marginMse === undefined) {
    ctx.addIssue({ code: "custom", path: ["distillation"], message: "distillation is read only with losses.klDistillation or losses.marginMse (set one of them, or remove distillation)" });
  }
}

/** Everything that defines a dual-encoder training run (see the module comment). */
export const dualEncoderSettingsSchema = z
  .strictObject({
    tokenizer: tokenizerSettingsSchema,
    model: modelSettingsSchema,
    negatives: negativesSettingsSchema,
    losses: dualEncoderLossesSchema,
    optimizer: optimizerSettingsSchema,
    train: trainSettingsSchema,
    distillation: distillationSettingsSchema.optional(),
  })
  .superRefine(checkStart)
  .superRefine(checkDistillation);

/** Dual-encoder settings with every default filled in. */
export type DualEncoderSettings = z.output<typeof dualEncoderSettingsSchema>;
/** What a caller (or a config) writes: every field optional. */
export type DualEncoderSettingsInput = z.input<typeof dualEncoderSettingsSchema>;
export type TokenizerSettings = DualEncoderSettings["tokenizer"];
export type ModelSettings = DualEncoderSettings["model"];
export type NegativesSettings = DualEncoderSettings["negatives"];
export type OptimizerSettings = DualEncoderSettings["optimizer"];
export type TrainSettings = DualEncoderSettings["train"];

/**
 * I3's heads, with the names and structure of `@i3/encoders`' `I3ConfigInput` and its defaults
 * (`I3_DEFAULTS`, the final reference code's): m `slots` ([CLS] + m-2 [MASK] + [SEP]), the
 * reconstructor's depth and what it cross-attends to, the interactor (off: p* = p0) and its
 * input, the MLM head tied to the word embeddings or not; `warmupFreezeBackbone` trains only the
 * heads during the crop warm-up.
 */
export const i3HeadsSettingsSchema = z
  .strictObject({
    slots: z.number().int().min(3).default(I3_DEFAULTS.slots),
    reconstructor: z
      .strictObject({
        layers: z.number().int().min(1).max(3).default(I3_DEFAULTS.reconstructor.layers),
        /** `pooled` (p0 only) or `tokens`; `cls` is read as `pooled` (its name before the rename; deprecated). */
        memory: z
          .enum(["pooled", "tokens", "cls"])
          .transform((m): "pooled" | "tokens" => (m === "cls" ? "pooled" : m))
          .default(I3_DEFAULTS.reconstructor.memory),
      })
      .prefault({}),
    interactor: z
      .strictObject({
        enabled: z.boolean().default(I3_DEFAULTS.interactor.enabled),
        input: z.enum(["pooled", "tokens"]).default(I3_DEFAULTS.interactor.input),
        /** Encoder layers of the interactor, 1..3 (the reference's `n_head_layers` for `d_head`); absent = 1. */
        layers: z.number().int().min(1).max(3).optional(),
      })
      .prefault({}),
    mlmHead: z.strictObject({ tied: z.boolean().default(I3_DEFAULTS.mlmHead.tied) }).prefault({}),
    warmupFreezeBackbone: z.boolean().default(false),
  })
  .prefault({});

/**
 * I3's losses: the contrastive loss plus beta * L_rec (on by default, as in the paper; `false`
 * switches it off: the "no reconstruction" ablation) with beta = `weight`
 * ({@link reconstructionWeight}: absent = 1, or 2e-4 while distilling) in the crop warm-up and
 * `weight` (`constant`) or `weight` * 10^-(e+1) at 0-based fine-tuning epoch e
 * (`ten-power-minus-epoch`, the reference's 1/10^epoch).
 *
 * `reconstruction.targets`, what fine-tuning reconstructs: absent = the given pseudo-queries
 * when there are any, else the training query of each judged passage, and passages without a
 * target add nothing; `training-queries` = the training query of each judged passage (positives),
 * even when pseudo-queries are given (they then serve the warm-up only); `pseudo-queries` = the
 * I3 reference (`train_dual_encoder.py`, `train_distill.py`): every passage of every group,
 * negatives included, reconstructs its pseudo-query, "what" when it has none.
 */
export const i3LossesSchema = z
  .strictObject({
    contrastive: contrastiveSettingsSchema,
    reconstruction: z
      .union([
        z.strictObject({
          /** beta; absent = 1, or {@link DISTILLATION_RECONSTRUCTION_WEIGHT} when a distillation loss is on. */
          weight: z.number().nonnegative().optional(),
          schedule: z.enum(["constant", "ten-power-minus-epoch"]).default("ten-power-minus-epoch"),
          targets: z.enum(["training-queries", "pseudo-queries"]).optional(),
        }),
        z.literal(false),
      ])
      .prefault({}),
    ...distillationLossesShape,
  })
  .prefault({});

/**
 * The I3 reference's reconstruction weight while distilling: `train_distill.py` adds
 * `0.0002 * mlm_loss` to the distillation loss (Deriq-Qian-Dong/III-Retriever).
 */
export const DISTILLATION_RECONSTRUCTION_WEIGHT = 2e-4;

/**
 * beta of I3's L_rec: `losses.reconstruction.weight` when given; else 1, or the reference's
 * {@link DISTILLATION_RECONSTRUCTION_WEIGHT} when `losses.klDistillation` or `losses.marginMse`
 * is on. 0 when `losses.reconstruction` is `false` (no L_rec).
 */
export function reconstructionWeight(losses: z.output<typeof i3LossesSchema>): number {
  if (losses.reconstruction === false) return 0;
  if (losses.reconstruction.weight !== undefined) return losses.reconstruction.weight;
  return losses.klDistillation !== undefined || losses.marginMse !== undefined ? DISTILLATION_RECONSTRUCTION_WEIGHT : 1;
}

/**
 * I3's optimizer: the dual-encoder's, the heads at `headLrMultiplier` x `lr` (reference 1e-3 /
 * 2e-5 = 50). `mlmHeadLr`: the MLM head's group: absent = `heads` (with the reconstructor and the
 * interactor); `backbone` = the reference's grouping (`'head' in name` selects `c_head`/`d_head`,
 * so its MLM head `cls.*` trains at the backbone's rate; a group `mlm-head` at `lr`).
 */
export const i3OptimizerSettingsSchema = z
  .strictObject({ ...optimizerShape, headLrMultiplier: z.number().positive().default(1), mlmHeadLr: z.enum(["heads", "backbone"]).optional() })
  .prefault({});

/** Everything that defines an I3 training run: the dual-encoder's settings plus `i3`, L_rec and the heads' lr. */
export const i3SettingsSchema = z
  .strictObject({
    tokenizer: tokenizerSettingsSchema,
    model: modelSettingsSchema,
    negatives: negativesSettingsSchema,
    losses: i3LossesSchema,
    optimizer: i3OptimizerSettingsSchema,
    train: trainSettingsSchema,
    i3: i3HeadsSettingsSchema,
    distillation: distillationSettingsSchema.optional(),
  })
  .superRefine(checkStart)
  .superRefine(checkDistillation);

/** I3 settings with every default filled in. */
export type I3Settings = z.output<typeof i3SettingsSchema>;
/** What a caller (or a config) writes: every field optional. */
export type I3SettingsInput = z.input<typeof i3SettingsSchema>;
export type I3HeadsSettings = I3Settings["i3"];
/** L_rec's settings when it is on. */
export type ReconstructionSettings = Exclude<I3Settings["losses"]["reconstruction"], false>;
/** The distillation loss settings (both trainers). */
export type DistillationLossSettings = Pick<DualEncoderSettings["losses"], "klDistillation" | "marginMse">;
/** The distillation list settings. */
export type DistillationSettings = z.output<typeof distillationSettingsSchema>;

/**
 * Parses `input` with `schema`; a problem throws one error listing every issue with its path
 * (`settings error at optimizer.lr: ...`).
 */
export function parseSettings<S extends z.ZodType>(schema: S, input: z.input<S> | undefined): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `settings error at ${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  throw new Error(lines.join("\n"));
}

/**
 * LTRe / ADORE (Zhan et al., arXiv 2010.10469; SIGIR 2021, arXiv 2104.08051; code
 * jingtaozhan/DRhard `adore/train.py`): the query tower alone trains against a fixed dense index.
 * `depth` = K, the passages retrieved from the whole index at every step (DRhard `--neg_topk`,
 * 200) and the cut of the reciprocal ranks (`--metric_cut` 200); `appendRelevant` = which
 * relevant passages that were not retrieved join the list (after the top K, 1/r = 0):
 * `when-none-retrieved` (DRhard: all of the query's relevant passages, only when none is in the
 * top K), `all-missing` (every relevant passage not retrieved, always) or `never`.
 */
export const ltreMethodSettingsSchema = z
  .strictObject({
    depth: positiveInt.default(200),
    appendRelevant: z.enum(["when-none-retrieved", "all-missing", "never"]).default("when-none-retrieved"),
  })
  .prefault({});

/**
 * The fixed index as training and search hold it: `float32` (as encoded), `float16` (IEEE half,
 * round to nearest even) or `pq` (product quantisation, `@i3/search`'s ProductQuantizer: `subspaces`
 * M bytes per passage, `centroids` K per subspace, k-means with `iterations` Lloyd steps on a
 * seeded `sample` of the vectors; the seed is the run's). ADORE's compressed index: 768-d into 96
 * subspaces (8 coordinates each), the default ratio here for a 128-d index (16 subspaces).
 */
export const indexPrecisionSettingsSchema = z
  .strictObject({
    precision: z.enum(["float32", "float16", "pq"]).default("float32"),
    pq: z
      .strictObject({
        subspaces: positiveInt.default(16),
        centroids: z.number().int().min(1).max(256).default(256),
        iterations: positiveInt.default(20),
        sample: positiveInt.default(65_536),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * LTRe's optimizer: the dual-encoder's AdamW fields, with a lower default lr (1e-4: LTRe
 * fine-tunes a trained query tower; DRhard uses 5e-6 for RoBERTa-base) and DRhard's gradient
 * clipping at norm 1 (`--max_grad_norm`).
 */
export const ltreOptimizerSettingsSchema = z.strictObject({ ...optimizerShape, lr: z.number().positive().default(1e-4), clipNorm: z.number().positive().default(1) }).prefault({});

/**
 * LTRe's budget: `epochs` over the training queries, `batchSize` queries per step (DRhard: 6 and
 * 32). `checkpointEverySteps` (absent = 100): with `checkpoints` given to `trainLtre`, how often
 * the training state is saved; it never changes the model (and is optional so that the parsed
 * settings of a config written before it are unchanged).
 */
export const ltreTrainSettingsSchema = z
  .strictObject({ epochs: epochs.default(2), batchSize: positiveInt.default(32), checkpointEverySteps: positiveInt.optional() })
  .prefault({});

/** Everything that defines an LTRe training run (the start model and its index are inputs, not settings). */
export const ltreSettingsSchema = z.strictObject({
  ltre: ltreMethodSettingsSchema,
  index: indexPrecisionSettingsSchema,
  optimizer: ltreOptimizerSettingsSchema,
  train: ltreTrainSettingsSchema,
});

/** LTRe settings with every default filled in. */
export type LtreSettings = z.output<typeof ltreSettingsSchema>;
/** What a caller (or a config) writes: every field optional. */
export type LtreSettingsInput = z.input<typeof ltreSettingsSchema>;
/** Which unretrieved relevant passages join a query's list. */
export type AppendRelevantRule = LtreSettings["ltre"]["appendRelevant"];
/** The index precision settings. */
export type IndexPrecisionSettings = LtreSettings["index"];
