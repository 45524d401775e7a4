/**
 * Stage `negatives`: hard negatives mined from the first-stage run of the train split with
 * `@i3/data`'s `mineHardNegatives` (ranks `fromRank..toRank`, positives removed, optional score
 * margin), saved in the I3 reference format `negatives.tsv` (`qid<TAB>pid1,pid2,...`) with the
 * mining report in `mining.json`.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { loadQrels, loadTrecRun, mineHardNegatives, writeNegativesTsv } from "@i3/data";
import type { StageSpec } from "../stage.js";
import { dataSplit } from "./data.js";

/** Output of the negatives stage. */
export interface NegativesOutput {
  readonly negatives: string;
  readonly mining: string;
  readonly queries: number;
}

/** The negatives stage (needs `data` and `bm25:train`). */
export function negativesStage(): StageSpec<NegativesOutput> {
  return {
    id: "negatives",
    stage: "negatives",
    version: 1,
    needs: { data: "data", firstStage: "bm25:train" },
    key: (config) => ({
      fromRank: config.negatives.fromRank,
      toRank: config.negatives.toRank,
      scoreMargin: config.negatives.scoreMargin,
      relevanceLevel: config.evaluation.relevanceLevel,
    }),
    async run(ctx) {
      const data = ctx.inputs["data"]!;
      const train = dataSplit(data, "train", ctx.config.splits.train);
      const firstStage = ctx.inputs["firstStage"]!;
      const [qrels, run] = await Promise.all([
        loadQrels(join(data.dir, train.qrels), { format: "trec" }),
        loadTrecRun(join(firstStage.dir, (firstStage.output as { run: string }).run)),
      ]);
      const { fromRank, toRank, scoreMargin } = ctx.config.negatives;
      const mining = mineHardNegatives(run, qrels, {
        fromRank,
        toRank,
        relevanceLevel: ctx.config.evaluation.relevanceLevel,
        ...(scoreMargin !== undefined ? { scoreMargin } : {}),
      });
      if (mining.negatives.size === 0) throw new Error(`negatives: no training query of split "${train.split}" has both a positive and a negative in the BM25 run`);
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
  };
}
