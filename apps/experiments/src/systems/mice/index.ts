/**
 * System `mice`: MICE, a minimal-interaction cross-encoder re-ranker (Vast et al., arXiv
 * 2602.16299; `@i3/encoders` Mice), made from a `cross-encoder` system of the same config
 * (`from`, the replicate of the same seed) and distilled from it.
 *
 * Stages:
 * - `teacher-scores` (the dense systems' stage, ../dense/teacher-scores-stage.ts): `from`'s
 *   trained checkpoint scores each training query's judged positives and the top
 *   `negatives.depth` of `rerank.from`'s train-split run, once (`kd_train.jsonl`; shared by every
 *   MICE system of the same teacher, depth and first stage);
 * - `train`: `Mice.fromCrossEncoder(from's checkpoint)`, then `@i3/retrievers` trainMice
 *   (MarginMSE and/or KL over 1 positive + `negatives.perQuery` teacher-scored negatives per
 *   query); saved with `saveMice` and the tokenizer; checkpoints in the work folder (resumable);
 * - `states`: every passage's layer-l states (`buildMiceStateStore`), keyed by the trained
 *   checkpoint (the upstream stage), l, the passage length and the dtype, so it is built once and
 *   reused by every later run and split; its bytes per passage go to the log and the output;
 * - `rerank` per split: the top `rerank.depth` of `rerank.from`'s run, scored from the stored
 *   states (`rerankWithMice`) on the engine `inference` selects (onnxruntime by default: MICE's
 *   exported query graph; TensorFlow.js on request or as the fallback), recorded in the output.
 * On an out-of-domain dataset (`outOfDomain`) the trained MICE builds a `states` store of that
 * corpus (the dataset in its ref and key) and re-ranks `rerank.from`'s run on that dataset.
 */
import { join } from "node:path";
import { loadTrecRun, writeTrecRun } from "@i3/data";
import type { SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput, type StageSpec, type TrainedModelOutput } from "../../runner/stage.js";
import { dataSplit } from "../../runner/stages/data.js";
import { inferenceKey, trainKey } from "../dense/keys.js";
import { teacherScoresStage } from "../dense/teacher-scores-stage.js";
import { defineSystem, type EvaluationTarget } from "../system.js";
import type { MiceStatesOutput } from "./outputs.js";
import { miceSettings, miceSettingsIssues } from "./settings.js";

