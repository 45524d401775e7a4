/**
 * Stage `evaluate`: trec_eval-exact measures (`@i3/metrics`) of one system's run on one split,
 * with per-query values, saved as `evaluation.json`.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { loadQrels, loadTrecRun } from "@i3/data";
import { evaluate } from "@i3/metrics";
import type { SystemKind } from "../../config/schema.js";
import type { StageSpec } from "../stage.js";
import type { RunFileOutput } from "./bm25.js";
import { dataSplit, type SplitKey } from "./data.js";

/** What `evaluation.json` holds. */
export interface EvaluationFile {
  readonly system: SystemKind;
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

/** The plan id of the stage producing `system`'s run on split key `key`. */
export function runStageId(system: SystemKind, key: SplitKey): string {
  return system === "bm25" ? `bm25:${key}` : `retrieve:${system}:${key}`;
}

/** The evaluate stage of `system` on split key `key`. */
export function evaluateStage(system: SystemKind, key: SplitKey): StageSpec<EvaluateOutput> {
  return {
    id: `evaluate:${system}:${key}`,
    stage: "evaluate",
    version: 1,
    needs: { data: "data", run: runStageId(system, key) },
    key: (config) => {
      const { measures, allQueries, relevanceLevel, depth, removeSelfHits } = config.evaluation;
      return { system, split: config.splits[key], measures, allQueries, relevanceLevel, depth, removeSelfHits };
    },
    async run(ctx) {
      const data = ctx.inputs["data"]!;
      const runStage = ctx.inputs["run"]!;
      const split = dataSplit(data, key, ctx.config.splits[key]);
      const [qrels, run] = await Promise.all([
        loadQrels(join(data.dir, split.qrels), { format: "trec" }),
        loadTrecRun(join(runStage.dir, (runStage.output as RunFileOutput).run)),
      ]);
      const { measures, allQueries, relevanceLevel, depth, removeSelfHits } = ctx.config.evaluation;
      const result = evaluate(qrels, run, measures, {
        allQueries,
        relevanceLevel,
        removeSelfHits,
        ...(depth !== undefined ? { depth } : {}),
      });
      const file: EvaluationFile = {
        system,
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
  };
}
