/**
 * The stages every dense first-stage system shares (the dual-encoder and I3): hard negatives
 * mined from another system's train-split run, training, indexing the corpus into one vector
 * per passage, and exact inner-product retrieval. A system supplies its settings, its training
 * code and its checkpoint loader (./model-code.ts), loaded only when a stage runs, so a
 * BM25-only run never loads TensorFlow.js.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { loadQrels, loadTrecRun, mineHardNegatives, writeNegativesTsv, writeTrecRun } from "@i3/data";
import type { RunSettings, SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput, type StageNeeds, type StageContext, type StageSpec, type TrainedModelOutput } from "../../runner/stage.js";
import { dataSplit, type DataOutput } from "../../runner/stages/data.js";
import type { DenseIndexOutput, EvaluationTarget } from "../system.js";
import { inferenceKey } from "./keys.js";
import { indexKey } from "./settings.js";
import type { DenseModelCode, DenseSettings } from "./model-code.js";
import { teacherScoresStage } from "./teacher-scores-stage.js";

/** Output of the negatives stage. */
export interface NegativesOutput {
  /** `qid<TAB>pid1,pid2,...` (the I3 reference's format), relative to the stage folder. */
  readonly negatives: string;
  /** The mining report. */
  readonly mining: string;
  readonly queries: number;
}

/**
 * Stage `negatives`: hard negatives of the train split's queries, mined from `firstStage`'s run
 * with `@i3/data`'s `mineHardNegatives` (ranks `fromRank..toRank`, positives (grade >= 1)
 * removed, optional score margin).
 */
export function negativesStage(args: { system: string; settings: DenseSettings; data: StageSpec<DataOutput>; firstStage: StageSpec<RunFileOutput> }) {
  const { fromRank, toRank, scoreMargin } = args.settings.negatives;
  return defineStage({
    ref: { stage: "negatives", system: args.system },
    version: 2,
    needs: { data: args.data, firstStage: args.firstStage },
    key: () => ({ fromRank, toRank, scoreMargin }),
    async run(ctx): Promise<NegativesOutput> {
      const train = dataSplit(ctx.inputs.data, "train");
      const [qrels, run] = await Promise.all([
        loadQrels(join(ctx.inputs.data.dir, train.qrels), { format: "trec" }),
        loadTrecRun(join(ctx.inputs.firstStage.dir, ctx.inputs.firstStage.output.run)),
      ]);
      const mining = mineHardNegatives(run, qrels, { fromRank, toRank, relevanceLevel: 1, ...(scoreMargin !== undefined ? { scoreMargin } : {}) });
      if (mining.negatives.size === 0) throw new Error(`negatives: no training query of split "${train.split}" has both a positive and a negative in the first-stage run`);
      await writeNegativesTsv(join(ctx.dir, "negatives.tsv"), mining.negatives);
      const report = {
        queries: mining.negatives.size,
        queriesWithoutPositives: mining.queriesWithoutPositives.length,
        queriesNotInRun: mining.queriesNotInRun.length,
        queriesWithoutNegatives: mining.queriesWithoutNegatives.length,
        queriesWithoutMarginReference: mining.queriesWithoutMarginReference.length,
        droppedByMargin: mining.droppedByMargin,
      };
      await writeFileAtomic(join(ctx.dir, "mining.json"), `${JSON.stringify(report, null, 2)}\n`);
      ctx.log(`${mining.negatives.size} training queries with hard negatives`);
      return { negatives: "negatives.tsv", mining: "mining.json", queries: mining.negatives.size };
    },
  });
}

/**
 * Stage `train`: a checkpoint folder and a training log from the train split and its hard
 * negatives (plus whatever else the system needs: `extra`, e.g. I3's pseudo-queries). `key` is
 * the system's training settings with its pretrained files' fingerprints, without
 * `train.checkpointEverySteps` (`trainKey`). The training state is saved in the stage's work
 * folder, so a killed run's next execution continues from its last checkpoint.
 */
