/** Stage `bm25`: the first-stage BM25 run of one split (`run.trec`), via `@i3/search`. */
import { join } from "node:path";
import { writeTrecRun } from "@i3/data";
import { runBm25OnCollection, type Bm25Progress } from "@i3/search";
import { bm25IndexDir } from "../../cli/bm25-command.js";
import type { StageSpec } from "../stage.js";
import { dataSplit, type SplitKey } from "./data.js";

/** A stage output that holds a run file. */
export interface RunFileOutput {
  readonly run: string;
  readonly queries: number;
}

/** The BM25 stage for split key `key`. */
export function bm25Stage(key: SplitKey): StageSpec<RunFileOutput> {
  return {
    id: `bm25:${key}`,
    stage: "bm25",
    version: 1,
    needs: { data: "data" },
    key: (config) => ({ split: config.splits[key], firstStage: config.firstStage }),
    async run(ctx) {
      const { k1, b, depth } = ctx.config.firstStage;
      const collection = await ctx.services.collection();
      const split = dataSplit(ctx.inputs["data"]!, key, ctx.config.splits[key]).split;
      let phase: Bm25Progress["stage"] | undefined;
      const run = await runBm25OnCollection(collection, split, {
        k: depth,
        k1,
        b,
        indexDir: bm25IndexDir(ctx.services.datasetsDir, collection.name),
        onProgress: (p) => {
          if (p.stage !== phase) {
            phase = p.stage;
            ctx.log(`bm25 ${p.stage}`);
          }
        },
      });
      await writeTrecRun(join(ctx.dir, "run.trec"), run, { tag: `bm25-k1_${k1}-b_${b}` });
      return { run: "run.trec", queries: run.size };
    },
  };
}
