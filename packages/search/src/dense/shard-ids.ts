/**
 * One shard's ids and id ranks in compact form: the ids file's bytes with the offset of each
 * line (an id is decoded only when asked for), and the Uint32 ranks, 8 bytes per row plus the
 * ids' bytes, far less than an array of strings.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DenseIndexError } from "./manifest.js";
import type { ShardEntry } from "./sharded-manifest.js";

/** A shard's ids (decoded on demand) and ranks. */
export interface ShardIds {
  count: number;
  /** `ranks[i]`: row i's position in the shard's ascending id order. */
  ranks: Uint32Array;
  /** Row i's id. */
  id(i: number): string;
  /** Bytes held (ids text, line offsets, ranks). */
  bytes: number;
}

/** Bytes {@link loadShardIds} holds for a shard (its ids file, line offsets, ranks). */
export function shardIdsBytes(shard: ShardEntry): number {
  return shard.bytes.ids + 4 * (shard.count + 1) + shard.bytes.ranks;
}

/** Reads a shard's ids and ranks files, checking the line count, empty lines and that the ranks are a permutation. */
export async function loadShardIds(dir: string, shard: ShardEntry): Promise<ShardIds> {
  const idsPath = join(dir, shard.ids);
  const ranksPath = join(dir, shard.ranks);
  const read = async (path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new DenseIndexError(path, "(file)", `cannot read: ${(err as Error).message}`);
    }
  };
  const text = await read(idsPath);
  const n = shard.count;
  const offsets = new Uint32Array(n + 1);
  let line = 0;
  let start = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, start)) {
    if (line === n) throw new DenseIndexError(idsPath, "count", `more than the ${n} lines manifest.json says`);
    if (i === start) throw new DenseIndexError(`${idsPath}:${line + 1}`, "id", "empty id");
    offsets[line++] = start;
    start = i + 1;
  }
  if (start !== text.length) throw new DenseIndexError(idsPath, "(file)", "truncated: the last line has no newline");
  if (line !== n) throw new DenseIndexError(idsPath, "count", `${line} lines, but manifest.json says count ${n}`);
  offsets[n] = start;
  const raw = await read(ranksPath);
  if (raw.byteLength !== 4 * n) throw new DenseIndexError(ranksPath, "byteLength", `expected ${4 * n} bytes, found ${raw.byteLength}`);
  const ranks = new Uint32Array(n);
  new Uint8Array(ranks.buffer).set(raw);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = ranks[i]!;
    if (r >= n || seen[r] === 1) throw new DenseIndexError(`${ranksPath}`, `ranks[${i}]`, `${r} is out of range or repeated: not a permutation of 0..${n - 1}`);
    seen[r] = 1;
  }
  return {
    count: n,
    ranks,
    id: (i) => text.toString("utf8", offsets[i]!, offsets[i + 1]! - 1),
    bytes: text.byteLength + offsets.byteLength + ranks.byteLength,
  };
}
