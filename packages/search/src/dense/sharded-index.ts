/**
 * A sharded dense index on disk (./sharded-manifest.ts), searched shard by shard with bounded
 * memory: each shard's vectors are read a chunk at a time into one reusable buffer, each chunk is
 * searched exactly by the unsharded kernels (`exactSearchWithKernel`: onnx by default, tf, js;
 * float16 chunks fed as halves), and its per-query top-k is merged into a running top-k.
 *
 * Exactness. Every kernel returns a chunk's best `min(k, rows)` in the index's order (score
 * descending, equal scores by id descending) when given the rows' ranks in any id order that
 * agrees with the global one: the shard's own id ranks (a subset of a total order keeps its
 * order). The global top-k is contained in the union of the chunks' top-k, and the merge compares
 * (score, id) with the same rule, so the result equals the unsharded search's (ids and scores),
 * ties across shard and chunk borders included, whenever the kernel's float32 score of a
 * (query, passage) pair does not depend on the block it is computed in (true of the js kernel,
 * and of all kernels on inputs whose products are exact; see the tests).
 *
 * Memory. `maxMemoryBytes` bounds the read buffer (chunk rows x row bytes), the kernel's working
 * set for one block (estimated per kernel: scores of a query block x passage block, float32
 * copies of a float16 block, onnxruntime's arena), buffers for the largest shard's ids and ranks
 * (reused for every shard), the top-k lists (28 bytes per query per k, the ids' characters not
 * counted) and a reserve; {@link ShardedDenseIndex.plan} says how it is split. The queries
 * themselves are the caller's and not counted.
 */
import { open } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import type { Run } from "@i3/data";
import type { DenseResult } from "./dense-index.js";
import { checkQueries, defaultBlocks, exactSearchWithKernel, type ExactSearchOptions } from "./exact-search.js";
import { bytesPerElement, DenseIndexError } from "./manifest.js";
import { chooseKernel, type SearchKernelReport } from "./search-kernel.js";
import { loadShardIds, ShardIdsBuffers, shardIdsBytes, type ShardIds } from "./shard-ids.js";
import { readShardedManifest, type ShardedManifest } from "./sharded-manifest.js";
import { checkShards } from "./sharded-writer.js";
import type { DenseHits } from "./top-k.js";
import { Float16Store, Float32Store, type VectorStore } from "./vector-store.js";

/** Default memory bound of a sharded search: 512 MiB. */
export const DEFAULT_MAX_MEMORY_BYTES = 512 * 2 ** 20;

/** Options of {@link ShardedDenseIndex.search}. */
export interface ShardedSearchOptions extends ExactSearchOptions {
  /** Bound on the search's working memory (see the module comment). Default 512 MiB. */
  maxMemoryBytes?: number;
}

/** How a search's memory bound is split (bytes), and the chunk and block sizes it allows. */
export interface ShardedSearchPlan {
  kernel: SearchKernelReport;
  maxMemoryBytes: number;
  /** Rows read and searched at a time (at most a shard). */
  chunkRows: number;
  /** Passage rows and queries per kernel block. */
  blockSize: number;
  queryBlockSize: number;
  bytes: { buffer: number; kernel: number; shardIds: number; lists: number; reserve: number; total: number };
}

/** Options of {@link ShardedDenseIndex.open}. */
export interface OpenShardedIndexOptions {
  /** Re-hash every shard file against the manifest (reads the whole index). Default false; sizes are always checked. */
  verify?: boolean;
}

/** Held back from `maxMemoryBytes` for what the plan does not itemise (JavaScript temporaries, decoded ids, code paged in): 16 MiB. */
export const SEARCH_RESERVE_BYTES = 16 * 2 ** 20;

/** Bytes per query per k of the top-k lists (chunk hits: row + score; running list: score, row, id reference). */
const LIST_BYTES = 28;

/** A complete sharded index folder, searched from disk. */
export class ShardedDenseIndex {
  private lastKernelReport: SearchKernelReport | undefined;

  private constructor(
    /** The index folder. */
    readonly dir: string,
    readonly manifest: ShardedManifest,
  ) {}

  /** Opens a complete sharded index folder (manifest and file sizes checked; sha256 with `verify`). */
  static async open(dir: string, options: OpenShardedIndexOptions = {}): Promise<ShardedDenseIndex> {
    if (endianness() !== "LE") throw new Error("ShardedDenseIndex.open: big-endian hosts are not supported");
    const manifest = await readShardedManifest(dir);
    if (manifest.status !== "complete") {
      throw new DenseIndexError(join(dir, "manifest.json"), "status", `"building": the writer has not finished (${manifest.shards.length} shards, ${manifest.count} rows so far)`);
    }
    if (manifest.count > 2 ** 32 - 1) throw new DenseIndexError(join(dir, "manifest.json"), "count", `${manifest.count} rows: above 2^32 - 1, the row numbers' range`);
    await checkShards(dir, manifest, options.verify ?? false);
    return new ShardedDenseIndex(dir, manifest);
  }

