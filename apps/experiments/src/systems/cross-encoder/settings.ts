/**
 * The cross-encoder system's settings (monoBERT re-ranker, Nogueira & Cho 2019; trained with
 * `@i3/retrievers` trainCrossEncoder: localized contrastive loss over 1 positive + n hard
 * negatives, Gao et al. 2021, arXiv 2101.08751). Defaults follow trainCrossEncoder's, except the
 * learning rate: 1e-3, as the dense systems, because the default model trains from scratch
 * (trainCrossEncoder's 2e-5 suits a pretrained `model.init`).
 */
import { modelSizeSchema, tokenizerSettingsSchema } from "@i3/retrievers/settings";
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
    /** AdamW with linear warm-up (`warmupRatio` of the steps) and linear decay. */
    optimizer: z
      .strictObject({ lr: z.number().positive().default(1e-3), weightDecay: z.number().nonnegative().default(0.01), warmupRatio: z.number().min(0).max(1).default(0.1) })
      .prefault({}),
    /** `epochs` over the training queries, `batchSize` queries (groups) per step. */
    train: z.strictObject({ epochs: z.number().int().nonnegative().default(1), batchSize: positiveInt.default(8) }).prefault({}),
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
