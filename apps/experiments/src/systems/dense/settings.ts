/**
 * The settings every dense system adds to its package's training settings: where its hard
 * negatives come from (another system of the config, by key), how the corpus is indexed (one
 * array or shards) and how deep it retrieves.
 */
import { z } from "zod";

/** `negatives.from`: the system whose train-split run the hard negatives are mined from. */
export const negativesFromSchema = z.string().min(1).default("bm25");

/**
 * Corpus encoding: passages per batch; with `shardSize`, an `@i3/search` sharded index of that
 * many rows per shard (for corpora past one array), searched shard by shard within
 * `maxMemoryMB` MiB of working memory (default 512). The run is the single-array index's when
 * `shardSize` is a multiple of `batchSize` (encoding batches stop at shard borders).
 */
export const indexSettingsSchema = z
  .strictObject({
    batchSize: z.number().int().positive().default(64),
    shardSize: z.number().int().positive().optional(),
    maxMemoryMB: z.number().positive().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.maxMemoryMB !== undefined && s.shardSize === undefined) {
      ctx.addIssue({ code: "custom", path: ["maxMemoryMB"], message: "bounds the search of a sharded index: set index.shardSize too" });
    }
  })
  .prefault({});

/** The resolved index settings. */
export type IndexSettings = z.output<typeof indexSettingsSchema>;

/** `index` as the index stage's key sees it: without `maxMemoryMB` (a search-time bound that does not change the index or the run). */
export function indexKey(index: IndexSettings): Omit<IndexSettings, "maxMemoryMB"> {
  const { maxMemoryMB: _bound, ...keyed } = index;
  return keyed;
}

/** Retrieval: documents per query. */
export const retrieveSettingsSchema = z.strictObject({ depth: z.number().int().positive().default(1000) }).prefault({});