  get dim(): number {
    return this.manifest.dim;
  }

  get count(): number {
    return this.manifest.count;
  }

  get dtype(): ShardedManifest["dtype"] {
    return this.manifest.dtype;
  }

  /** The kernel that ran the last {@link search}; undefined before the first. */
  get lastKernel(): SearchKernelReport | undefined {
    return this.lastKernelReport;
  }

  /**
   * How a search of `nq` queries at `k` splits `maxMemoryBytes`: the kernel's default block
   * (or `options.blockSize`) halved until one block's working set, the largest shard's ids and
   * the lists leave room for a chunk of at least one block; throws when even that does not fit.
   */
  plan(nq: number, k: number, options: ShardedSearchOptions = {}): ShardedSearchPlan {
    const max = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`sharded search: maxMemoryBytes must be a positive integer, got ${max}`);
    const { report } = chooseKernel(options);
    const [defaultBlock, defaultQueryBlock] = defaultBlocks(report.kernel, k);
    const { dim, dtype, shards } = this.manifest;
    const rowBytes = dim * bytesPerElement(dtype);
    const largest = Math.max(1, ...shards.map((s) => s.count));
    const queryBlockSize = options.queryBlockSize ?? defaultQueryBlock;
    const q = Math.max(1, Math.min(queryBlockSize, nq));
    const shardIds = shards.length === 0 ? 0 : shardIdsBytes({ count: largest, bytes: { ids: Math.max(...shards.map((s) => s.bytes.ids)), vectors: 0, ranks: 0 } });
    const lists = nq * Math.min(k, Math.max(this.count, 1)) * LIST_BYTES;
    let block = Math.min(options.blockSize ?? defaultBlock, largest);
    for (;;) {
      const kernel = kernelBytes(report.kernel, dtype, block, q, dim, k);
      const reserve = Math.min(SEARCH_RESERVE_BYTES, Math.floor(max / 8));
      const rows = Math.floor((max - reserve - shardIds - lists - kernel) / rowBytes);
      if (rows >= block) {
        const chunkRows = Math.min(rows, largest);
        const buffer = chunkRows * rowBytes;
        return { kernel: report, maxMemoryBytes: max, chunkRows, blockSize: block, queryBlockSize, bytes: { buffer, kernel, shardIds, lists, reserve, total: buffer + kernel + shardIds + lists + reserve } };
      }
      if (options.blockSize !== undefined || block === 1) {
        const need = reserve + shardIds + lists + kernel + block * rowBytes;
        throw new RangeError(`sharded search: maxMemoryBytes ${max} is below the ${need} bytes one block of ${block} rows needs (reserve ${reserve}, shard ids ${shardIds}, top-k lists ${lists}, kernel ${kernel}, rows ${block * rowBytes})`);
      }
      block = Math.max(1, Math.floor(block / 2));
    }
  }

  /**
   * Exact top-k by inner product for each query of `queries` (`[nq, dim]` row-major), shard by
   * shard within `options.maxMemoryBytes`: the same hits, order and scores as `DenseIndex.search`
   * over all the rows (see the module comment). `indices` are global row numbers.
   */
  async search(queries: Float32Array, k: number, options: ShardedSearchOptions = {}): Promise<DenseResult[]> {
    const { dim, dtype } = this.manifest;
    const nq = checkQueries(queries, dim);
    if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`dense search: k must be a positive integer, got ${k}`);
    const plan = this.plan(nq, k, options);
    this.lastKernelReport = plan.kernel;
    if (nq === 0) return [];
    const rowBytes = dim * bytesPerElement(dtype);
    const buffer = new ArrayBuffer(plan.chunkRows * rowBytes);
    const bytes = new Uint8Array(buffer);
    const lists = Array.from({ length: nq }, () => new RunningTopK(k));
    const kernelOptions: ExactSearchOptions = {
      ...options,
      kernel: plan.kernel.kernel,
      blockSize: plan.blockSize,
      queryBlockSize: plan.queryBlockSize,
      ...(plan.kernel.threads !== undefined ? { threads: plan.kernel.threads } : {}),
    };
    const idBuffers = ShardIdsBuffers.forShards(this.manifest.shards);
    let shardStart = 0;
    for (const shard of this.manifest.shards) {
      const ids = await loadShardIds(this.dir, shard, idBuffers);
      const path = join(this.dir, shard.vectors);
      const handle = await open(path, "r");
      try {
        for (let c0 = 0; c0 < shard.count; c0 += plan.chunkRows) {
          const n = Math.min(plan.chunkRows, shard.count - c0);
          await readExactly(handle, path, bytes.subarray(0, n * rowBytes), c0 * rowBytes);
          const store: VectorStore = dtype === "float16" ? new Float16Store(new Uint16Array(buffer, 0, n * dim), dim) : new Float32Store(new Float32Array(buffer, 0, n * dim), dim);
          const { hits } = exactSearchWithKernel(store, queries, k, ids.ranks.subarray(c0, c0 + n), kernelOptions);
          for (let q = 0; q < nq; q++) lists[q]!.merge(hits[q]!, ids, c0, shardStart + c0);
        }
      } finally {
        await handle.close();
      }
      shardStart += shard.count;
    }
    return lists.map((l) => l.result());
  }

  /** Searches and returns a {@link Run} (query id -> passage id -> score). */
  async searchToRun(queryIds: readonly string[], queryVectors: Float32Array, k: number, options: ShardedSearchOptions = {}): Promise<Run> {
    if (queryVectors.length !== queryIds.length * this.dim) throw new RangeError(`searchToRun: ${queryVectors.length} values for ${queryIds.length} query ids x dim ${this.dim}`);
    if (new Set(queryIds).size !== queryIds.length) throw new Error(`searchToRun: field "queryIds": duplicate query ids`);
    const results = await this.search(queryVectors, k, options);
    const run: Run = new Map();
    results.forEach((r, q) => run.set(queryIds[q]!, new Map(r.ids.map((id, i) => [id, r.scores[i]!]))));
    return run;
  }

  /** Re-hashes every shard file against the manifest's sha256 (reads the whole index); throws naming the first file that differs. */
  async verify(): Promise<void> {
    await checkShards(this.dir, this.manifest, true);
  }
}