export function trainStage<S extends DenseSettings, N extends StageNeeds>(args: {
  system: string;
  kind: string;
  settings: S;
  run: RunSettings;
  data: StageSpec<DataOutput>;
  negatives: StageSpec<NegativesOutput>;
  extra: N;
  version: number;
  key: () => Promise<unknown>;
  code: () => Promise<DenseModelCode<S>>;
}) {
  const { settings, run } = args;
  return defineStage({
    ref: { stage: "train", system: args.system },
    version: args.version,
    needs: { ...args.extra, data: args.data, negatives: args.negatives },
    key: async () => ({ kind: args.kind, trainSplit: run.splits.train, seed: run.seed, device: run.device, settings: await args.key() }),
    async run(ctx: StageContext<N & { data: StageSpec<DataOutput>; negatives: StageSpec<NegativesOutput> }>): Promise<TrainedModelOutput> {
      const code = await args.code();
      const negatives = ctx.inputs.negatives;
      return code.train({
        settings,
        run,
        collection: await ctx.services.collection(),
        trainSplit: dataSplit(ctx.inputs.data, "train").split,
        negativesFile: join(negatives.dir, negatives.output.negatives),
        inputs: ctx.inputs,
        outDir: ctx.dir,
        workDir: ctx.workDir,
        log: ctx.log,
      });
    },
  });
}

/**
 * Stage `index`: every passage encoded by the trained checkpoint into an `@i3/search` dense
 * index, on the engine `inference` asks for (default the run's; `label` names the stage in logs
 * when a plan holds two indexes of one system). On an out-of-domain dataset (`outOfDomain`: its
 * data stage), the passages of that dataset's corpus; the data stage is then an input, so the
 * hash follows that corpus's fingerprint (the experiment's own index keeps its key and inputs).
 */
export function indexStage<S extends DenseSettings>(args: {
  system: string;
  kind: string;
  settings: S;
  run: RunSettings;
  trained: StageSpec<TrainedModelOutput>;
  code: () => Promise<DenseModelCode<S>>;
  inference?: RunSettings["inference"];
  label?: string;
  outOfDomain?: { readonly dataset: string; readonly data: StageSpec<DataOutput> };
}) {
  const { settings, outOfDomain } = args;
  const run = { ...args.run, inference: args.inference ?? args.run.inference };
  return defineStage({
    ref: { stage: "index", system: args.label ?? args.system, ...(outOfDomain ? { dataset: outOfDomain.dataset } : {}) },
    version: 1,
    needs: { trained: args.trained, ...(outOfDomain ? { data: outOfDomain.data } : {}) },
    key: () => ({ kind: args.kind, index: indexKey(settings.index), passageMaxLength: settings.model.passageMaxLength, device: run.device, ...inferenceKey(run) }),
    async run(ctx): Promise<DenseIndexOutput> {
      const code = await args.code();
      const { encodeIndex } = await import("./encode.js");
      const trained = ctx.inputs.trained;
      return encodeIndex({
        model: await code.load(join(trained.dir, trained.output.checkpoint), settings, run.device),
        inference: run.inference,
        collection: await ctx.services.collection(),
        passageMaxLength: settings.model.passageMaxLength,
        batchSize: settings.index.batchSize,
        ...(settings.index.shardSize !== undefined ? { shardSize: settings.index.shardSize } : {}),
        description: `${args.kind} checkpoint ${trained.hash.slice(0, 12)}`,
        outDir: ctx.dir,
        log: ctx.log,
      });
    },
  });
}

/**
 * Stage `retrieve` on a split of `target` (the experiment's dataset or an out-of-domain one): the
 * split's queries encoded by the checkpoint, searched exactly in `index` (of that target's corpus).
 */