/** The MICE system. */
export const miceSystem = defineSystem({
  kind: "mice",
  role: "re-ranker",
  description: "MICE: a cross-encoder of the config split after layer l into stored document states + k interaction layers, distilled from it (MarginMSE); re-ranks a first stage's top-k",
  settings: miceSettings,
  references: (settings) => [
    { field: "from", system: settings.from, roles: ["re-ranker"], kinds: ["cross-encoder"] },
    { field: "rerank.from", system: settings.rerank.from, roles: ["first-stage", "fusion"] },
  ],
  issues: (settings, settingsOf) => miceSettingsIssues(settings, settingsOf(settings.from) as never),
  plan({ key: system, settings, run, data, runOf, trainedOf, settingsOf }) {
    const { rerank, negatives, model, states } = settings;
    const teacherMaxLength = (settingsOf(settings.from) as { model?: { maxLength?: number } }).model?.maxLength;
    const start = trainedOf(settings.from);
    const teacherScores = teacherScoresStage({
      system,
      distillation: { teacher: { kind: "cross-encoder", system: settings.from, ...(teacherMaxLength !== undefined ? { maxLength: teacherMaxLength } : {}) }, depth: negatives.depth, negatives: negatives.perQuery },
      run,
      data,
      firstStage: runOf(rerank.from, "train"),
      teacherModel: start,
    });
    const code = async () => await import("./model.js");
    const trained = defineStage({
      ref: { stage: "train", system },
      version: 1,
      needs: { data, start, teacherScores },
      key: () => ({
        kind: "mice",
        trainSplit: run.splits.train,
        seed: run.seed,
        device: run.device,
        settings: {
          split: settings.split,
          interactionLayers: settings.interactionLayers,
          seedLayers: settings.seedLayers,
          copyHead: settings.copyHead,
          objective: settings.objective,
          negatives,
          model,
          optimizer: settings.optimizer,
          train: trainKey(settings.train),
        },
      }),
      async run(ctx): Promise<TrainedModelOutput> {
        const { start: s, teacherScores: scores } = ctx.inputs;
        const collection = await ctx.services.collection();
        return (await code()).trainMiceSystem({
          settings,
          run,
          startCheckpoint: join(s.dir, s.output.checkpoint),
          kdTrain: join(scores.dir, scores.output.kdTrain),
          collection,
          queries: await collection.queries(dataSplit(ctx.inputs.data, "train").split),
          outDir: ctx.dir,
          workDir: ctx.workDir,
          log: ctx.log,
        });
      },
    });
    // One store per evaluated corpus (the experiment's, and each out-of-domain dataset's), planned once each.
    const stores = new Map<string, StageSpec<MiceStatesOutput>>();
    const stateStoreOf = ({ dataset, data: targetData }: EvaluationTarget): StageSpec<MiceStatesOutput> => {
      const found = stores.get(dataset ?? "");
      if (found) return found;
      const store = defineStage({
        ref: { stage: "states", system, ...(dataset !== undefined ? { dataset } : {}) },
        version: 1,
        // Out of domain: that dataset's data stage is an input too, so its store follows its corpus.
        needs: { trained, ...(dataset !== undefined ? { data: targetData } : {}) },
        // The checkpoint is the upstream stage (its hash is in this stage's hash); `states.batchSize` changes no state.
        key: () => ({ kind: "mice-states", split: settings.split, passageMaxLength: model.passageMaxLength, dtype: states.dtype, device: run.device, ...(dataset !== undefined ? { dataset } : {}) }),
        async run(ctx): Promise<MiceStatesOutput> {
          const t = ctx.inputs.trained;
          return (await code()).buildStatesStage({
            checkpointDir: join(t.dir, t.output.checkpoint),
            collection: await ctx.services.collection(),
            passageMaxLength: model.passageMaxLength,
            dtype: states.dtype,
            batchSize: states.batchSize,
            device: run.device,
            outDir: ctx.dir,
            log: ctx.log,
          });
        },
      });
      stores.set(dataset ?? "", store);
      return store;
    };
    return {
      trained,
      // On an out-of-domain target: that corpus's stored states, re-ranking the first stage's run on that dataset.
      run: (split: SplitKey, target: EvaluationTarget) =>
        defineStage({
          ref: { stage: "rerank", system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
          version: 1,
          needs: { data: target.data, trained, states: stateStoreOf(target), firstStage: runOf(rerank.from, split, target) },
          key: () => ({ kind: "mice", split: target.run.splits[split], depth: rerank.depth, queryMaxLength: model.queryMaxLength, device: run.device, ...inferenceKey(run) }),
          async run(ctx): Promise<RunFileOutput> {
            const { trained: t, states: st, firstStage } = ctx.inputs;
            const collection = await ctx.services.collection();
            const result = await (await code()).rerankStage({
              checkpointDir: join(t.dir, t.output.checkpoint),
              storeDir: join(st.dir, st.output.store),
              queries: await collection.queries(dataSplit(ctx.inputs.data, split).split),
              firstStage: await loadTrecRun(join(firstStage.dir, firstStage.output.run)),
              depth: rerank.depth,
              queryMaxLength: model.queryMaxLength,
              batchSize: settings.score.batchSize,
              device: run.device,
              inference: run.inference,
              log: ctx.log,
            });
            await writeTrecRun(join(ctx.dir, "run.trec"), result.run, { tag: system });
            return { run: "run.trec", queries: result.run.size, inference: result.inference };
          },
        }),
    };
  },
});
