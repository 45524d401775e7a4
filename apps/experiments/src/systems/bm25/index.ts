/**
 * System `bm25`: BM25 with Lucene/Anserini's formula and parameters (`@i3/search`, equal to
 * Pyserini's flat index on BEIR SciFact), one run per split. A first-stage system without
 * training; dense systems mine their hard negatives from its train-split run.
 */
import { join } from "node:path";
import { writeTrecRun } from "@i3/data";
import { runBm25OnCollection, type Bm25Progress } from "@i3/search";
import { z } from "zod";
import { announceBm25Index, bm25IndexDir } from "../../cli/bm25-command.js";
import type { SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput } from "../../runner/stage.js";
import { dataSplit } from "../../runner/stages/data.js";
import { defineSystem, type EvaluationTarget } from "../system.js";

/** BM25 settings (Lucene/Anserini parameters; defaults = Pyserini's BEIR flat runs). */
export const bm25Settings = z.strictObject({
  kind: z.literal("bm25"),
  k1: z.number().positive().default(0.9),
  b: z.number().min(0).max(1).default(0.4),
  /** Documents retrieved per query. */
  depth: z.number().int().positive().default(1000),
});

/** The BM25 system. */
export const bm25System = defineSystem({
  kind: "bm25",
  role: "first-stage",
  description: "BM25 (Lucene/Anserini-style, k1 = 0.9, b = 0.4), no training",
  settings: bm25Settings,
  references: () => [],
  plan({ key: system, settings }) {
    const { k1, b, depth } = settings;
    return {
      // On an out-of-domain target: the same BM25 over that dataset's corpus (its own index).
      run: (split: SplitKey, { dataset, data, run: runSettings }: EvaluationTarget) =>
        defineStage({
          ref: { stage: "retrieve", system, split, ...(dataset !== undefined ? { dataset } : {}) },
          version: 1,
          needs: { data },
          key: () => ({ kind: "bm25", split: runSettings.splits[split], k1, b, depth }),
          async run(ctx): Promise<RunFileOutput> {
            const collection = await ctx.services.collection();
            const name = dataSplit(ctx.inputs.data, split).split;
            let phase: Bm25Progress["stage"] | undefined;
            const indexDir = bm25IndexDir(ctx.services.datasetsDir, collection.name);
            const run = await runBm25OnCollection(collection, name, {
              k: depth,
              k1,
              b,
              indexDir,
              onProgress: (p) => {
                if (p.stage !== phase) {
                  phase = p.stage;
                  announceBm25Index(p.stage, indexDir);
                  ctx.log(`bm25 ${p.stage}`);
                }
              },
            });
            await writeTrecRun(join(ctx.dir, "run.trec"), run, { tag: `bm25-k1_${k1}-b_${b}` });
            return { run: "run.trec", queries: run.size };
          },
        }),
    };
  },
});
