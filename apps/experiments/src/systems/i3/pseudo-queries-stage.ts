/**
 * Stage `pseudo-queries` of an I3 system: nothing for `kind: "none"`, else `generated.tsv`
 * (pid<TAB>text, the I3 reference's format), one pseudo-query per passage from an
 * `@i3/pseudoquery` source (./pseudo-queries.ts, loaded only when the stage runs).
 */
import { join } from "node:path";
import { z } from "zod";
import type { RunSettings } from "../../config/run-settings.js";
import { defineStage, type StageSpec } from "../../runner/stage.js";
import { dataSplit, type DataOutput } from "../../runner/stages/data.js";
import { tokenizerKey, type StartSettings } from "../dense/keys.js";

/**
 * Pseudo-queries, one per passage: I3's reconstruction targets. `none`: I3 reconstructs each
 * passage's own warm-up crop, then the real training query of the passages judged relevant;
 * any other kind replaces both targets. `rake` = RAKE keywords (Rose et al. 2010); `spans` =
 * Poisson-length word spans (the reference's corpus pre-training); `doc2query` = an
 * encoder-decoder trained in the project on the train split's (passage, query) pairs, decoded
 * greedily (Nogueira et al. 2019); `training-queries` = the first training query judging the
 * passage relevant (judged passages only).
 */
export const pseudoQueriesSettingsSchema = z
  .strictObject({
    kind: z.enum(["none", "rake", "spans", "doc2query", "training-queries"]).default("none"),
    /** doc2query: training epochs over the train split's pairs (model size = `model.preset`). */
    doc2queryEpochs: z.number().int().positive().default(10),
  })
  .prefault({});

/** The settings the pseudo-queries stage reads. */
export type PseudoQueriesSettings = z.output<typeof pseudoQueriesSettingsSchema>;

/** The I3 settings fields doc2query reads (its model size, vocabulary and lengths follow the retriever's). */
export interface Doc2QuerySettings extends StartSettings {
  readonly pseudoQueries: PseudoQueriesSettings;
  readonly tokenizer: StartSettings["tokenizer"] & { readonly vocabSize: number; readonly lowercase: boolean };
  readonly model: StartSettings["model"] & { readonly preset: unknown; readonly queryMaxLength: number; readonly passageMaxLength: number };
}

/** Output of the pseudo-queries stage. */
export interface PseudoQueriesOutput {
  readonly kind: string;
  /** `generated.tsv`, absent for `none`. */
  readonly file?: string;
  readonly passages?: number;
}

/** The pseudo-queries stage of I3 system `system`. */
export function pseudoQueriesStage(args: { system: string; settings: Doc2QuerySettings; run: RunSettings; data: StageSpec<DataOutput> }) {
  const { settings, run } = args;
  const { kind } = settings.pseudoQueries;
  return defineStage({
    ref: { stage: "pseudo-queries", system: args.system },
    version: 3,
    needs: { data: args.data },
    key: async () => ({
      pseudoQueries: settings.pseudoQueries,
      trainSplit: run.splits.train,
      seed: run.seed,
      // doc2query trains a model: its size, vocabulary (an `hf` tokenizer: its files' sha256), lengths and device matter.
      ...(kind === "doc2query"
        ? { tokenizer: await tokenizerKey(settings), preset: settings.model.preset, lengths: [settings.model.queryMaxLength, settings.model.passageMaxLength], device: run.device }
        : {}),
    }),
    async run(ctx): Promise<PseudoQueriesOutput> {
      if (kind === "none") return { kind };
      const { generatePseudoQueriesFor } = await import("./pseudo-queries.js");
      const { writeGeneratedTsv } = await import("@i3/pseudoquery");
      const texts = await generatePseudoQueriesFor({
        settings,
        run,
        collection: await ctx.services.collection(),
        trainSplit: dataSplit(ctx.inputs.data, "train").split,
        workDir: ctx.dir,
        log: ctx.log,
      });
      await writeGeneratedTsv(join(ctx.dir, "generated.tsv"), texts);
      ctx.log(`pseudo-queries (${kind}): ${texts.size} passages`);
      return { kind, file: "generated.tsv", passages: texts.size };
    },
  });
}
