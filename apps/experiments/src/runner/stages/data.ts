/**
 * Stage `data`: resolves the dataset and snapshots the qrels and queries of the configured splits
 * that the collection has into the stage folder (`qrels/<key>.trec`, `queries/<key>.tsv`). Keyed by
 * the collection name, its fingerprint and the split names, so a changed corpus invalidates every
 * stage below it.
 */
import { join } from "node:path";
import { writeIdText, writeTrecQrels } from "@i3/data";
import type { StageResult, StageSpec } from "../stage.js";

/** Split key of the config. */
export type SplitKey = "train" | "dev" | "test";

/** Files of one split, relative to the stage folder. */
export interface DataSplit {
  readonly split: string;
  readonly queries: number;
  readonly qrels: string;
  readonly queriesFile: string;
}

/** Output of the data stage. */
export interface DataOutput {
  readonly dataset: string;
  readonly collection: string;
  readonly collectionDir: string;
  /** Split key -> files; keys whose split the collection lacks are absent. */
  readonly splits: Partial<Record<SplitKey, DataSplit>>;
}

/** The split `key` of a data result, or a clear error when the collection has no such split. */
export function dataSplit(data: StageResult, key: SplitKey, split: string): DataSplit {
  const output = data.output as DataOutput;
  const found = output.splits[key];
  if (!found) {
    const have = Object.values(output.splits).map((s) => s?.split);
    throw new Error(`dataset ${output.dataset} (${output.collectionDir}) has no split "${split}" (splits.${key}); it has: ${have.join(", ")}`);
  }
  return found;
}

/** The data stage. */
export function dataStage(): StageSpec<DataOutput> {
  return {
    id: "data",
    stage: "data",
    version: 1,
    needs: {},
    async key(config, services) {
      const collection = await services.collection();
      return { collection: collection.name, fingerprint: await collection.fingerprint(), splits: config.splits };
    },
    async run(ctx) {
      const collection = await ctx.services.collection();
      const splits: DataOutput["splits"] = {};
      for (const key of ["train", "dev", "test"] as const) {
        const split = ctx.config.splits[key];
        if (!collection.splits.includes(split)) {
          ctx.log(`${key}: the collection has no split "${split}" (it has ${collection.splits.join(", ")})`);
          continue;
        }
        const [qrels, queries] = await Promise.all([collection.qrels(split), collection.queries(split)]);
        const files = { qrels: `qrels/${key}.trec`, queriesFile: `queries/${key}.tsv` };
        await writeTrecQrels(join(ctx.dir, files.qrels), qrels);
        await writeIdText(join(ctx.dir, files.queriesFile), queries.map((q) => ({ id: q.id, text: q.text.replace(/\s+/g, " ") })));
        splits[key] = { split, queries: queries.length, ...files };
        ctx.log(`${key} = ${split}: ${queries.length} queries, ${qrels.size} judged`);
      }
      return { dataset: ctx.config.dataset, collection: collection.name, collectionDir: collection.dir, splits };
    },
  };
}
