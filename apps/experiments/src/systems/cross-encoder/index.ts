/**
 * System `cross-encoder`: a monoBERT re-ranker (Nogueira & Cho 2019), s(q, p) = w .
 * BERT([CLS] q [SEP] p [SEP])[CLS] + b, trained on the training queries with hard negatives from
 * a first-stage system's train-split run (`@i3/retrievers` trainCrossEncoder: localized
 * contrastive loss over 1 positive + n negatives, Gao et al. 2021, arXiv 2101.08751), then
 * re-ranking the top `rerank.depth` of that system's run on each evaluated split. Its trained
 * checkpoint is also a distillation teacher for the dense systems
 * (`distillation.teacher: { kind: "cross-encoder", system: "<key>" }`). Training keeps its
 * checkpoints in the train stage's work folder, so a killed run continues where it stopped.
 */
import { join } from "node:path";
import { loadQrels, loadTrecRun, writeTrecRun } from "@i3/data";
import type { SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput, type TrainedModelOutput } from "../../runner/stage.js";
import { dataSplit } from "../../runner/stages/data.js";
import { inferenceKey, modelKey, tokenizerKey, trainKey } from "../dense/keys.js";
import { defineSystem, type EvaluationTarget } from "../system.js";
import { crossEncoderSettings } from "./settings.js";

/** The cross-encoder system. */
export const crossEncoderSystem = defineSystem({
  kind: "cross-encoder",
  role: "re-ranker",
  description: "cross-encoder (monoBERT) re-ranker trained with LCE on a first-stage system's hard negatives; re-ranks that system's top-k",
  settings: crossEncoderSettings,
  references: (settings) => [{ field: "rerank.from", system: settings.rerank.from, roles: ["first-stage", "fusion"] }],
  plan({ key: system, settings, run, data, runOf }) {
    const { rerank, negatives, optimizer, train, model } = settings;
    const trained = defineStage({
      ref: { stage: "train", system },
      version: 1,
      needs: { data, firstStage: runOf(rerank.from, "train") },
      key: async () => ({
        kind: "cross-encoder",
        trainSplit: run.splits.train,
        seed: run.seed,
        device: run.device,
        // Optional settings left absent are absent here too, so older configs keep their keys.
        settings: { negatives, optimizer, train: trainKey(train), tokenizer: await tokenizerKey(settings), model: await modelKey(settings) },
      }),
      async run(ctx): Promise<TrainedModelOutput> {
        const { trainCrossEncoderSystem } = await import("./model.js");
        const collection = await ctx.services.collection();
        const split = dataSplit(ctx.inputs.data, "train");
        const [qrels, firstStage, queries] = await Promise.all([
          loadQrels(join(ctx.inputs.data.dir, split.qrels), { format: "trec" }),
          loadTrecRun(join(ctx.inputs.firstStage.dir, ctx.inputs.firstStage.output.run)),
          collection.queries(split.split),
        ]);
        return trainCrossEncoderSystem({ settings, run, collection, queries, qrels, firstStage, outDir: ctx.dir, workDir: ctx.workDir, log: ctx.log });
      },
    });
    return {
      trained,
      // On an out-of-domain target: the trained checkpoint re-ranks the first stage's run on that dataset.
      run: (split: SplitKey, target: EvaluationTarget) =>
        defineStage({
          ref: { stage: "rerank", system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
          version: 1,
          needs: { data: target.data, trained, firstStage: runOf(rerank.from, split, target) },
          key: () => ({ kind: "cross-encoder", split: target.run.splits[split], depth: rerank.depth, maxLength: model.maxLength, device: run.device, ...inferenceKey(run) }),
          async run(ctx): Promise<RunFileOutput> {
            const { rerankWithCrossEncoder } = await import("./model.js");
            const collection = await ctx.services.collection();
            const { trained: t, firstStage } = ctx.inputs;
            const result = await rerankWithCrossEncoder({
              checkpointDir: join(t.dir, t.output.checkpoint),
              device: run.device,
              inference: run.inference,
              collection,
              queries: await collection.queries(dataSplit(ctx.inputs.data, split).split),
              firstStage: await loadTrecRun(join(firstStage.dir, firstStage.output.run)),
              depth: rerank.depth,
              maxLength: model.maxLength,
              batchSize: settings.score.batchSize,
              log: ctx.log,
            });
            await writeTrecRun(join(ctx.dir, "run.trec"), result.run, { tag: system });
            return { run: "run.trec", queries: result.run.size, inference: result.inference };
          },
        }),
    };
  },
});
