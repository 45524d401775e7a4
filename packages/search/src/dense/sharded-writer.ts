/**
 * Writes a sharded dense index folder (./sharded-manifest.ts) shard by shard, resumable: rows
 * are streamed to the open shard's temporary file; when it holds `shardSize` rows it is flushed,
 * its ids and id ranks are written, the three files are renamed into place and the manifest is
 * replaced atomically with the shard added. A writer killed at any point leaves the completed
 * shards listed in the manifest; {@link ShardedIndexWriter.open} on the same folder keeps them
 * (sizes and sha256 checked), removes the partial shard and any shard file the manifest does not
 * list, and continues at row {@link ShardedIndexWriter.completedCount}.
 */
import { createHash, type Hash } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import { sha256FileUncached, writeFileAtomic, writeFileFlushed } from "@i3/core";
import { toFloat16 } from "./float16.js";
import { bytesPerElement, DenseIndexError, type DenseDtype, type EncoderDescription } from "./manifest.js";
import {
  readShardedManifest,
  SHARD_FILE_PATTERN,
  shardFileNames,
  SHARDED_FORMAT,
  SHARDED_FORMAT_VERSION,
  SHARDED_MANIFEST,
  type ShardedManifest,
  type ShardEntry,
} from "./sharded-manifest.js";
import { loadShardIds } from "./shard-ids.js";

/** Options of {@link ShardedIndexWriter.open}. */
export interface ShardedWriterOptions {
  dim: number;
  /** Stored element type. Default `"float32"`. */
  dtype?: DenseDtype;
  /** Rows per shard. Default {@link defaultShardSize}: the most rows below 2^31 bytes. */
  shardSize?: number;
  /** Copied to the manifest; a resumed folder must have the same fingerprint. */
  encoder: EncoderDescription;
  /** Copied to the manifest when the folder is created. */
  backend: string;
  /** On resume, re-hash the completed shards' files against the manifest (default true; sizes are always checked). */
  verifyOnResume?: boolean;
}

/** The most rows of `dim` values of `dtype` that fit in one shard file below 2^31 bytes. */
export function defaultShardSize(dim: number, dtype: DenseDtype): number {
  return Math.floor((2 ** 31 - 1) / (dim * bytesPerElement(dtype)));
}

/** The shard being filled. */
interface OpenShard {
  handle: FileHandle;
  temp: string;
  hash: Hash;
  ids: string[];
  seen: Set<string>;
}

/** Appends vectors to a sharded index folder, one shard file at a time; see the module comment. */
export class ShardedIndexWriter {
  private current: OpenShard | undefined;
  private failed: Error | undefined;
  private finished = false;

  private constructor(
    /** The index folder. */
    readonly dir: string,
    private readonly manifest: ShardedManifest,
  ) {}

