/**
 * Stage `pseudo-queries` of an I3 system: nothing for `kind: "none"`, else `generated.tsv`
 * (pid<TAB>text, the I3 reference's format), one pseudo-query per passage from an
 * `@i3/pseudoquery` source (./pseudo-queries.ts, loaded only when the stage runs).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { sha256File } from "@i3/core";
import type { RunSettings } from "../../config/run-settings.js";
import { defineStage, type StageSpec } from "../../runner/stage.js";
import { dataSplit, type DataOutput } from "../../runner/stages/data.js";
import { tokenizerKey } from "../dense/keys.js";
import type { Doc2QuerySettings, PseudoQueriesSettings } from "./settings.js";

/** The files of an ONNX seq2seq export that decide its output (`@i3/pseudoquery` `onnxSeq2SeqSource`). */
function onnxModelFiles(dtype: string): string[] {
  const suffix = dtype === "fp32" ? "" : dtype === "q8" ? "_quantized" : `_${dtype}`;
  return ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", `onnx/encoder_model${suffix}.onnx`, `onnx/decoder_model_merged${suffix}.onnx`];
}

/**
 * `pseudoQueries` as the stage key sees it: for `onnx`, the sha256 of each model file that
 * exists instead of the folder's path (a changed model is regenerated, a moved one is not).
 */
export async function pseudoQueriesKey(p: PseudoQueriesSettings): Promise<unknown> {
  if (p.onnx === undefined) return p;
  const { model, ...options } = p.onnx;
  const files: Record<string, string> = {};
  for (const name of onnxModelFiles(options.dtype ?? "fp32")) {
    const path = join(model, name);
    if ((await stat(path).catch(() => undefined))?.isFile()) files[name] = await sha256File(path);
  }
  return { ...p, onnx: { ...options, model: files } };
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
      pseudoQueries: await pseudoQueriesKey(settings.pseudoQueries),
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
