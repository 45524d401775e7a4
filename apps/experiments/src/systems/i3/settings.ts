/**
 * The I3 system's settings: `@i3/retrievers`' I3 training settings (one name per setting, its
 * defaults), the pseudo-query source of its reconstruction targets, and the runner's: where the
 * hard negatives come from, indexing and retrieval depth.
 */
import { i3SettingsSchema, type ModelSettings, type TokenizerSettings } from "@i3/retrievers/settings";
import { z } from "zod";
import { checkTeacherGiven, distillationRunnerSettingsSchema } from "../dense/distillation-settings.js";
import { indexSettingsSchema, negativesFromSchema, retrieveSettingsSchema } from "../dense/settings.js";

/**
 * Pseudo-queries, one per passage: I3's reconstruction targets. `none`: I3 reconstructs each
 * passage's own warm-up crop, then the real training query of the passages judged relevant;
 * any other kind replaces both targets (see `losses.reconstruction.targets`). `rake` = RAKE
 * keywords (Rose et al. 2010); `spans` = Poisson-length word spans (the reference's corpus
 * pre-training); `doc2query` = an encoder-decoder trained in the project on the train split's
 * (passage, query) pairs, decoded greedily (Nogueira et al. 2019); `training-queries` = the
 * first training query judging the passage relevant (judged passages only); `onnx` = a
 * pre-trained seq2seq generator exported to ONNX (e.g. doc2query-T5, or Flan-T5 as the I3
 * authors used), run locally through transformers.js (`@i3/pseudoquery` `onnxSeq2SeqSource`,
 * greedy or beam search; `onnx.model` names the folder).
 */
export const pseudoQueriesSettingsSchema = z
  .strictObject({
    kind: z.enum(["none", "rake", "spans", "doc2query", "training-queries", "onnx"]).default("none"),
    /** doc2query: training epochs over the train split's pairs (model size = `model.preset`). */
    doc2queryEpochs: z.number().int().positive().default(10),
    /**
     * onnx: the transformers.js export folder (`model`: config.json, tokenizer.json,
     * onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx) and `@i3/pseudoquery`'s
     * `OnnxSeq2SeqOptions` (defaults there: fp32, 64 new tokens, greedy, 512 input tokens, no prefix).
     */
    onnx: z
      .strictObject({
        model: z.string().min(1),
        dtype: z.enum(["fp32", "fp16", "q8", "int8", "uint8", "q4"]).optional(),
        maxNewTokens: z.number().int().positive().optional(),
        numBeams: z.number().int().positive().optional(),
        maxInputLength: z.number().int().positive().optional(),
        prefix: z.string().optional(),
        batchSize: z.number().int().positive().optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.kind === "onnx" && p.onnx === undefined) ctx.addIssue({ code: "custom", path: ["onnx"], message: 'pseudoQueries.kind "onnx" needs onnx.model (a transformers.js seq2seq export folder)' });
    if (p.kind !== "onnx" && p.onnx !== undefined) ctx.addIssue({ code: "custom", path: ["onnx"], message: 'pseudoQueries.onnx is read only with kind "onnx"' });
  })
  .prefault({});

/** The settings the pseudo-queries stage reads. */
export type PseudoQueriesSettings = z.output<typeof pseudoQueriesSettingsSchema>;

/** The I3 settings fields doc2query reads (its model size, vocabulary and lengths follow the retriever's). */
export interface Doc2QuerySettings {
  readonly pseudoQueries: PseudoQueriesSettings;
  readonly tokenizer: TokenizerSettings;
  readonly model: ModelSettings;
}

/** I3's settings in a config (`distillation` adds the teacher and the pool depth). */
export const i3Settings = i3SettingsSchema
  .safeExtend({
    kind: z.literal("i3"),
    negatives: i3SettingsSchema.shape.negatives.unwrap().safeExtend({ from: negativesFromSchema }).prefault({}),
    pseudoQueries: pseudoQueriesSettingsSchema,
    index: indexSettingsSchema,
    retrieve: retrieveSettingsSchema,
    distillation: distillationRunnerSettingsSchema.optional(),
  })
  .superRefine(checkTeacherGiven)
  .superRefine((s, ctx) => {
    if (s.losses.reconstruction !== false && s.losses.reconstruction.targets === "pseudo-queries" && s.pseudoQueries.kind === "none") {
      ctx.addIssue({
        code: "custom",
        path: ["losses", "reconstruction", "targets"],
        message: 'targets "pseudo-queries" reconstructs each passage\'s pseudo-query: set pseudoQueries.kind (e.g. "rake", "doc2query" or "onnx")',
      });
    }
  });

/** The resolved settings of an I3 system. */
export type I3SystemSettings = z.output<typeof i3Settings>;