  /**
   * Creates the folder (or an empty one) and its `building` manifest, or resumes a folder a
   * writer left unfinished. A complete index, a non-empty folder without a manifest, or settings
   * (dim, dtype, shardSize, encoder fingerprint) that differ from the folder's are errors.
   */
  static async open(dir: string, options: ShardedWriterOptions): Promise<ShardedIndexWriter> {
    if (endianness() !== "LE") throw new Error("ShardedIndexWriter: big-endian hosts are not supported");
    const { dim } = options;
    const dtype = options.dtype ?? "float32";
    if (!Number.isSafeInteger(dim) || dim < 1) throw new RangeError(`ShardedIndexWriter: dim must be a positive integer, got ${dim}`);
    if (dtype !== "float32" && dtype !== "float16") throw new RangeError(`ShardedIndexWriter: dtype must be "float32" or "float16", got ${String(dtype)}`);
    const shardSize = options.shardSize ?? defaultShardSize(dim, dtype);
    if (!Number.isSafeInteger(shardSize) || shardSize < 1) throw new RangeError(`ShardedIndexWriter: shardSize must be a positive integer, got ${shardSize}`);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir);
    const manifestPath = join(dir, SHARDED_MANIFEST);
    let manifest: ShardedManifest;
    if (entries.includes(SHARDED_MANIFEST)) {
      manifest = await readShardedManifest(dir);
      const mismatch = (field: string, found: unknown, wanted: unknown): never => {
        throw new DenseIndexError(manifestPath, field, `the folder was started with ${JSON.stringify(found)}, this writer has ${JSON.stringify(wanted)}; remove the folder to start over`);
      };
      if (manifest.status === "complete") throw new DenseIndexError(manifestPath, "status", "the index is complete; remove the folder to rebuild it");
      if (manifest.dim !== dim) mismatch("dim", manifest.dim, dim);
      if (manifest.dtype !== dtype) mismatch("dtype", manifest.dtype, dtype);
      if (manifest.shardSize !== shardSize) mismatch("shardSize", manifest.shardSize, shardSize);
      if (manifest.encoder.fingerprint !== options.encoder.fingerprint) mismatch("encoder.fingerprint", manifest.encoder.fingerprint, options.encoder.fingerprint);
      await checkShards(dir, manifest, options.verifyOnResume ?? true);
      const listed = new Set(manifest.shards.flatMap((s) => [s.vectors, s.ids, s.ranks]));
      for (const name of entries) {
        if (SHARD_FILE_PATTERN.test(name) && !listed.has(name)) await rm(join(dir, name), { force: true });
      }
    } else {
      const stray = entries.filter((name) => !SHARD_FILE_PATTERN.test(name) && !name.startsWith("."));
      if (stray.length > 0 || entries.some((name) => SHARD_FILE_PATTERN.test(name))) {
        throw new DenseIndexError(manifestPath, "(file)", `missing, and the folder is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}); not a sharded index being written`);
      }
      manifest = {
        format: SHARDED_FORMAT,
        version: SHARDED_FORMAT_VERSION,
        status: "building",
        dim,
        dtype,
        byteOrder: "little",
        metric: "ip",
        shardSize,
        count: 0,
        encoder: { description: options.encoder.description, fingerprint: options.encoder.fingerprint },
        backend: options.backend,
        createdAt: null,
        shards: [],
      };
      await writeManifest(dir, manifest);
    }
    return new ShardedIndexWriter(dir, manifest);
  }

  /** Rows in completed (durable) shards: where a resumed writer continues. */
  get completedCount(): number {
    return this.manifest.count;
  }

  /** Completed shards so far. */
  get completedShards(): number {
    return this.manifest.shards.length;
  }

  /** Rows per shard. */
  get shardSize(): number {
    return this.manifest.shardSize;
  }

  /** Rows appended so far, the open shard's included. */
  get count(): number {
    return this.manifest.count + (this.current?.ids.length ?? 0);
  }

  /**
   * Appends `ids.length` rows (`rows` is `[ids.length, dim]` row-major): float32 values, or for
   * a float16 index also float16 bit patterns as a Uint16Array (stored as they are). Ids must be
   * non-empty, without line breaks and unique (within a shard here, across shards in
   * {@link finish}). Values must be finite (and within float16's range for float16 indexes).
   */
  async append(ids: readonly string[], rows: Float32Array | Uint16Array): Promise<void> {
    this.usable("append");
    const { dim, dtype } = this.manifest;
    const halves = rows instanceof Uint16Array;
    if (!(rows instanceof Float32Array) && !halves) throw new TypeError(`ShardedIndexWriter.append: rows must be a Float32Array (or a Uint16Array of float16 bits), got ${Object.prototype.toString.call(rows)}`);
    if (halves && dtype !== "float16") throw new TypeError(`ShardedIndexWriter.append: float16 bits (a Uint16Array) given to a ${dtype} index`);
    if (rows.length !== ids.length * dim) throw new RangeError(`ShardedIndexWriter.append: ${rows.length} values for ${ids.length} ids x dim ${dim} (expected ${ids.length * dim})`);
    const base = this.count;
    const at = (i: number): string => `row ${base + i} (id ${JSON.stringify(ids[i])})`;
    ids.forEach((id, i) => {
      if (typeof id !== "string" || id === "") throw new Error(`ShardedIndexWriter.append: ${at(i)}: field "id" must be a non-empty string`);
      if (/[\n\r]/.test(id)) throw new Error(`ShardedIndexWriter.append: ${at(i)}: field "id" contains a line break`);
    });
    let half: Uint16Array | undefined;
    if (halves) {
      half = rows;
      for (let i = 0; i < half.length; i++) {
        if ((half[i]! & 0x7c00) === 0x7c00) throw new Error(`ShardedIndexWriter.append: ${at(Math.floor(i / dim))}: component ${i % dim} is float16 bits 0x${half[i]!.toString(16)}, an infinity or NaN`);
      }
    } else {
      for (let i = 0; i < rows.length; i++) {
        if (!Number.isFinite(rows[i]!)) throw new Error(`ShardedIndexWriter.append: ${at(Math.floor(i / dim))}: component ${i % dim} is ${rows[i]}`);
      }
    }
    if (dtype === "float16" && half === undefined) {
      half = toFloat16(rows as Float32Array);
      for (let i = 0; i < half.length; i++) {
        if ((half[i]! & 0x7c00) === 0x7c00) {
          throw new Error(`ShardedIndexWriter.append: ${at(Math.floor(i / dim))}: component ${i % dim} = ${rows[i]} overflows float16 (max 65504); use dtype "float32"`);
        }
      }
    }
    try {
      for (let done = 0; done < ids.length; ) {
        const shard = (this.current ??= await this.openShard());
        const take = Math.min(ids.length - done, this.manifest.shardSize - shard.ids.length);
        for (let i = done; i < done + take; i++) {
          if (shard.seen.has(ids[i]!)) throw new Error(`ShardedIndexWriter.append: ${at(i)}: field "id" is a duplicate`);
          shard.seen.add(ids[i]!);
          shard.ids.push(ids[i]!);
        }
        const values = half !== undefined ? half.subarray(done * dim, (done + take) * dim) : (rows as Float32Array).subarray(done * dim, (done + take) * dim);
        const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
        shard.hash.update(bytes);
        await writeAll(shard.handle, bytes);
        done += take;
        if (shard.ids.length === this.manifest.shardSize) await this.seal();
      }
    } catch (err) {
      this.failed = err as Error;
      await this.close();
      throw err;
    }
  }

  /**
   * Seals the last shard, checks that no id occurs in two shards, and marks the manifest
   * `complete`; returns it.
   */
  async finish(): Promise<ShardedManifest> {
    this.usable("finish");
    try {
      if (this.current !== undefined && this.current.ids.length > 0) await this.seal();
      await checkCrossShardDuplicates(this.dir, this.manifest);
      this.manifest.status = "complete";
      this.manifest.createdAt = new Date().toISOString();
      await writeManifest(this.dir, this.manifest);
      this.finished = true;
      return structuredClone(this.manifest);
    } catch (err) {
      this.failed = err as Error;
      throw err;
    }
  }

  /**
   * Stops without finishing (the open shard's rows are dropped; its temporary file is removed
   * on the next {@link open}). The completed shards stay, and a later writer resumes after them.
   */
  async close(): Promise<void> {
    const shard = this.current;
    this.current = undefined;
    this.failed ??= new Error("closed");
    if (shard !== undefined) await shard.handle.close();
  }

  private usable(what: string): void {
    if (this.finished) throw new Error(`ShardedIndexWriter.${what}: the index is already finished`);
    if (this.failed !== undefined) throw new Error(`ShardedIndexWriter.${what}: the writer stopped (${this.failed.message}); open the folder again to resume`);
  }

  private async openShard(): Promise<OpenShard> {
    const names = shardFileNames(this.manifest.shards.length, this.manifest.dtype);
    const temp = join(this.dir, `${names.vectors}.tmp`);
    return { handle: await open(temp, "w"), temp, hash: createHash("sha256"), ids: [], seen: new Set() };
  }

  /** Flushes the open shard, writes its ids and ranks, renames the files, and adds it to the manifest. */
  private async seal(): Promise<void> {
    const shard = this.current!;
    const index = this.manifest.shards.length;
    const names = shardFileNames(index, this.manifest.dtype);
    await shard.handle.sync();
    await shard.handle.close();
    this.current = undefined;
    const idText = Buffer.from(shard.ids.join("\n") + "\n", "utf8");
    const ranks = idRanks(shard.ids);
    const rankBytes = new Uint8Array(ranks.buffer, ranks.byteOffset, ranks.byteLength);
    await writeFileFlushed(join(this.dir, `${names.ids}.tmp`), idText);
    await writeFileFlushed(join(this.dir, `${names.ranks}.tmp`), rankBytes);
    const n = shard.ids.length;
    const entry: ShardEntry = {
      ...names,
      count: n,
      bytes: { vectors: n * this.manifest.dim * bytesPerElement(this.manifest.dtype), ids: idText.byteLength, ranks: rankBytes.byteLength },
      sha256: { vectors: shard.hash.digest("hex"), ids: sha256(idText), ranks: sha256(rankBytes) },
    };
    for (const f of ["vectors", "ids", "ranks"] as const) await rename(join(this.dir, `${names[f]}.tmp`), join(this.dir, names[f]));
    this.manifest.shards.push(entry);
    this.manifest.count += n;
    await writeManifest(this.dir, this.manifest);
  }
}

