/**
 * Stage `pseudo-queries` of an I3 system: nothing for `kind: "none"`, else `generated.tsv`
 * (pid<TAB>text, the I3 reference's format), one pseudo-query per passage from an
 * `@i3/pseudoquery` source (./pseudo-queries.ts, loaded only when the stage runs).
 */
import { join } from "node:path";
import type { RunSettings } from "../../config/run-settings.js";
import { defineStage, type StageSpec } from "../../runner/stage.js";
import { dataSplit, type DataOutput } from "../../runner/stages/data.js";
import { tokenizerKey } from "../dense/keys.js";
import type { Doc2QuerySettings } from "./settings.js";

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
