/**
 * Encodes a corpus into a sharded index folder (./sharded-writer.ts), resumable per shard: run
 * again on the same folder after an interruption, it keeps the completed shards, checks that the
 * corpus still starts with their ids, skips those passages without encoding them, and encodes
 * from the first incomplete shard on. Batches never straddle a shard border, so a resumed run
 * feeds the encoder exactly the batches of an uninterrupted one (same vectors, same files).
 */
import type { Passage } from "@i3/data";
import { join } from "node:path";
import { loadShardIds, type ShardIds } from "./shard-ids.js";
import { readShardedManifest, SHARDED_MANIFEST, type ShardedManifest } from "./sharded-manifest.js";
import { ShardedIndexWriter, type ShardedWriterOptions } from "./sharded-writer.js";
import { existsSync } from "node:fs";

/** Options of {@link encodeCorpusSharded}. */
export interface EncodeShardedOptions extends ShardedWriterOptions {
  /** The index folder (created, or resumed when a writer left it unfinished). */
  out: string;
  /** Passages per `encode` call. Default 64. */
  batchSize?: number;
  /** Called after each batch with the rows written so far (resumed rows included). */
  onProgress?: (written: number) => void;
}

/**
 * Encodes `passages` batch by batch into the sharded folder `options.out` and returns its
 * manifest; a complete folder with the same encoder fingerprint is returned as it is.
 */
export async function encodeCorpusSharded(
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  encode: (batch: Passage[]) => Promise<Float32Array>,
  options: EncodeShardedOptions,
): Promise<ShardedManifest> {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`encodeCorpusSharded: batchSize must be a positive integer, got ${batchSize}`);
  if (existsSync(join(options.out, SHARDED_MANIFEST))) {
    const existing = await readShardedManifest(options.out);
    if (existing.status === "complete" && existing.encoder.fingerprint === options.encoder.fingerprint) return existing;
  }
  const writer = await ShardedIndexWriter.open(options.out, options);
  const skip = writer.completedCount;
  const manifest = await readShardedManifest(options.out);
  let position = 0;
  let shardIndex = -1;
  let shardStart = 0;
  let stored: ShardIds | undefined;
  let batch: Passage[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = await encode(batch);
    await writer.append(
      batch.map((p) => p.id),
      rows,
    );
    batch = [];
    options.onProgress?.(writer.count);
  };
  try {
    for await (const passage of passages) {
      if (position < skip) {
        // A completed shard: the corpus must still have its ids, in order.
        while (stored === undefined || position >= shardStart + stored.count) {
          if (stored !== undefined) shardStart += stored.count;
          stored = await loadShardIds(options.out, manifest.shards[++shardIndex]!);
        }
        const expected = stored.id(position - shardStart);
        if (passage.id !== expected) {
          throw new Error(
            `encodeCorpusSharded: passage #${position}: field "id" is ${JSON.stringify(passage.id)}, but ${join(options.out, manifest.shards[shardIndex]!.ids)} line ${position - shardStart + 1} has ${JSON.stringify(expected)}: the corpus changed since the shards were written; remove the folder to start over`,
          );
        }
        position++;
        if (position === skip) stored = undefined;
        continue;
      }
      batch.push(passage);
      position++;
      if (batch.length === batchSize || position % writer.shardSize === 0) await flush();
    }
    if (position < skip) throw new Error(`encodeCorpusSharded: the corpus has ${position} passages, fewer than the ${skip} already in ${options.out}'s shards`);
    await flush();
    const done = await writer.finish();
    options.onProgress?.(done.count);
    return done;
  } catch (err) {
    await writer.close();
    throw err;
  }
}