export function retrieveStage<S extends DenseSettings>(args: {
  system: string;
  kind: string;
  split: SplitKey;
  settings: S;
  run: RunSettings;
  target: EvaluationTarget;
  trained: StageSpec<TrainedModelOutput>;
  index: StageSpec<DenseIndexOutput>;
  code: () => Promise<DenseModelCode<S>>;
}) {
  const { settings, run, split, target } = args;
  return defineStage({
    ref: { stage: "retrieve", system: args.system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
    version: 1,
    needs: { data: target.data, trained: args.trained, index: args.index },
    key: () => ({ kind: args.kind, split: target.run.splits[split], retrieve: settings.retrieve, queryMaxLength: settings.model.queryMaxLength, device: run.device, ...inferenceKey(run) }),
    async run(ctx): Promise<RunFileOutput> {
      const code = await args.code();
      const { searchIndex } = await import("./encode.js");
      const { trained, index } = ctx.inputs;
      const collection = await ctx.services.collection();
      const result = await searchIndex({
        model: await code.load(join(trained.dir, trained.output.checkpoint), settings, run.device),
        inference: run.inference,
        queries: await collection.queries(dataSplit(ctx.inputs.data, split).split),
        indexPath: join(index.dir, index.output.index),
        ...(index.output.sharded ? { sharded: settings.index.maxMemoryMB !== undefined ? { maxMemoryBytes: settings.index.maxMemoryMB * 2 ** 20 } : {} } : {}),
        queryMaxLength: settings.model.queryMaxLength,
        depth: settings.retrieve.depth,
        log: ctx.log,
      });
      await writeTrecRun(join(ctx.dir, "run.trec"), result.run, { tag: args.system });
      return { run: "run.trec", queries: result.run.size, inference: result.inference, ...(result.searchKernel ? { searchKernel: result.searchKernel } : {}) };
    },
  });
}

/** How a dense system fills in the shared stages. */
export interface DenseSystemParts<S extends DenseSettings, N extends StageNeeds> {
  readonly kind: string;
  /** The train stage's version (bump when the system's training code changes its output). */
  readonly trainVersion: number;
  /** The train stage's extra upstream stages (e.g. I3's pseudo-queries). */
  readonly extra: N;
  /** The settings training depends on, with pretrained files as fingerprints. */
  trainingKey(): Promise<unknown>;
  /** The system's model code, imported when a stage runs. */
  code(): Promise<DenseModelCode<S>>;
}

/**
 * The stages of a dense first-stage system: negatives -> train -> index -> retrieve per split;
 * and the index on tfjs a query-encoder system trains against (`trainingIndex`).
 */
export function denseSystemStages<S extends DenseSettings, N extends StageNeeds>(
  ctx: {
    key: string;
    settings: S;
    run: RunSettings;
    data: StageSpec<DataOutput>;
    runOf(system: string, split: SplitKey): StageSpec<RunFileOutput>;
    trainedOf(system: string): StageSpec<TrainedModelOutput>;
    settingsOf(system: string): { readonly kind: string };
  },
  parts: DenseSystemParts<S, N>,
) {
  const { key: system, settings, run, data } = ctx;
  const common = { system, kind: parts.kind, settings, run, code: () => parts.code() };
  const firstStage = ctx.runOf(settings.negatives.from, "train");
  const negatives = negativesStage({ system, settings, data, firstStage });
  // Distillation only: the teacher's scores over pools from the same first-stage run (absent: the train stage's needs are unchanged).
  const { distillation } = settings;
  const teacher = distillation?.teacher;
  const teacherSystem = teacher?.kind === "cross-encoder" ? teacher.system : undefined;
  // A cross-encoder system's checkpoint scores pairs at that system's model.maxLength unless the teacher says otherwise.
  const systemMaxLength = teacherSystem !== undefined ? (ctx.settingsOf(teacherSystem) as { model?: { maxLength?: number } }).model?.maxLength : undefined;
  const extra =
    distillation === undefined
      ? parts.extra
      : {
          ...parts.extra,
          teacherScores: teacherScoresStage({
            system,
            distillation:
              teacher?.kind === "cross-encoder" && teacher.maxLength === undefined && systemMaxLength !== undefined
                ? { ...distillation, teacher: { ...teacher, maxLength: systemMaxLength } }
                : distillation,
            run,
            data,
            firstStage,
            ...(teacherSystem !== undefined ? { teacherModel: ctx.trainedOf(teacherSystem) } : {}),
          }),
        };
  const trained = trainStage({ ...common, data, negatives, extra, version: parts.trainVersion, key: () => parts.trainingKey() });
  // One index per evaluated corpus (the experiment's, and each out-of-domain dataset's), planned once each.
  const indexes = new Map<string, { index: StageSpec<DenseIndexOutput>; trainingIndex: StageSpec<DenseIndexOutput> }>();
  const indexesOf = ({ dataset, data: targetData }: EvaluationTarget) => {
    const name = dataset ?? "";
    const found = indexes.get(name);
    if (found) return found;
    const outOfDomain = dataset !== undefined ? { outOfDomain: { dataset, data: targetData } } : {};
    const index = indexStage({ ...common, trained, ...outOfDomain });
    // The index a query-encoder system trains against is a training input: built on tfjs whatever
    // `inference` says (the same stage as `index` when it says tfjs), so its trained models stay
    // those computed before the setting existed.
    const trainingIndex = run.inference === "tfjs" ? index : indexStage({ ...common, trained, inference: "tfjs", label: `${system}[tfjs]`, ...outOfDomain });
    const made = { index, trainingIndex };
    indexes.set(name, made);
    return made;
  };
  return {
    trained,
    index: (target: EvaluationTarget) => indexesOf(target).index,
    trainingIndex: (target: EvaluationTarget) => indexesOf(target).trainingIndex,
    run: (split: SplitKey, target: EvaluationTarget) => retrieveStage({ ...common, split, target, trained, index: indexesOf(target).index }),
  };
}
