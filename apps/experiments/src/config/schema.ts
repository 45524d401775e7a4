/**
 * The experiment config schema (zod 4): one source of truth for the TypeScript types
 * (`ExperimentInput` = what a config file may write, `ExperimentConfig` = the resolved config with
 * every default filled) and for runtime validation. Every object is strict: an unknown field is an
 * error, never silently ignored.
 */
import { z } from "zod";

/** Measures reported when a config names none (the same as `i3 eval`). */
export const DEFAULT_MEASURES = ["AP", "nDCG@10", "RR@10", "R@100", "R@1000", "P@10"] as const;

/** Systems the runner knows how to produce. */
export const SYSTEM_KINDS = ["bm25", "dual-encoder", "i3"] as const;
/** A system compared in one run. */
export type SystemKind = (typeof SYSTEM_KINDS)[number];

const slug = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._=,+-]*$/, "expected a name of letters, digits and . _ = , + - (no spaces or slashes)");
const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/** Query splits of the dataset used for training, model selection and the final evaluation. */
export const splitsSchema = z
  .strictObject({
    train: z.string().default("train"),
    dev: z.string().default("dev"),
    test: z.string().default("test"),
  })
  .default({ train: "train", dev: "dev", test: "test" });

/**
 * Tokenizer: a WordPiece vocabulary trained on the corpus (`vocabSize`, `lowercase`), or a Hugging
 * Face tokenizer (`hf`: its own files decide vocabulary and lowercasing; `vocabSize` and
 * `lowercase` are ignored).
 */
export const tokenizerSchema = z
  .strictObject({
    kind: z.enum(["wordpiece-trained", "hf"]).default("wordpiece-trained"),
    vocabSize: positiveInt.default(8192),
    /** For `hf`: a folder with tokenizer.json or vocab.txt, or that file; default: the `model.init` folder. */
    path: z.string().optional(),
    lowercase: z.boolean().default(true),
  })
  .default({ kind: "wordpiece-trained", vocabSize: 8192, lowercase: true });

/** A custom transformer size (instead of a preset). */
export const modelSizeSchema = z.strictObject({
  layers: positiveInt,
  hidden: positiveInt,
  heads: positiveInt,
  intermediate: positiveInt,
  dropout: z.number().min(0).max(1).default(0.1),
});

/** The encoder(s) of the neural systems (the I3 retriever adds the `i3` section's heads). */
export const modelSchema = z
  .strictObject({
    kind: z.literal("dual-encoder").default("dual-encoder"),
    preset: z.union([z.enum(["tiny", "small", "base"]), modelSizeSchema]).default("tiny"),
    sharedTowers: z.boolean().default(true),
    pooling: z.enum(["cls", "mean"]).default("cls"),
    queryMaxLength: positiveInt.default(32),
    passageMaxLength: positiveInt.default(128),
    /**
     * Optional Hugging Face BERT folder (config.json + model.safetensors) both towers start from;
     * its config.json sets the size (`preset` is then ignored). Needs `tokenizer.kind: "hf"`.
     */
    init: z.string().optional(),
  })
  .default({ kind: "dual-encoder", preset: "tiny", sharedTowers: true, pooling: "cls", queryMaxLength: 32, passageMaxLength: 128 });

/** First-stage retrieval: BM25 (Lucene/Anserini parameters). */
export const firstStageSchema = z
  .strictObject({
    kind: z.literal("bm25").default("bm25"),
    k1: z.number().positive().default(0.9),
    b: z.number().min(0).max(1).default(0.4),
    /** Documents retrieved per query. */
    depth: positiveInt.default(1000),
  })
  .default({ kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 });

/** Hard negatives mined from the first-stage run of the train split (`@i3/data` mineHardNegatives). */
export const negativesSchema = z
  .strictObject({
    fromRank: positiveInt.default(1),
    toRank: positiveInt.default(200),
    /** Negatives per query in each training group. */
    perQuery: positiveInt.default(7),
    schedule: z.enum(["random", "strided", "tevatron"]).default("random"),
    /** Drop candidates scoring within this margin of the positive (run score units). */
    scoreMargin: nonNegative.optional(),
  })
  .default({ fromRank: 1, toRank: 200, perQuery: 7, schedule: "random" });

