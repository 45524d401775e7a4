/**
 * The neural stages: `pseudo-queries`, `train`, `index` and `retrieve:<split>` of one
 * system. They delegate the work to a {@link NeuralStages} implementation (see ../neural.ts) and
 * only manage keys, folders and the run file.
 */
import { join } from "node:path";
import { writeTrecRun } from "@i3/data";
import type { ExperimentConfig, SystemKind } from "../../config/schema.js";
import type { StageSpec } from "../stage.js";
import type { IndexOutputs, TrainOutputs } from "../neural.js";
import { modelKey, tokenizerKey } from "../pretrained.js";
import type { RunFileOutput } from "./bm25.js";
import { dataSplit, type SplitKey } from "./data.js";

/** Output of the pseudo-queries stage. */
export interface PseudoQueriesOutput {
  readonly kind: string;
  /** `generated.tsv`, absent for `none`. */
  readonly file?: string;
  readonly passages?: number;
}

/**
 * Stage `pseudo-queries`: nothing for `kind: "none"`, else `generated.tsv` (pid<TAB>text, the I3
 * reference's format) from `@i3/pseudoquery` (see ../../systems/pseudoQueries.ts), loaded lazily so
 * BM25-only runs never load TensorFlow.js.
 */
export function pseudoQueriesStage(): StageSpec<PseudoQueriesOutput> {
  return {
    id: "pseudo-queries",
    stage: "pseudo-queries",
    version: 2,
    needs: { data: "data" },
    key: async (config) => ({
      pseudoQueries: config.pseudoQueries,
      trainSplit: config.splits.train,
      seed: config.seed,
      // doc2query trains a model: its size, vocabulary (an `hf` tokenizer: its files' sha256), lengths and device matter.
      ...(config.pseudoQueries.kind === "doc2query"
        ? { tokenizer: await tokenizerKey(config), preset: config.model.preset, lengths: [config.model.queryMaxLength, config.model.passageMaxLength], device: config.device }
        : {}),
    }),
    async run(ctx) {
      const { kind } = ctx.config.pseudoQueries;
      if (kind === "none") return { kind };
      const { generateRunnerPseudoQueries } = await import("../../systems/pseudoQueries.js");
      const { writeGeneratedTsv } = await import("@i3/pseudoquery");
      const texts = await generateRunnerPseudoQueries({
        config: ctx.config,
        collection: await ctx.services.collection(),
        trainSplit: dataSplit(ctx.inputs["data"]!, "train", ctx.config.splits.train).split,
        workDir: ctx.dir,
        log: ctx.log,
      });
      await writeGeneratedTsv(join(ctx.dir, "generated.tsv"), texts);
      ctx.log(`pseudo-queries (${kind}): ${texts.size} passages`);
      return { kind, file: "generated.tsv", passages: texts.size };
    },
  };
}

/**
 * The slice of the config a system's training depends on: the dual-encoder ignores the I3
 * heads, the reconstruction loss and the pseudo-queries, so an I3 ablation reuses its checkpoint.
 * `model.init` and an `hf` tokenizer enter as the sha256 of their files (../pretrained.ts), so
 * editing a checkpoint retrains; configs with neither keep their old keys.
 */
async function trainKey(system: SystemKind, config: ExperimentConfig): Promise<unknown> {
  const common = {
    system,
    tokenizer: await tokenizerKey(config),
    model: await modelKey(config),
    optimizer: system === "i3" ? config.optimizer : { ...config.optimizer, headLrMultiplier: 1 },
    train: config.train,
    perQuery: config.negatives.perQuery,
    schedule: config.negatives.schedule,
    device: config.device,
    seed: config.seed,
  };
  if (system === "i3") return { ...common, losses: config.losses, i3: config.i3 };
  return { ...common, losses: { ...config.losses, reconstruction: undefined } };
}

/** Stage `train` of `system`: a checkpoint (and training log) from the train split's negatives. */
export function trainStage(system: SystemKind): StageSpec<TrainOutputs> {
  return {
    id: `train:${system}`,
    stage: "train",
    // 3: the I3 tokens interactor reads p* off the pooled p0 (docs/bugs-and-fixes.md).
    version: 3,
    needs: { data: "data", negatives: "negatives", ...(system === "i3" ? { pseudoQueries: "pseudo-queries" } : {}) },
    key: (config) => trainKey(system, config),
    async run(ctx) {
      const neural = await ctx.services.neural();
      const negatives = ctx.inputs["negatives"]!;
      const pseudo = ctx.inputs["pseudoQueries"]?.output as PseudoQueriesOutput | undefined;
      const train = dataSplit(ctx.inputs["data"]!, "train", ctx.config.splits.train);
      return neural.train({
        config: ctx.config,
        system,
        collection: await ctx.services.collection(),
        trainSplit: train.split,
        devSplit: ctx.config.splits.dev,
        negativesFile: join(negatives.dir, (negatives.output as { negatives: string }).negatives),
        ...(pseudo?.file ? { pseudoQueriesFile: join(ctx.inputs["pseudoQueries"]!.dir, pseudo.file) } : {}),
        outDir: ctx.dir,
        log: ctx.log,
      });
    },
  };
}

/** Stage `index` of `system`: passage vectors of the whole corpus from the trained checkpoint. */
export function indexStage(system: SystemKind): StageSpec<IndexOutputs> {
  return {
    id: `index:${system}`,
    stage: "index",
    version: 1,
    needs: { data: "data", train: `train:${system}` },
    key: (config) => ({ system, index: config.index, device: config.device }),
    async run(ctx) {
      const neural = await ctx.services.neural();
      const train = ctx.inputs["train"]!;
      return neural.index({
        config: ctx.config,
        system,
        collection: await ctx.services.collection(),
        checkpointDir: join(train.dir, (train.output as TrainOutputs).checkpoint),
        outDir: ctx.dir,
        log: ctx.log,
      });
    },
  };
}

/** Stage `retrieve` of `system` on split key `key`: `run.trec` from the dense index. */
export function retrieveStage(system: SystemKind, key: SplitKey): StageSpec<RunFileOutput> {
  return {
    id: `retrieve:${system}:${key}`,
    stage: "retrieve",
    version: 1,
    needs: { data: "data", train: `train:${system}`, index: `index:${system}` },
    key: (config) => ({ system, split: config.splits[key], retrieve: config.retrieve, device: config.device }),
    async run(ctx) {
      const neural = await ctx.services.neural();
      const train = ctx.inputs["train"]!;
      const index = ctx.inputs["index"]!;
      const split = dataSplit(ctx.inputs["data"]!, key, ctx.config.splits[key]).split;
      const run = await neural.retrieve({
        config: ctx.config,
        system,
        collection: await ctx.services.collection(),
        split,
        checkpointDir: join(train.dir, (train.output as TrainOutputs).checkpoint),
        indexPath: join(index.dir, (index.output as IndexOutputs).index),
        depth: ctx.config.retrieve.depth,
        log: ctx.log,
      });
      await writeTrecRun(join(ctx.dir, "run.trec"), run, { tag: system });
      return { run: "run.trec", queries: run.size };
    },
  };
}