/**
 * Working bytes of one (query block, passage block) of each kernel, beyond the read buffer.
 * onnx: the in-graph Cast of a float16 block, the Gemm scores and TopK's values and int64
 * indices, doubled because onnxruntime's CPU arena grows by powers of two and keeps what it took
 * (measured: a 201 MB Cast output held 408 MB), plus the outputs' JavaScript copies.
 */
function kernelBytes(kernel: SearchKernelReport["kernel"], dtype: ShardedManifest["dtype"], block: number, q: number, dim: number, k: number): number {
  const decoded = dtype === "float16" ? block * dim * 4 : 0; // onnx: the in-graph Cast; js, tf: the scratch block
  const scores = q * block * 4;
  const topK = q * (k + 1) * 12;
  if (kernel === "onnx") return ARENA_FACTOR * (decoded + scores + topK) + scores + topK; // native (arena) + copies in JavaScript (full-scores rerun, TopK)
  if (kernel === "tf") return decoded + 2 * block * dim * 4 + 2 * scores; // transposed block and its tensor, product and its data
  return decoded + scores;
}

/** How much more than its requests onnxruntime's CPU arena may hold (it extends by powers of two). */
const ARENA_FACTOR = 2;

/** Fills `target` from `position` of the open file. */
async function readExactly(handle: Awaited<ReturnType<typeof open>>, path: string, target: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < target.length; ) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new DenseIndexError(path, "byteLength", `file ended at byte ${position + done}, expected ${position + target.length}`);
    done += bytesRead;
  }
}

/** One query's running top-k across chunks: score descending, equal scores by id descending. */
class RunningTopK {
  private scores: number[] = [];
  private rows: number[] = [];
  private ids: string[] = [];

  constructor(private readonly k: number) {}

  /** Merges a chunk's hits (chunk rows, in the index's order); `idBase`/`rowBase`: the chunk's first row in the shard / index. */
  merge(hits: DenseHits, shardIds: ShardIds, idBase: number, rowBase: number): void {
    const m = hits.indices.length;
    const size = this.scores.length;
    if (m === 0) return;
    if (size === this.k && hits.scores[0]! < this.scores[size - 1]!) return; // nothing in this chunk can enter
    const scores: number[] = [];
    const rows: number[] = [];
    const ids: string[] = [];
    let a = 0;
    let b = 0;
    let idB: string | undefined;
    while (scores.length < this.k && (a < size || b < m)) {
      let takeA: boolean;
      if (b >= m) takeA = true;
      else if (a >= size) takeA = false;
      else {
        const sa = this.scores[a]!;
        const sb = hits.scores[b]!;
        if (sa !== sb) takeA = sa > sb;
        else {
          idB ??= shardIds.id(idBase + hits.indices[b]!);
          takeA = this.ids[a]! > idB;
        }
      }
      if (takeA) {
        scores.push(this.scores[a]!);
        rows.push(this.rows[a]!);
        ids.push(this.ids[a++]!);
      } else {
        scores.push(hits.scores[b]!);
        rows.push(rowBase + hits.indices[b]!);
        ids.push(idB ?? shardIds.id(idBase + hits.indices[b]!));
        b++;
        idB = undefined;
      }
    }
    this.scores = scores;
    this.rows = rows;
    this.ids = ids;
  }

  result(): DenseResult {
    return { ids: this.ids, indices: Uint32Array.from(this.rows), scores: Float32Array.from(this.scores) };
  }
}