/**
 * Pseudo-queries, one per passage (`@i3/pseudoquery`, cached in the reference's `generated.tsv`):
 * I3's reconstruction targets. `none`: I3 reconstructs each passage's own warm-up crop, then the
 * real training query of the passages judged relevant; any other kind replaces both targets.
 * `rake` = RAKE keywords (Rose et al. 2010); `spans` = Poisson-length word spans (the reference's
 * corpus pre-training); `doc2query` = an encoder-decoder trained in the project on the train
 * split's (passage, query) pairs, decoded greedily (Nogueira et al. 2019); `training-queries` =
 * the first training query judging the passage relevant (judged passages only).
 */
export const pseudoQueriesSchema = z
  .strictObject({
    kind: z.enum(["none", "rake", "spans", "doc2query", "training-queries"]).default("none"),
    /** doc2query: training epochs over the train split's pairs (model size = `model.preset`). */
    doc2queryEpochs: positiveInt.default(10),
  })
  .default({ kind: "none", doc2queryEpochs: 10 });

/**
 * The I3 retriever's switches (`@i3/encoders` I3Config; defaults = the final reference code).
 * The reconstruction loss weight beta and its schedule are `losses.reconstruction` (absent = no
 * L_rec at all); the heads' learning rate is `optimizer.headLrMultiplier` x lr.
 */
export const i3Schema = z
  .strictObject({
    /** m, pseudo-query slots ([CLS] + m-2 [MASK] + [SEP]). */
    slots: z.number().int().min(3).default(32),
    /** Reconstructor depth (1-3) and what its cross-attention reads: all passage tokens or [CLS] only. */
    reconstructorLayers: z.number().int().min(1).max(3).default(1),
    memory: z.enum(["cls", "tokens"]).default("cls"),
    /** Interactor input: [p0 ; mean Z] (`pooled`), passage tokens + Z (`tokens`), or `off` (p* = p0). */
    interactor: z.enum(["pooled", "tokens", "off"]).default("pooled"),
    /** MLM decoder tied to the word embeddings (reference: untied). */
    tiedMlmHead: z.boolean().default(false),
    /** Train only the heads during the warm-up phase. */
    warmupFreezeBackbone: z.boolean().default(false),
  })
  .default({ slots: 32, reconstructorLayers: 1, memory: "cls", interactor: "pooled", tiedMlmHead: false, warmupFreezeBackbone: false });

const weight = nonNegative.default(1);

/** Losses and their weights; absent = not used. */
export const lossesSchema = z
  .strictObject({
    contrastive: z
      .strictObject({ weight, temperature: z.number().positive().default(1), inBatchNegatives: z.boolean().default(true) })
      .optional(),
    reconstruction: z
      .strictObject({ weight, schedule: z.enum(["constant", "ten-power-minus-epoch"]).default("ten-power-minus-epoch") })
      .optional(),
    klDistillation: z.strictObject({ weight, temperature: z.number().positive().default(1) }).optional(),
    marginMse: z.strictObject({ weight }).optional(),
  })
  .default({ contrastive: { weight: 1, temperature: 1, inBatchNegatives: true } });

/** AdamW with linear warm-up and decay; heads may get a higher learning rate (I3 reference: 50x). */
export const optimizerSchema = z
  .strictObject({
    kind: z.literal("adamw").default("adamw"),
    lr: z.number().positive().default(2e-5),
    weightDecay: nonNegative.default(0.01),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
    /** Fraction of the training steps spent warming up linearly. */
    warmupRatio: z.number().min(0).max(1).default(0.1),
    schedule: z.enum(["linear", "constant"]).default("linear"),
    headLrMultiplier: z.number().positive().default(1),
    gradClipNorm: z.number().positive().optional(),
  })
  .default({
    kind: "adamw",
    lr: 2e-5,
    weightDecay: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    warmupRatio: 0.1,
    schedule: "linear",
    headLrMultiplier: 1,
  });

/** Training loop sizes. */
export const trainSchema = z
  .strictObject({
    epochs: positiveInt.default(1),
    /** Epochs on cropped pseudo-queries before the real queries (0 = none). */
    warmupEpochs: z.number().int().nonnegative().default(1),
    batchSize: positiveInt.default(16),
    /** Stop after this many optimiser steps (for smoke runs). */
    maxSteps: positiveInt.optional(),
  })
  .default({ epochs: 1, warmupEpochs: 1, batchSize: 16 });

/** Paired significance tests against the baseline. */
export const significanceSchema = z
  .strictObject({
    tests: z.array(z.enum(["t", "randomization"])).min(1).default(["t", "randomization"]),
    alpha: z.number().gt(0).lt(1).default(0.05),
    permutations: positiveInt.default(10_000),
  })
  .default({ tests: ["t", "randomization"], alpha: 0.05, permutations: 10_000 });

