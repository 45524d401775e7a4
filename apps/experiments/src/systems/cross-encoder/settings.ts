/**
 * The cross-encoder system's settings (monoBERT re-ranker, Nogueira & Cho 2019; trained with
 * `@i3/retrievers` trainCrossEncoder: localized contrastive loss over 1 positive + n hard
 * negatives, Gao et al. 2021, arXiv 2101.08751). Defaults follow trainCrossEncoder's, except the
 * learning rate: 1e-3, as the dense systems, because the default model trains from scratch
 * (trainCrossEncoder's 2e-5 suits a pretrained `model.init`). The settings added after the first
 * cached runs (the optimizer's `kind`, `beta1`, `beta2`, `epsilon`, `schedule`, `clipNorm`;
 * `train.checkpointEverySteps`) are optional, absent = the behaviour before them, so the parsed
 * settings, and the train stage's key, of an older config are unchanged.
 */
import { crossEncoderOptimizerSettingsSchema, modelSizeSchema, tokenizerSettingsSchema } from "@i3/retrievers/settings";
import { z } from "zod";

const positiveInt = z.number().int().positive();

/** The cross-encoder's settings in a config. */
export const crossEncoderSettings = z
  .strictObject({
    kind: z.literal("cross-encoder"),
    /** What it re-ranks: the top `depth` of system `from`'s run on each evaluated split (its training negatives come from `from`'s train-split run too). */
    rerank: z.strictObject({ from: z.string().min(1).default("bm25"), depth: positiveInt.default(100) }).prefault({}),
    /** Training groups: 1 judged positive + `perQuery` negatives drawn (seeded, per epoch) from the top `depth` of `rerank.from`'s train-split run, positives removed. */
    negatives: z.strictObject({ depth: positiveInt.default(100), perQuery: positiveInt.default(7) }).prefault({}),
    /** Tokenizer: a WordPiece vocabulary trained on the corpus, or a Hugging Face one (as the dense systems). */
    tokenizer: tokenizerSettingsSchema,
    /**
     * The transformer: a preset or size, or `init` (a Hugging Face BERT folder the encoder starts
     * from; needs `tokenizer.kind: "hf"`); `maxLength` = pair tokens ([CLS] q [SEP] p [SEP]), longest-first truncation.
     */
    model: z
      .strictObject({
        preset: z.union([z.enum(["tiny", "small", "base"]), modelSizeSchema]).default("tiny"),
        init: z.string().min(1).optional(),
        maxLength: positiveInt.default(160),
      })
      .prefault({}),
    /**
     * `@i3/retrievers`' cross-encoder optimizer (the dual-encoder's settings, one name each: AdamW
     * or `kind: "lamb"`, linear warm-up over `warmupRatio` of the steps then linear decay or
     * `schedule: "constant"`, `clipNorm`; `beta1`, `beta2`, `epsilon` optional), lr 1e-3 here.
     */
    optimizer: crossEncoderOptimizerSettingsSchema.unwrap().safeExtend({ lr: z.number().positive().default(1e-3) }).prefault({}),
    /**
     * `epochs` over the training queries, `batchSize` queries (groups) per step;
     * `checkpointEverySteps` (absent = 100): how often the train stage saves its state for a
     * resume (never changes the model, so not in the key).
     */
    train: z
      .strictObject({ epochs: z.number().int().nonnegative().default(1), batchSize: positiveInt.default(8), checkpointEverySteps: positiveInt.optional() })
      .prefault({}),
    /** Re-ranking: pairs per forward pass (does not change the scores, so not in the cache key). */
    score: z.strictObject({ batchSize: positiveInt.default(32) }).prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.model.init !== undefined && s.tokenizer.kind !== "hf") {
      ctx.addIssue({ code: "custom", path: ["tokenizer", "kind"], message: 'model.init needs tokenizer.kind "hf" (the checkpoint\'s own vocabulary)' });
    }
    if (s.tokenizer.kind === "hf" && s.tokenizer.path === undefined && s.model.init === undefined) {
      ctx.addIssue({ code: "custom", path: ["tokenizer", "path"], message: 'tokenizer.kind "hf" needs tokenizer.path or model.init' });
    }
  });

/** The resolved settings of a cross-encoder system. */
export type CrossEncoderSystemSettings = z.output<typeof crossEncoderSettings>;
