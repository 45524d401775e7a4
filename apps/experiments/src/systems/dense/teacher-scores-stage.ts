/**
 * Stage `teacher-scores`: the teacher's scores of each training query's pool (its judged
 * positives and the top `distillation.depth` of the first-stage train-split run that feeds the
 * hard negatives, positives removed: `@i3/distill` teacherPools), scored once by `@i3/distill`
 * cachedTeacherScores into SimLM's `kd_train.jsonl` (DESIGN.md sec. 2, "Distillation"). Keyed by
 * the teacher (files by content, `teacherKey`), the depth and the train split, with the data and
 * first-stage run (and a cross-encoder system's trained model) as upstream stages: every input of
 * the scoring job, so two systems distilling from the same teacher over the same pools share one
 * folder; inside it the job lives under its content key (`scoringJobKey`).
 */
import { join } from "node:path";
import type { Passage } from "@i3/data";
import { loadQrels, loadTrecRun } from "@i3/data";
import type { RunSettings } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput, type StageSpec, type TrainedModelOutput } from "../../runner/stage.js";
import { dataSplit, type DataOutput } from "../../runner/stages/data.js";
import { teacherKey, type DistillationRunnerSettings } from "./distillation-settings.js";

/** Output of the teacher-scores stage. */
export interface TeacherScoresOutput {
  /** `<job key>/kd_train.jsonl`, relative to the stage folder. */
  readonly kdTrain: string;
  /** The scoring job's content key (`@i3/distill` scoringJobKey). */
  readonly job: string;
  readonly queries: number;
  readonly pairs: number;
  /** The TensorFlow.js backend a cross-encoder teacher scored on (`describeBackend`). */
  readonly backend?: string;
}

/** The teacher-scores stage of a dense system with `distillation` (see the module comment). */
export function teacherScoresStage(args: {
  system: string;
  distillation: DistillationRunnerSettings;
  run: RunSettings;
  data: StageSpec<DataOutput>;
  firstStage: StageSpec<RunFileOutput>;
  /** The trained model of the cross-encoder system named by `teacher.system`. */
  teacherModel?: StageSpec<TrainedModelOutput>;
}) {
  const { distillation, run } = args;
  const { teacher, depth } = distillation;
  return defineStage({
    ref: { stage: "teacher-scores", system: args.system },
    version: 1,
    needs: { data: args.data, firstStage: args.firstStage, ...(args.teacherModel !== undefined ? { teacherModel: args.teacherModel } : {}) },
    key: async () => ({ teacher: await teacherKey(teacher), depth, minGrade: 1, trainSplit: run.splits.train }),
    async run(ctx): Promise<TeacherScoresOutput> {
      const { cachedTeacherScores, loadTeacher, teacherPools } = await import("@i3/distill");
      const collection = await ctx.services.collection();
      const train = dataSplit(ctx.inputs.data, "train");
      const [qrels, firstStageRun, queries] = await Promise.all([
        loadQrels(join(ctx.inputs.data.dir, train.qrels), { format: "trec" }),
        loadTrecRun(join(ctx.inputs.firstStage.dir, ctx.inputs.firstStage.output.run)),
        collection.queries(train.split),
      ]);
      const pools = teacherPools(queries, qrels, firstStageRun, { depth, minGrade: 1, minNegatives: 1 });
      if (pools.length === 0) throw new Error(`teacher-scores: no training query of split "${train.split}" has a positive and a negative in the first-stage run`);
      const wanted = new Set(pools.flatMap((p) => [...p.positives, ...p.negatives]));
      const passages = new Map<string, Passage>();
      for await (const p of collection.corpus()) if (wanted.has(p.id)) passages.set(p.id, p);
      const trained = (ctx.inputs as { teacherModel?: { dir: string; output: TrainedModelOutput } }).teacherModel;
      const spec =
        teacher.kind === "cross-encoder"
          ? { kind: "cross-encoder" as const, path: trained !== undefined ? join(trained.dir, trained.output.checkpoint) : teacher.path!, ...(teacher.maxLength !== undefined ? { maxLength: teacher.maxLength } : {}), ...(teacher.batchSize !== undefined ? { batchSize: teacher.batchSize } : {}) }
          : teacher;
      // A cross-encoder teacher runs on TensorFlow.js: start the run's device here, as the train
      // and re-rank stages do, or a process whose first neural stage this is would score on
      // tfjs' plain-JS backend (slower, and other float sums than wasm).
      let backend: string | undefined;
      if (teacher.kind === "cross-encoder") {
        const [{ startBackend }, { describeBackend }] = await Promise.all([import("@i3/retrievers"), import("@i3/encoders")]);
        backend = describeBackend(await startBackend(run.device));
        ctx.log(backend);
      }
      const loaded = await loadTeacher(spec, { collection });
      const total = pools.reduce((n, p) => n + p.positives.length + p.negatives.length, 0);
      ctx.log(`scoring ${pools.length} training queries, ${total} pairs, with the ${teacher.kind} teacher`);
      let next = 0;
      try {
        const scored = await cachedTeacherScores({
          teacher: loaded,
          pools,
          passages,
          cacheDir: ctx.dir,
          onProgress: (p) => {
            if (p.queries >= next || p.queries === p.totalQueries) {
              ctx.log(`teacher scores: ${p.queries}/${p.totalQueries} queries, ${p.pairs}/${total} pairs`);
              next = p.queries + Math.max(1, Math.ceil(p.totalQueries / 10));
            }
          },
        });
        return { kdTrain: join(scored.key, "kd_train.jsonl"), job: scored.key, queries: scored.records.size, pairs: total, ...(backend !== undefined ? { backend } : {}) };
      } finally {
        await loaded.dispose();
      }
    },
  });
}