/** `ranks[i]` = position of `ids[i]` in ascending string order (the unsharded index's tie rule, restricted to these ids). */
export function idRanks(ids: readonly string[]): Uint32Array {
  const order = Array.from({ length: ids.length }, (_, i) => i);
  order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const ranks = new Uint32Array(ids.length);
  for (let r = 0; r < order.length; r++) ranks[order[r]!] = r;
  return ranks;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}

async function writeManifest(dir: string, manifest: ShardedManifest): Promise<void> {
  await writeFileAtomic(join(dir, SHARDED_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

/** Checks every listed shard file's size (and sha256 when `hashes`) against the manifest. */
export async function checkShards(dir: string, manifest: ShardedManifest, hashes: boolean): Promise<void> {
  for (const shard of manifest.shards) {
    for (const f of ["vectors", "ids", "ranks"] as const) {
      const path = join(dir, shard[f]);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (err) {
        throw new DenseIndexError(path, "(file)", `cannot read: ${(err as Error).message}`);
      }
      if (size !== shard.bytes[f]) throw new DenseIndexError(path, "byteLength", `expected ${shard.bytes[f]} bytes (manifest.json), found ${size}`);
      if (hashes && (await sha256FileUncached(path)) !== shard.sha256[f]) throw new DenseIndexError(path, "sha256", `the file's sha256 differs from manifest.json's`);
    }
  }
}

/** Merges the shards' ids in ascending order (through their rank files) and rejects an id found in two shards. */
async function checkCrossShardDuplicates(dir: string, manifest: ShardedManifest): Promise<void> {
  if (manifest.shards.length < 2) return;
  const shards = await Promise.all(manifest.shards.map((s) => loadShardIds(dir, s)));
  const sorted = shards.map((s) => {
    const order = new Uint32Array(s.count);
    for (let i = 0; i < s.count; i++) order[s.ranks[i]!] = i;
    return order;
  });
  const pos = new Array<number>(shards.length).fill(0);
  const head = shards.map((s, i) => (s.count > 0 ? s.id(sorted[i]![0]!) : undefined));
  let previous: { id: string; shard: number; row: number } | undefined;
  for (;;) {
    let best = -1;
    for (let i = 0; i < shards.length; i++) {
      if (head[i] !== undefined && (best < 0 || head[i]! < head[best]!)) best = i;
    }
    if (best < 0) return;
    const row = sorted[best]![pos[best]!]!;
    const id = head[best]!;
    if (previous !== undefined && previous.id === id) {
      throw new Error(
        `ShardedIndexWriter.finish: id ${JSON.stringify(id)} is in ${join(dir, manifest.shards[previous.shard]!.ids)} line ${previous.row + 1} and in ${join(dir, manifest.shards[best]!.ids)} line ${row + 1}`,
      );
    }
    previous = { id, shard: best, row };
    pos[best]!++;
    head[best] = pos[best]! < shards[best]!.count ? shards[best]!.id(sorted[best]![pos[best]!]!) : undefined;
  }
}
