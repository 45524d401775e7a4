/**
 * Stage `data`: resolves the dataset and snapshots the qrels and queries of the configured splits
 * that the collection has into the stage folder (`qrels/<key>.trec`, `queries/<key>.tsv`). Keyed by
 * the collection name, its fingerprint and the split names, so a changed corpus invalidates every
 * stage below it.
 */
import { join } from "node:path";
import { writeIdText, writeTrecQrels } from "@i3/data";
import { SPLIT_KEYS, type RunSettings, type SplitKey } from "../../config/run-settings.js";
import { defineStage, type StageResult, type StageSpec } from "../stage.js";

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
  /** Every split the collection has. */
  readonly available: readonly string[];
  /** The split names the config gave (`splits`). */
  readonly requested: Readonly<Record<SplitKey, string>>;
  /** Split key -> files; keys whose split the collection lacks are absent. */
  readonly splits: Partial<Record<SplitKey, DataSplit>>;
}

/** Throws naming every split of `keys` the collection lacks, and the splits it has; returns when it has them all. */
export function requireSplits(output: DataOutput, keys: Iterable<SplitKey>): void {
  const missing = [...new Set(keys)].filter((key) => output.splits[key] === undefined);
  if (missing.length === 0) return;
  const list = missing.map((key) => `"${output.requested[key]}" (splits.${key})`).join(", ");
  throw new Error(`dataset ${output.dataset} (${output.collectionDir}) has no split ${list}; it has: ${output.available.join(", ")}`);
}

/** Throws when out-of-domain dataset number `index` of the config lacks its evaluated split (key `test`), naming the field and the splits it has. */
export function requireOutOfDomainSplit(output: DataOutput, index: number): void {
  if (output.splits.test !== undefined) return;
  throw new Error(`outOfDomain[${index}].split: dataset ${output.dataset} (${output.collectionDir}) has no split "${output.requested.test}"; it has: ${output.available.join(", ")}`);
}

/** The split `key` of a data result, or a clear error naming the splits the collection has. */
export function dataSplit(data: StageResult<DataOutput>, key: SplitKey): DataSplit {
  requireSplits(data.output, [key]);
  return data.output.splits[key]!;
}

/**
 * The data stage of a run: every split key of `run.splits`. For an out-of-domain dataset
 * (`outOfDomain`: its registry name, `run.dataset`), only the split key `test` (its evaluated
 * split), and the stage's ref names the dataset.
 */
export function dataStage(run: RunSettings, outOfDomain = false): StageSpec<DataOutput, Record<string, never>> {
  const keys: readonly SplitKey[] = outOfDomain ? ["test"] : SPLIT_KEYS;
  return defineStage({
    ref: outOfDomain ? { stage: "data", dataset: run.dataset } : { stage: "data" },
    // 2: records every split the collection has (`available`).
    version: 2,
    needs: {},
    async key(services) {
      const collection = await services.collection();
      return { collection: collection.name, fingerprint: await collection.fingerprint(), splits: outOfDomain ? { test: run.splits.test } : run.splits };
    },
    async run(ctx) {
      const collection = await ctx.services.collection();
      const splits: DataOutput["splits"] = {};
      for (const key of keys) {
        const split = run.splits[key];
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
      return { dataset: run.dataset, collection: collection.name, collectionDir: collection.dir, available: [...collection.splits], requested: run.splits, splits };
    },
  });
}
