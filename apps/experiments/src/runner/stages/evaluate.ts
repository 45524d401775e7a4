/**
 * Stage `evaluate`: trec_eval-exact measures (`@i3/metrics`) of one system's run on one split,
 * with per-query values, saved as `evaluation.json`. It works on any system's run stage.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { loadQrels, loadTrecRun } from "@i3/data";
import { evaluate } from "@i3/metrics";
import type { EvaluationSettings, SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput, type StageSpec } from "../stage.js";
import { dataSplit, type DataOutput } from "./data.js";

/** What `evaluation.json` holds. */
export interface EvaluationFile {
  /** The system key. */
  readonly system: string;
  /** The out-of-domain dataset evaluated (absent: the experiment's dataset). */
  readonly dataset?: string;
  readonly split: string;
  /** Queries averaged over, in trec_eval order. */
  readonly queries: string[];
  /** Queries of `queries` absent from the run (only with allQueries). */
  readonly missing: string[];
  readonly aggregate: Record<string, number>;
  /** Measure -> values aligned with `queries`. */
  readonly values: Record<string, number[]>;
}

/** Output of the evaluate stage. */
export interface EvaluateOutput {
  readonly evaluation: string;
  readonly aggregate: Record<string, number>;
}

/** The evaluate stage of system `system`'s run `run` on split key `key` (of the out-of-domain `dataset` when given). */
export function evaluateStage(args: {
  system: string;
  key: SplitKey;
  evaluation: EvaluationSettings;
  data: StageSpec<DataOutput>;
  run: StageSpec<RunFileOutput>;
  dataset?: string;
}) {
  const { system, key, evaluation, dataset } = args;
  const { measures, allQueries, relevanceLevel, depth, removeSelfHits } = evaluation;
  const where = dataset !== undefined ? { dataset } : {};
  return defineStage({
    ref: { stage: "evaluate", system, split: key, ...where },
    version: 1,
    needs: { data: args.data, run: args.run },
    // The file names its system, split and dataset, so they are part of the key.
    key: () => ({ system, split: key, ...where, measures, allQueries, relevanceLevel, depth, removeSelfHits }),
    async run(ctx): Promise<EvaluateOutput> {
      const { data, run: runStage } = ctx.inputs;
      const split = dataSplit(data, key);
      const [qrels, run] = await Promise.all([
        loadQrels(join(data.dir, split.qrels), { format: "trec" }),
        loadTrecRun(join(runStage.dir, runStage.output.run)),
      ]);
      const result = evaluate(qrels, run, measures, { allQueries, relevanceLevel, removeSelfHits, ...(depth !== undefined ? { depth } : {}) });
      const file: EvaluationFile = {
        system,
        ...where,
        split: split.split,
        queries: [...result.queries],
        missing: [...result.missing],
        aggregate: Object.fromEntries(result.aggregate),
        values: Object.fromEntries([...result.values].map(([m, v]) => [m, Array.from(v)])),
      };
      await writeFileAtomic(join(ctx.dir, "evaluation.json"), `${JSON.stringify(file)}\n`);
      ctx.log(measures.map((m) => `${m}=${file.aggregate[m]?.toFixed(4)}`).join(" "));
      return { evaluation: "evaluation.json", aggregate: file.aggregate };
    },
  });
}
