/**
 * System `ltre`: LTRe / ADORE (Zhan et al., arXiv 2010.10469; SIGIR 2021, arXiv 2104.08051;
 * code jingtaozhan/DRhard), a query-encoder system. It starts from another dense system's
 * trained checkpoint (`from`: a dual-encoder or I3, the replicate of the same seed), keeps that
 * system's index of passage vectors fixed (the dual-encoder's E_p(p), I3's p*), trains the query
 * tower alone with a full retrieval from the whole index at every step and the ΔMRR-weighted
 * pairwise loss (`@i3/retrievers`' `trainLtre`), and retrieves from the same index, held at
 * `index.precision` (float32, float16 or PQ) in training and search alike.
 *
 * Stages: `train` (needs the data, `from`'s train stage and `from`'s index stage) and `retrieve`
 * per split (needs this train stage and `from`'s index). The index is never rebuilt: it is
 * `from`'s cached index stage, the one built on TensorFlow.js (`trainingIndexOf`: a training
 * input, like teacher scores); the retrieve stage encodes its queries on the run's `inference`. Training keeps its checkpoints in the train stage's work folder,
 * so a killed run continues where it stopped.
 */
import { join } from "node:path";
import { writeTrecRun } from "@i3/data";
import { defineStage, type RunFileOutput, type TrainedModelOutput } from "../../runner/stage.js";
import { dataSplit } from "../../runner/stages/data.js";
import { inferenceKey, trainKey } from "../dense/keys.js";
import { defineSystem } from "../system.js";
import { LTRE_FROM_KINDS, ltreSystemSettings, ltreTrainingSettings } from "./settings.js";

/** The `from` settings LTRe reads: the query length the query tower was trained with. */
interface FromSettings {
  readonly kind: string;
  readonly model?: { readonly queryMaxLength?: number };
}

/** The LTRe system. */
export const ltreSystem = defineSystem({
  kind: "ltre",
  role: "query-encoder",
  description: "LTRe/ADORE: the query tower of a trained dense system retrained against its fixed index, full retrieval per step, ΔMRR pairwise loss",
  settings: ltreSystemSettings,
  references: (settings) => [{ field: "from", system: settings.from, roles: ["first-stage"], kinds: LTRE_FROM_KINDS }],
  issues: (settings, settingsOf) =>
    (settingsOf(settings.from) as { index?: { shardSize?: number } }).index?.shardSize !== undefined
      ? [{ field: "from", message: `system "${settings.from}" has a sharded index (index.shardSize): LTRe holds its start system's whole index in memory and retrieves from it at every training step; remove index.shardSize there` }]
      : [],
  plan({ key: system, settings, run, data, trainedOf, trainingIndexOf, settingsOf }) {
    const from = settingsOf(settings.from) as FromSettings;
    const fromKind = from.kind;
    const queryMaxLength = from.model?.queryMaxLength;
    if (queryMaxLength === undefined) throw new Error(`ltre "${system}": system "${settings.from}" (${fromKind}) has no model.queryMaxLength`);
    const training = ltreTrainingSettings(settings);
    const code = async () => await import("./model.js");
    const startStage = trainedOf(settings.from);
    // `from`'s index on TensorFlow.js (a training input, whatever `inference` says): trained against and searched.
    const index = trainingIndexOf(settings.from);
    const trained = defineStage({
      ref: { stage: "train", system },
      version: 1,
      needs: { data, start: startStage, index },
      // Without train.checkpointEverySteps (absent unless written, so older configs keep their keys).
      key: () => ({ kind: "ltre", from: fromKind, trainSplit: run.splits.train, seed: run.seed, device: run.device, queryMaxLength, settings: { ...training, train: trainKey(training.train) } }),
      async run(ctx): Promise<TrainedModelOutput> {
        const { start, index: fixed } = ctx.inputs;
        return (await code()).trainLtreStage({
          fromKind,
          startCheckpoint: join(start.dir, start.output.checkpoint),
          startSummary: start.output.summary,
          indexPath: join(fixed.dir, fixed.output.index),
          collection: await ctx.services.collection(),
          trainSplit: dataSplit(ctx.inputs.data, "train").split,
          queryMaxLength,
          settings: training,
          run,
          outDir: ctx.dir,
          workDir: ctx.workDir,
          log: ctx.log,
        });
      },
    });
    return {
      trained,
      // On an out-of-domain target: the trained query tower searches `from`'s fixed passage
      // encoder's index of that dataset's corpus (built on TensorFlow.js, like the training index).
      run: (split, target) =>
        defineStage({
          ref: { stage: "retrieve", system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
          version: 1,
          needs: { data: target.data, trained, index: trainingIndexOf(settings.from, target) },
          key: () => ({
            kind: "ltre",
            split: target.run.splits[split],
            retrieve: settings.retrieve,
            precision: settings.index,
            // PQ codebooks are seeded by the run's seed (float32 and float16 do not depend on it).
            ...(settings.index.precision === "pq" ? { seed: run.seed } : {}),
            queryMaxLength,
            device: run.device,
            ...inferenceKey(run),
          }),
          async run(ctx): Promise<RunFileOutput> {
            const { trained: model, index: fixed } = ctx.inputs;
            const collection = await ctx.services.collection();
            const result = await (await code()).retrieveLtreStage({
              checkpoint: join(model.dir, model.output.checkpoint),
              indexPath: join(fixed.dir, fixed.output.index),
              queries: await collection.queries(dataSplit(ctx.inputs.data, split).split),
              queryMaxLength,
              depth: settings.retrieve.depth,
              precision: settings.index,
              seed: run.seed,
              device: run.device,
              inference: run.inference,
              log: ctx.log,
            });
            await writeTrecRun(join(ctx.dir, "run.trec"), result.run, { tag: system });
            return { run: "run.trec", queries: result.run.size, inference: result.inference, ...(result.searchKernel ? { searchKernel: result.searchKernel } : {}) };
          },
        }),
    };
  },
});
