/**
 * One shard's ids and id ranks in compact form: the ids file's bytes with the offset of each
 * line (an id is decoded only when asked for), and the Uint32 ranks, read into buffers that a
 * search allocates once for its largest shard and reuses for every shard, so that the memory
 * they take is fixed (`shardIdsBytes`) whatever the garbage collector does.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { DenseIndexError } from "./manifest.js";
import type { ShardEntry } from "./sharded-manifest.js";

/** A shard's ids (decoded on demand) and ranks; valid until its buffers are reused. */
export interface ShardIds {
  count: number;
  /** `ranks[i]`: row i's position in the shard's ascending id order. */
  ranks: Uint32Array;
  /** Row i's id. */
  id(i: number): string;
}

/** Bytes of {@link ShardIdsBuffers} for a shard: its ids file, line offsets, ranks and a permutation check's flags. */
export function shardIdsBytes(shard: Pick<ShardEntry, "count" | "bytes">): number {
  return shard.bytes.ids + 4 * (shard.count + 1) + 4 * shard.count + shard.count;
}

/** Reusable room for the ids and ranks of shards up to `maxIdBytes` and `maxCount` rows. */
export class ShardIdsBuffers {
  readonly text: Buffer;
  readonly offsets: Uint32Array;
  readonly ranks: Uint32Array;
  readonly seen: Uint8Array;

  constructor(maxIdBytes: number, maxCount: number) {
    this.text = Buffer.alloc(maxIdBytes);
    this.offsets = new Uint32Array(maxCount + 1);
    this.ranks = new Uint32Array(maxCount);
    this.seen = new Uint8Array(maxCount);
  }

  /** Buffers large enough for every shard of `shards`. */
  static forShards(shards: readonly ShardEntry[]): ShardIdsBuffers {
    return new ShardIdsBuffers(Math.max(0, ...shards.map((s) => s.bytes.ids)), Math.max(0, ...shards.map((s) => s.count)));
  }
}

/**
 * Reads a shard's ids and ranks files into `buffers` (fresh ones by default), checking the byte
 * sizes, the line count, empty lines and that the ranks are a permutation.
 */
export async function loadShardIds(dir: string, shard: ShardEntry, buffers = new ShardIdsBuffers(shard.bytes.ids, shard.count)): Promise<ShardIds> {
  const idsPath = join(dir, shard.ids);
  const ranksPath = join(dir, shard.ranks);
  const n = shard.count;
  const text = buffers.text.subarray(0, shard.bytes.ids);
  await readWhole(idsPath, text);
  const offsets = buffers.offsets;
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
  const ranks = buffers.ranks.subarray(0, n);
  await readWhole(ranksPath, new Uint8Array(ranks.buffer, ranks.byteOffset, ranks.byteLength));
  const seen = buffers.seen.subarray(0, n);
  seen.fill(0);
  for (let i = 0; i < n; i++) {
    const r = ranks[i]!;
    if (r >= n || seen[r] === 1) throw new DenseIndexError(ranksPath, `ranks[${i}]`, `${r} is out of range or repeated: not a permutation of 0..${n - 1}`);
    seen[r] = 1;
  }
  return { count: n, ranks, id: (i) => text.toString("utf8", offsets[i]!, offsets[i + 1]! - 1) };
}

/** Fills `target` with the whole file, which must be exactly `target.length` bytes. */
async function readWhole(path: string, target: Uint8Array): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw new DenseIndexError(path, "(file)", `cannot read: ${(err as Error).message}`);
  }
  try {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, target.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    const extra = await handle.read(new Uint8Array(1), 0, 1, done);
    if (done !== target.length || extra.bytesRead !== 0) {
      throw new DenseIndexError(path, "byteLength", `expected ${target.length} bytes (manifest.json), found ${done < target.length ? done : "more"}`);
    }
  } finally {
    await handle.close();
  }
}