/** What is measured and how (trec_eval flags in the comments). */
export const evaluationSchema = z
  .strictObject({
    /** Split keys (of `splits`) evaluated. */
    splits: z.array(z.enum(["train", "dev", "test"])).min(1).default(["test"]),
    measures: z.array(z.string().min(1)).min(1).default([...DEFAULT_MEASURES]),
    /** The measure of the bar chart and the sweep summary. */
    mainMeasure: z.string().default("nDCG@10"),
    /** [-c] average over every qrels query (missing = 0). */
    allQueries: z.boolean().default(false),
    /** [-l] minimum grade for binary measures. */
    relevanceLevel: z.number().int().nonnegative().default(1),
    /** [-M] ranking depth. */
    depth: positiveInt.optional(),
    /** BEIR: drop retrieved documents whose id equals the query id. */
    removeSelfHits: z.boolean().default(false),
    significance: significanceSchema,
  })
  .default({
    splits: ["test"],
    measures: [...DEFAULT_MEASURES],
    mainMeasure: "nDCG@10",
    allQueries: false,
    relevanceLevel: 1,
    removeSelfHits: false,
    significance: { tests: ["t", "randomization"], alpha: 0.05, permutations: 10_000 },
  });

/** Dense index and retrieval of the neural systems. */
export const indexSchema = z
  .strictObject({ kind: z.literal("flat").default("flat"), batchSize: positiveInt.default(64) })
  .default({ kind: "flat", batchSize: 64 });
/** Retrieval depth of the neural systems. */
export const retrieveSchema = z.strictObject({ depth: positiveInt.default(1000) }).default({ depth: 1000 });

/** A whole experiment. */
export const experimentSchema = z
  .strictObject({
    name: slug,
    description: z.string().optional(),
    /** Registry name: `default`, `msmarco-passage`, `beir/<name>`, `local:<dir>`. */
    dataset: z.string().min(1).default("default"),
    splits: splitsSchema,
    systems: z.array(z.enum(SYSTEM_KINDS)).min(1).default(["bm25"]),
    baseline: z.enum(SYSTEM_KINDS).default("bm25"),
    tokenizer: tokenizerSchema,
    model: modelSchema,
    firstStage: firstStageSchema,
    negatives: negativesSchema,
    pseudoQueries: pseudoQueriesSchema,
    i3: i3Schema,
    losses: lossesSchema,
    optimizer: optimizerSchema,
    train: trainSchema,
    index: indexSchema,
    retrieve: retrieveSchema,
    device: z.enum(["auto", "gpu", "cpu", "wasm", "js"]).default("auto"),
    seed: z.number().int().nonnegative().default(42),
    evaluation: evaluationSchema,
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.systems.forEach((system, i) => {
      if (seen.has(system)) ctx.addIssue({ code: "custom", path: ["systems", i], message: `system "${system}" is listed twice` });
      seen.add(system);
    });
    if (!config.systems.includes(config.baseline)) {
      ctx.addIssue({ code: "custom", path: ["baseline"], message: `baseline "${config.baseline}" is not one of systems [${config.systems.join(", ")}]` });
    }
    if (!config.evaluation.measures.includes(config.evaluation.mainMeasure)) {
      ctx.addIssue({
        code: "custom",
        path: ["evaluation", "mainMeasure"],
        message: `"${config.evaluation.mainMeasure}" is not one of evaluation.measures`,
      });
    }
    if (config.model.init !== undefined && config.tokenizer.kind !== "hf") {
      ctx.addIssue({
        code: "custom",
        path: ["tokenizer", "kind"],
        message:
          `model.init needs tokenizer.kind "hf": a vocabulary trained on the corpus cannot match the checkpoint's pretrained embeddings ` +
          `(set tokenizer: {kind: "hf"}; its path defaults to the model.init folder)`,
      });
    }
    if (config.tokenizer.kind === "hf" && config.tokenizer.path === undefined && config.model.init === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["tokenizer", "path"],
        message: 'tokenizer.kind "hf" needs tokenizer.path (a folder with tokenizer.json or vocab.txt, or that file) or model.init (its folder is the default)',
      });
    }
    if (config.negatives.toRank < config.negatives.fromRank) {
      ctx.addIssue({ code: "custom", path: ["negatives", "toRank"], message: `must be >= negatives.fromRank (${config.negatives.fromRank})` });
    }
  });

/** What a config file writes (defaults optional). */
export type ExperimentInput = z.input<typeof experimentSchema>;
/** The resolved config: every default filled in. */
export type ExperimentConfig = z.output<typeof experimentSchema>;
